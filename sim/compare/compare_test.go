package compare

import (
	"bytes"
	"io"
	"math"
	"strings"
	"testing"

	"github.com/econsim/econsim/sim/sweep"
)

func near(t *testing.T, name string, got, want, tol float64) {
	t.Helper()
	if math.Abs(got-want) > tol {
		t.Errorf("%s = %.12g, want %.12g", name, got, want)
	}
}

// TestStatistics against hand calculation. For 1…11: mean 6, sd √11,
// t(0.975, 10) = 2.228138852 (tables), so the CI is 6 ± 2.228138852; the
// worst 10% is the ⌈1.1⌉ = 2 smallest, mean 1.5.
func TestStatistics(t *testing.T) {
	x := []float64{5, 1, 2, 3, 4, 6, 7, 8, 9, 10, 11}
	s := Describe(x)
	near(t, "mean", s.Mean, 6, 1e-12)
	near(t, "sd", s.SD, math.Sqrt(11), 1e-12)
	near(t, "ci lo", s.CILo, 6-2.228138852, 1e-8)
	near(t, "ci hi", s.CIHi, 6+2.228138852, 1e-8)
	near(t, "worst", s.Worst, 1, 0)
	near(t, "worst10", s.Worst10, 1.5, 0)
	if one := Describe([]float64{3}); !math.IsNaN(one.SD) || !math.IsNaN(one.CILo) || one.Mean != 3 {
		t.Errorf("n = 1: %+v", one)
	}

	// Paired: d = 2, 3, 4, 5: mean 3.5, sd √(5/3), se = sd/2, t = 3.5/se;
	// t(0.975, 3) = 3.182446305. With 3 degrees of freedom the t CDF is
	// 1/2 + (1/π)(u/(1+u²) + atan u), u = t/√3.
	p := ComparePaired([]float64{3, 5, 7, 9}, []float64{1, 2, 3, 4})
	se := math.Sqrt(5.0/3) / 2
	tt := 3.5 / se
	u := tt / math.Sqrt(3)
	cdf := 0.5 + (u/(1+u*u)+math.Atan(u))/math.Pi
	near(t, "diff", p.Mean, 3.5, 1e-12)
	near(t, "t", p.T, tt, 1e-12)
	near(t, "p", p.P, 2*(1-cdf), 1e-10)
	near(t, "diff ci lo", p.CILo, 3.5-3.182446305*se, 1e-8)
	near(t, "win", p.WinRate, 1, 0)
	q := ComparePaired([]float64{1, 2, 3, 4}, []float64{1, 3, 1, 4}) // d = 0, −1, 2, 0
	near(t, "win with ties", q.WinRate, (1+0.5+0.5)/4, 1e-15)
	c := ComparePaired([]float64{2, 3}, []float64{1, 2}) // every d = 1
	if c.P != 0 || !math.IsInf(c.T, 1) {
		t.Errorf("constant non-zero differences: t %v p %v", c.T, c.P)
	}

	// Pareto: A(1,1) B(2,0) C(1,1)=A D(0.5,0.5) E(2,0)=B F(1.5,0.5)
	front := ParetoFront([]float64{1, 2, 1, 0.5, 2, 1.5}, []float64{1, 0, 1, 0.5, 0, 0.5})
	if got := len(front); got != 5 || front[0] != 0 || front[1] != 1 || front[2] != 2 || front[3] != 4 || front[4] != 5 {
		t.Errorf("front %v, want [0 1 2 4 5] (D dominated; duplicates kept)", front)
	}
}

// TestCompareOutput: the printed numbers of a comparison, checked against
// the hand-computed statistics above to the last printed digit.
func TestCompareOutput(t *testing.T) {
	mk := func(v string, rep int, eq, prod float64) sweep.Result {
		return sweep.Result{Run: sweep.Run{Variant: v, Replicate: rep, ID: v + string(rune('0'+rep))},
			Final: map[string]float64{"equality": eq, "productivity": prod}}
	}
	m := &sweep.Merged{Name: "hand"}
	for i, b := range []float64{1, 2, 3, 4} {
		m.Results = append(m.Results, mk("base", i, b, 10))
	}
	for i, a := range []float64{3, 5, 7, 9} {
		m.Results = append(m.Results, mk("new", i, a, 10))
	}
	m.Runs = make([]sweep.Run, 8)
	c, err := Compare(m, "variant", "", []string{"equality"})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := c.Write(&b, "csv"); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	// base: mean 2.5, sd √(5/3) = 1.2909944, CI 2.5 ± 3.1824463·0.6454972
	// = 2.5 ± 2.0542603 = [0.4457397, 4.5542603].
	if want := "base,equality,4,0,2.5,1.29099,0.44574,4.55426,baseline,,,,,1,1"; lines[1] != want {
		t.Errorf("baseline row\n got %s\nwant %s", lines[1], want)
	}
	// new: mean 6, sd √(20/3) = 2.5819889, CI 6 ± 3.1824463·1.2909944 =
	// 6 ± 4.1085205; diff 3.5 ± 2.0542603; p from the closed-form t CDF
	// with 3 degrees of freedom (as in TestStatistics); win 1; worst 3.
	u := 3.5 / (math.Sqrt(5.0/3) / 2) / math.Sqrt(3)
	pv := 2 * (1 - (0.5 + (u/(1+u*u)+math.Atan(u))/math.Pi))
	if want := "new,equality,4,0,6,2.58199,1.89148,10.1085,3.5,1.44574,5.55426," + num(pv) + ",1,3,3"; lines[2] != want {
		t.Errorf("new row\n got %s\nwant %s", lines[2], want)
	}
	if len(c.Front) != 1 || c.Front[0] != "new" {
		t.Errorf("front %v, want [new]", c.Front)
	}
}

// TestNAIsNotZero: a metric a run could not compute (NaN, null in its
// summary) is left out and counted as NA, never averaged as 0; the JSON
// uses the table's keys and writes null for what is undefined.
func TestNAIsNotZero(t *testing.T) {
	m := &sweep.Merged{Name: "na", Runs: make([]sweep.Run, 6)}
	for i, x := range []float64{1, 2, math.NaN(), 4} {
		m.Results = append(m.Results, sweep.Result{Run: sweep.Run{Variant: "a", Replicate: i},
			Final: map[string]float64{"equality": x, "productivity": 1}})
	}
	for i, x := range []float64{2, 3} {
		m.Results = append(m.Results, sweep.Result{Run: sweep.Run{Variant: "b", Replicate: i},
			Final: map[string]float64{"equality": x, "productivity": 1}})
	}
	c, err := Compare(m, "variant", "", []string{"equality"})
	if err != nil {
		t.Fatal(err)
	}
	a := c.Rows[0].Stats
	if a.N != 3 || a.NA != 1 || math.Abs(a.Mean-7.0/3) > 1e-12 || a.Worst != 1 {
		t.Errorf("group a: %+v, want n 3, NA 1, mean 7/3 = 2.3333, worst 1", a)
	}
	// b against a, paired by replicate: (2−1, 3−2) = (1, 1).
	p := c.Rows[1].Paired
	if p.N != 2 || p.NA != 0 || p.Mean != 1 {
		t.Errorf("paired: %+v, want n 2, mean 1", p.Stats)
	}
	var b bytes.Buffer
	if err := c.Write(&b, "json"); err != nil {
		t.Fatalf("json: %v", err)
	}
	out := b.String()
	for _, want := range []string{`"n": 3`, `"na": 1`, `"mean": 2.3333333333333335`, `"ci95_lo"`, `"win_rate": 1`, `"diff": {`} {
		if !strings.Contains(out, want) {
			t.Errorf("json lacks %s:\n%s", want, out)
		}
	}
	for _, bad := range []string{`"N"`, `"Mean"`, `"SD"`} {
		if strings.Contains(out, bad) {
			t.Errorf("json has the Go field name %s", bad)
		}
	}
}

// TestCompareFormats: the table, md and csv formats carry the same cells;
// an unknown format is an error.
func TestCompareFormats(t *testing.T) {
	m := &sweep.Merged{Name: "f", Runs: make([]sweep.Run, 4)}
	for i, x := range []float64{1, 3} {
		m.Results = append(m.Results, sweep.Result{Run: sweep.Run{Variant: "a", Replicate: i}, Final: map[string]float64{"equality": x, "productivity": 1}})
		m.Results = append(m.Results, sweep.Result{Run: sweep.Run{Variant: "b", Replicate: i}, Final: map[string]float64{"equality": x + 1, "productivity": 1}})
	}
	if _, err := Compare(m, "", "", nil); err == nil || !strings.Contains(err.Error(), "eq_x_prod") {
		t.Fatalf("the default metrics include ones the runs lack: %v, want an error naming one", err)
	}
	c, err := Compare(m, "", "", []string{"equality"})
	if err != nil {
		t.Fatal(err)
	}
	// a: 1, 3 (mean 2, sd √2); b: 2, 4 (mean 3); paired differences 1, 1:
	// mean 1, sd 0, every difference equal and positive, so p = 0 (< 1e-4).
	for _, f := range []struct{ format, want string }{
		{"table", "b      2  0   3     1.41421"},
		{"md", "| b | equality | 2 | 0 | 3 | 1.41421 |"},
		{"csv", "b,equality,2,0,3,1.41421,"},
	} {
		var b bytes.Buffer
		if err := c.Write(&b, f.format); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.String(), f.want) || !strings.Contains(b.String(), "<1e-04") && f.format != "table" {
			t.Errorf("%s lacks %q or the p-value:\n%s", f.format, f.want, b.String())
		}
	}
	if err := c.Write(io.Discard, "xml"); err == nil {
		t.Error("format xml accepted")
	}
	if len(DefaultMetrics()) != 6 || DefaultMetrics()[0] != "equality" {
		t.Errorf("DefaultMetrics %v", DefaultMetrics())
	}
}

// TestWorstByDirection: the worst run is the lowest where higher is better
// (productivity), the highest where lower is better (wealth_gini, a Gini:
// the most equal run is the best, not the worst), and none where a metric
// has no direction (revenue).
func TestWorstByDirection(t *testing.T) {
	x := []float64{0.3, 0.9, 0.5, 0.7, math.NaN()}
	for _, c := range []struct {
		metric         string
		worst, worst10 float64
	}{{"productivity", 0.3, 0.3}, {"wealth_gini", 0.9, 0.9}, {"revenue", math.NaN(), math.NaN()}} {
		s := DescribeMetric(x, c.metric)
		same := func(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }
		if !same(s.Worst, c.worst) || !same(s.Worst10, c.worst10) || s.N != 4 || s.NA != 1 || math.Abs(s.Mean-0.6) > 1e-15 {
			t.Errorf("%s: %+v, want worst %v and worst10 %v (mean 0.6 of 4, 1 NA)", c.metric, s, c.worst, c.worst10)
		}
	}
}

// TestMissingMetricIsNA: a metric some runs lack (a reform's, in runs
// without one) is NA for them, never 0; asked of runs that all lack a
// reform's metric, compare says why.
func TestMissingMetricIsNA(t *testing.T) {
	m := &sweep.Merged{Name: "reform", Runs: make([]sweep.Run, 4)}
	for i := range 2 {
		m.Results = append(m.Results,
			sweep.Result{Run: sweep.Run{Variant: "adaptive", Replicate: i}, Final: map[string]float64{"equality": 1, "productivity": 1}},
			sweep.Result{Run: sweep.Run{Variant: "foresight", Replicate: i}, Final: map[string]float64{"equality": 1, "productivity": 1, "reform_mean_cev": 0.01 * float64(i+1)}})
	}
	c, err := Compare(m, "variant", "foresight", []string{"reform_mean_cev"})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range c.Rows {
		switch r.Group {
		case "adaptive":
			if r.Stats.N != 0 || r.Stats.NA != 2 {
				t.Errorf("adaptive: %+v, want every run NA", r.Stats)
			}
		case "foresight":
			if r.Stats.N != 2 || math.Abs(r.Stats.Mean-0.015) > 1e-15 {
				t.Errorf("foresight: %+v, want n 2, mean 0.015", r.Stats)
			}
		}
	}
	m.Results = m.Results[:1]
	_, err = Compare(m, "variant", "", []string{"reform_share_gaining"})
	if err == nil || !strings.Contains(err.Error(), `agents.expectations = "perfect_foresight"`) {
		t.Errorf("error %v, want one saying when a reform's metrics are computed", err)
	}
}
