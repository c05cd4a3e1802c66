package agents

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/econsim/econsim/sim/field"
)

// TestTauchenHand: 3 states, ρ = 0.5, σ = 1, width 1: points −1, 0, 1, step 1,
// σ_ε = √0.75. From state −1 (mean −0.5): P(→−1) = Φ(0) = 0.5,
// P(→1) = 1 − Φ(1/√0.75) = 1 − Φ(1.1547) = 0.124106 (normal table, Φ(1.1547)
// = 0.875894), P(→0) the rest. From state 0 (mean 0): P(→±1) = 1 − Φ(0.5/√0.75)
// = 1 − Φ(0.57735) = 0.281851.
func TestTauchenHand(t *testing.T) {
	logs, P := Tauchen(0.5, 1, 3, 1)
	for j, want := range []float64{-1, 0, 1} {
		if math.Abs(logs[j]-want) > 1e-15 {
			t.Errorf("point %d = %v, want %v", j, logs[j], want)
		}
	}
	for _, c := range []struct {
		i, j int
		want float64
	}{{0, 0, 0.5}, {0, 2, 0.124106}, {0, 1, 1 - 0.5 - 0.124106}, {1, 0, 0.281851}, {1, 2, 0.281851}, {1, 1, 1 - 2*0.281851}, {2, 2, 0.5}} {
		if got := P[c.i*3+c.j]; math.Abs(got-c.want) > 2e-6 {
			t.Errorf("P[%d][%d] = %.7f, want %.6f (±2e-6)", c.i, c.j, got, c.want)
		}
	}
}

// TestRouwenhorstMoments: Rouwenhorst's chain matches the AR(1)'s variance σ²
// and autocorrelation ρ exactly, and its stationary distribution is
// Binomial(n−1, ½) (Kopecky & Suen 2010).
func TestRouwenhorstMoments(t *testing.T) {
	for _, c := range []struct {
		rho, sigma float64
		n          int
	}{{0.9, 0.4, 7}, {0.6, 0.2, 5}, {0, 1, 2}, {-0.3, 0.5, 9}} {
		logs, P := Rouwenhorst(c.rho, c.sigma, c.n)
		pi, err := stationary(P, c.n)
		if err != nil {
			t.Fatal(err)
		}
		binom := 1.0
		for k := range c.n {
			if k > 0 {
				binom = binom * float64(c.n-k) / float64(k)
			}
			if want := binom / math.Pow(2, float64(c.n-1)); math.Abs(pi[k]-want) > 1e-12 {
				t.Errorf("%+v: π[%d] = %v, want C(n−1,k)/2^(n−1) = %v", c, k, pi[k], want)
			}
		}
		var mean, v, cov float64
		for s := range c.n {
			mean += pi[s] * logs[s]
		}
		for s := range c.n {
			v += pi[s] * (logs[s] - mean) * (logs[s] - mean)
			next := 0.0
			for j := range c.n {
				next += P[s*c.n+j] * (logs[j] - mean)
			}
			cov += pi[s] * (logs[s] - mean) * next
		}
		if math.Abs(v-c.sigma*c.sigma) > 1e-12 || math.Abs(cov/v-c.rho) > 1e-12 {
			t.Errorf("%+v: variance %v (want %v), autocorrelation %v (want %v)", c, v, c.sigma*c.sigma, cov/v, c.rho)
		}
	}
}

// TestStationaryTwoStates: the chain [[1−p, p], [q, 1−q]] has π = (q, p)/(p+q).
func TestStationaryTwoStates(t *testing.T) {
	p, q := 0.1, 0.3
	pi, err := stationary([]float64{1 - p, p, q, 1 - q}, 2)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(pi[0]-0.75) > 1e-15 || math.Abs(pi[1]-0.25) > 1e-15 {
		t.Errorf("π = %v, want [0.75 0.25]", pi)
	}
}

// TestChainNormalised: levels scale to stationary mean 1 and keep their ratios.
func TestChainNormalised(t *testing.T) {
	ch, err := Productivity{Process: "markov", Levels: []float64{1, 3}, Transition: [][]float64{{0.9, 0.1}, {0.3, 0.7}}}.Chain()
	if err != nil {
		t.Fatal(err)
	}
	// π = (0.75, 0.25): mean of (1, 3) is 1.5, so the levels are (2/3, 2).
	if math.Abs(ch.Levels[0]-2.0/3) > 1e-15 || math.Abs(ch.Levels[1]-2) > 1e-15 {
		t.Errorf("levels %v, want [0.6667 2]", ch.Levels)
	}
	ar, err := Productivity{Process: "ar1", Rho: 0.6, Sigma: 0.4, States: 7, Method: "tauchen", Width: 3}.Chain()
	if err != nil {
		t.Fatal(err)
	}
	mean := 0.0
	for s, l := range ar.Levels {
		mean += ar.Stationary[s] * l
	}
	if math.Abs(mean-1) > 1e-14 {
		t.Errorf("stationary mean %v, want 1", mean)
	}
	one, err := Productivity{Process: "ar1", Rho: 0.5, Sigma: 0, States: 7, Method: "tauchen", Width: 3}.Chain()
	if err != nil || one.States() != 1 || one.Levels[0] != 1 {
		t.Errorf("σ = 0: %v states, levels %v, err %v; want one state of level 1", one.States(), one.Levels, err)
	}
}

// TestNext: a draw u lands in the first state whose cumulative probability
// exceeds it.
func TestNext(t *testing.T) {
	ch, err := Productivity{Process: "markov", Levels: []float64{1, 2, 3}, Transition: [][]float64{{0.2, 0.3, 0.5}, {0, 0.995, 0.005}, {0.5, 0, 0.5}}}.Chain()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		s    uint8
		u    float64
		want uint8
	}{{0, 0, 0}, {0, 0.1999, 0}, {0, 0.2, 1}, {0, 0.4999, 1}, {0, 0.5, 2}, {0, 0.9999999, 2}, {1, 0, 1}, {1, 0.99, 1}, {2, 0.49, 0}, {2, 0.5, 2}} {
		if got := ch.Next(c.s, c.u); got != c.want {
			t.Errorf("Next(%d, %v) = %d, want %d", c.s, c.u, got, c.want)
		}
	}
}

func TestProductivityErrors(t *testing.T) {
	for _, c := range []struct {
		p    Productivity
		want string
	}{
		{Productivity{Process: "markov", Levels: []float64{1, 2}, Transition: [][]float64{{0.5, 0.4}, {0.5, 0.5}}}, "row 0 sums to 0.9"},
		{Productivity{Process: "markov", Levels: []float64{1, 2}, Transition: [][]float64{{1.5, -0.5}, {0.5, 0.5}}}, "probability"},
		{Productivity{Process: "markov", Levels: []float64{1, 2}, Transition: [][]float64{{1, 0}}}, "2 rows"},
		{Productivity{Process: "markov", Levels: []float64{1, 0}, Transition: [][]float64{{1, 0}, {0, 1}}}, "positive"},
		{Productivity{Process: "markov", Levels: []float64{1, 2}, Transition: [][]float64{{1, 0}, {0, 1}}}, "do not both reach each other"},
		{Productivity{Process: "ar1", Rho: 1, Sigma: 0.4, States: 7, Method: "tauchen", Width: 3}, "Rho"},
		{Productivity{Process: "ar1", Rho: 0.5, Sigma: 0.4, States: 256, Method: "tauchen", Width: 3}, "States"},
		{Productivity{Process: "ar1", Rho: 0.5, Sigma: 0.4, States: 7, Method: "spline"}, "Method"},
		{Productivity{Process: "garch"}, "Process"},
	} {
		_, err := c.p.Chain()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: error %v, want one containing %q", c.p, err, c.want)
		}
	}
}

// FuzzChain: any explicit chain either is refused with an error or gives
// positive levels of stationary mean 1, a stationary distribution that sums
// to 1 and is invariant, and draws that land inside the chain.
func FuzzChain(f *testing.F) {
	f.Add([]byte{2, 10, 20, 128, 128, 30, 200})
	f.Add([]byte{3, 1, 2, 3, 255, 0, 0, 0, 255, 0, 0, 0, 255})
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) < 1 {
			return
		}
		n := int(b[0])%5 + 1
		b = b[1:]
		if len(b) < n+n*n {
			return
		}
		p := Productivity{Process: "markov", Levels: make([]float64, n), Transition: make([][]float64, n)}
		for i := range n {
			p.Levels[i] = float64(b[i]) / 16
		}
		for i := range n {
			row := b[n+i*n : n+(i+1)*n]
			sum := 0.0
			for _, x := range row {
				sum += float64(x)
			}
			p.Transition[i] = make([]float64, n)
			for j, x := range row {
				if sum > 0 {
					p.Transition[i][j] = float64(x) / sum
				}
			}
		}
		ch, err := p.Chain()
		if err != nil {
			return
		}
		mean, tot := 0.0, 0.0
		for s, l := range ch.Levels {
			if !(l > 0) || math.IsInf(l, 0) {
				t.Fatalf("level %d = %v", s, l)
			}
			mean += ch.Stationary[s] * l
			tot += ch.Stationary[s]
		}
		if math.Abs(mean-1) > 1e-9 || math.Abs(tot-1) > 1e-9 {
			t.Fatalf("stationary mean %v, total %v", mean, tot)
		}
		for j := range n {
			next := 0.0
			for s := range n {
				next += ch.Stationary[s] * ch.P[s*n+j]
			}
			if math.Abs(next-ch.Stationary[j]) > 1e-9 {
				t.Fatalf("π not invariant at %d: %v → %v", j, ch.Stationary[j], next)
			}
		}
		for s := range n {
			for _, u := range []float64{0, 0.5, math.Nextafter(1, 0)} {
				if k := ch.Next(uint8(s), u); int(k) >= n {
					t.Fatalf("Next(%d, %v) = %d of %d states", s, u, k, n)
				}
			}
		}
	})
}

// TestErgodicChains: a chain whose states do not all communicate, one with
// an absorbing state, and a periodic one are refused at Transition, with
// the reason; an aperiodic irreducible one (even with zeros) is accepted.
func TestErgodicChains(t *testing.T) {
	for _, c := range []struct {
		name string
		P    [][]float64
		want string // "" for valid
	}{
		{"two classes", [][]float64{{.9, .1, 0}, {.1, .9, 0}, {0, 0, 1}}, "do not both reach each other"},
		{"absorbing", [][]float64{{.5, .5}, {0, 1}}, "do not both reach each other"},
		{"transient start", [][]float64{{0, 1}, {0, 1}}, "do not both reach each other"},
		{"period 2", [][]float64{{0, 1}, {1, 0}}, "returns to a state only every 2 rounds"},
		{"period 3", [][]float64{{0, 1, 0}, {0, 0, 1}, {1, 0, 0}}, "only every 3 rounds"},
		{"bipartite 4", [][]float64{{0, .5, 0, .5}, {.5, 0, .5, 0}, {0, .5, 0, .5}, {.5, 0, .5, 0}}, "only every 2 rounds"},
		{"cycle with a stay", [][]float64{{0, 1, 0}, {0, 0, 1}, {.5, 0, .5}}, ""},
		{"cycles of 2 and 3", [][]float64{{0, .5, .5, 0}, {1, 0, 0, 0}, {0, 0, 0, 1}, {1, 0, 0, 0}}, ""},
		{"one state", [][]float64{{1}}, ""},
	} {
		levels := make([]float64, len(c.P))
		for i := range levels {
			levels[i] = float64(i + 1)
		}
		err := Productivity{Process: "markov", Levels: levels, Transition: c.P}.Validate()
		var fe *field.Error
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.want != "" && (!errors.As(err, &fe) || fe.Name != "Transition" || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: error %v, want one at Transition saying %q", c.name, err, c.want)
		}
	}
}

// TestTopState: a top state entered with probability e from every state
// and kept with probability s holds e/(e + 1 − s) of households (its
// inflow (1 − π)·e equals its outflow π·(1 − s)), the others keep their
// shares among themselves, and its level is Level times the others' mean
// level. Worked by hand for the two-state chain of TestChainNormalised,
// π = (0.75, 0.25), levels (1, 3), mean 1.5, with a top state of 20 times
// that mean (level 30), e = 0.01, s = 0.8: π_top = 0.01/0.21 = 1/21; the
// others hold 20/21 in the ratio 3 : 1; the mean level is (20/21)·1.5 +
// (1/21)·30 = 60/21, so the scaled levels are (21/60, 63/60, 630/60).
func TestTopState(t *testing.T) {
	ch, err := Productivity{Process: "markov", Levels: []float64{1, 3}, Transition: [][]float64{{0.9, 0.1}, {0.3, 0.7}},
		TopState: &TopState{Level: 20, Entry: 0.01, Stay: 0.8}}.Chain()
	if err != nil {
		t.Fatal(err)
	}
	wantPi := []float64{0.75 * 20 / 21, 0.25 * 20 / 21, 1.0 / 21}
	wantLevels := []float64{21.0 / 60, 63.0 / 60, 630.0 / 60}
	for s := range 3 {
		if math.Abs(ch.Stationary[s]-wantPi[s]) > 1e-14 || math.Abs(ch.Levels[s]-wantLevels[s]) > 1e-13 {
			t.Errorf("state %d: π %v, level %v; want %v, %v", s, ch.Stationary[s], ch.Levels[s], wantPi[s], wantLevels[s])
		}
	}
	// rows: the others scaled by 1 − e, the top state's left by π of the others
	want := [][]float64{{0.9 * 0.99, 0.1 * 0.99, 0.01}, {0.3 * 0.99, 0.7 * 0.99, 0.01}, {0.2 * 0.75, 0.2 * 0.25, 0.8}}
	for s, row := range want {
		for j, x := range row {
			if math.Abs(ch.P[s*3+j]-x) > 1e-15 {
				t.Errorf("P[%d][%d] = %v, want %v", s, j, ch.P[s*3+j], x)
			}
		}
	}
}
