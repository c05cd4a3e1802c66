package sim

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/econsim/econsim/sim/field"
	"github.com/econsim/econsim/sim/household"
	"github.com/econsim/econsim/sim/planner"
)

// foresightConfig is an economy of n households that foresee a wealth tax
// of after announced in round announce, in force from round change.
func foresightConfig(n, rounds, notice int) Config {
	cfg := saverConfig(n, rounds, 2)
	cfg.Period = 10
	h := *cfg.Households
	h.Saver.GridPoints = 150
	h.Taxes.Instrument = household.WealthRate
	h.Expectations, h.Horizon = household.PerfectForesight, 250
	cfg.Households, cfg.Notice = &h, notice
	return cfg
}

// TestForeseenReform runs an announced wealth tax: prices stay at the
// stationary equilibrium's until the announcement, move before the tax
// does, and the sample tracks the path; the households' g averages to the
// distribution's exact mean within sampling error.
func TestForeseenReform(t *testing.T) {
	if testing.Short() {
		t.Skip("solves a transition")
	}
	const n, notice, change = 20000, 10, 20
	e, rows := runSaversWith(t, foresightConfig(n, 30, notice), &planner.Fixed{Rates: []float64{0}, SwitchRound: change, After: []float64{0.01}})
	r, rate, gap, tr := columnOf(e, rows, "interest_rate"), columnOf(e, rows, "rate_0"), columnOf(e, rows, "capital_gap"), columnOf(e, rows, "transfer")
	st := e.Stationary()
	for i := range change - notice {
		if r[i] != st.Market.Rate {
			t.Fatalf("round %d: r = %v before the announcement, want the stationary %v", i, r[i], st.Market.Rate)
		}
	}
	rf := e.Reform()
	if rf == nil || rf.Announce != change-notice || rf.Change != change {
		t.Fatalf("reform %+v, want announced in round %d for round %d", rf, change-notice, change)
	}
	if rate[change-1] != 0 || !(r[change-1] > st.Market.Rate+1e-4) || math.Abs(tr[change-1]) > 1e-9 { // the path's tolerance
		t.Errorf("round %d: tax %v, r %v, transfer %v: want no tax and no transfer yet (within 1e-9), r already above %v", change-1, rate[change-1], r[change-1], tr[change-1], st.Market.Rate)
	}
	if rate[change] != 0.01 || !(tr[change] > 0) {
		t.Errorf("round %d: tax %v, transfer %v: want the tax and its revenue back", change, rate[change], tr[change])
	}
	for i, g := range gap {
		if math.Abs(g) > 0.03 { // wealth's coefficient of variation is about 0.8: 1/√N·0.8 ≈ 0.006
			t.Errorf("round %d: capital gap %v, want within 0.03", i, g)
		}
	}
	for j := range 10 {
		if p := rf.Path.At(j); r[rf.Announce+j] != p.Rate {
			t.Errorf("round %d: r = %v, the path's %v", rf.Announce+j, r[rf.Announce+j], p.Rate)
		}
	}
	meanCEVWithin(t, rf)
}

// TestForeseenNullReform: a reform to the policy in force leaves every
// household's g at 0 and the prices at the stationary equilibrium's.
func TestForeseenNullReform(t *testing.T) {
	if testing.Short() {
		t.Skip("solves a transition")
	}
	e, rows := runSaversWith(t, foresightConfig(2000, 20, 0), &planner.Fixed{Rates: []float64{0.01}, SwitchRound: 10, After: []float64{0.01}})
	for i, g := range e.Reform().CEV {
		if math.Abs(g) > 1e-10 {
			t.Fatalf("household %d: g = %v, want 0 within 1e-10", i, g)
		}
	}
	r := columnOf(e, rows, "interest_rate")
	for i, x := range r {
		if math.Abs(x-r[0]) > 1e-10 {
			t.Errorf("round %d: r = %v, want %v within 1e-10", i, x, r[0])
		}
	}
}

// TestForesightRefusals: perfect foresight needs a planner that sets its
// schedules in advance, and an announcement in a round of the run.
func TestForesightRefusals(t *testing.T) {
	for _, c := range []struct {
		name   string
		p      planner.Planner
		notice int
		field  string
		says   string
	}{
		{"a planner that learns", &planner.Search{Objective: "utilitarian"}, 0, "Households.Expectations", "sets its schedules in advance"},
		{"notice before round 0", &planner.Fixed{Rates: []float64{0}, SwitchRound: 10, After: []float64{0.01}}, 11, "Notice", "before round 0"},
		{"notice of no reform", planner.Flat(0), 5, "Notice", "no reform"},
	} {
		_, err := New(foresightConfig(100, 20, c.notice), c.p)
		var fe *field.Error
		if !errors.As(err, &fe) || fe.Name != c.field || !strings.Contains(fe.Msg, c.says) {
			t.Errorf("%s: got %v, want an error at %s saying %q", c.name, err, c.field, c.says)
		}
	}
}

// TestForeseenRules: households that follow a rule of thumb under perfect
// foresight follow it at the path's prices, and the sample tracks the
// path; the same households under adaptive expectations, at their own
// sample's prices, track it too (a rule does not look ahead).
func TestForeseenRules(t *testing.T) {
	n := 100000 // rules' transitions are quick: a small run is the race detector's
	if testing.Short() {
		n = 5000
	}
	tol := 0.01 * math.Sqrt(100000/float64(n)) // 4 standard errors of the mean wealth
	run := func(exp household.Expectations) (*Engine, [][]float64) {
		cfg := foresightConfig(n, 40, 0)
		cfg.Households.Saver.Saving, cfg.Households.Saver.Share = "fixed_rate", 0.25
		cfg.Households.Expectations = exp
		cfg.Redistribution.Kind = NoRedistribution // with the revenue back, Solow savers save as much as before
		return runSaversWith(t, cfg, &planner.Fixed{Rates: []float64{0}, SwitchRound: 10, After: []float64{0.03}})
	}
	e, rows := run(household.PerfectForesight)
	for i, g := range columnOf(e, rows, "capital_gap") {
		if math.Abs(g) > tol {
			t.Errorf("round %d: capital gap %v, want within %.3g", i, g, tol)
		}
	}
	path := e.Reform().Path
	t.Logf("path capital %v → %v", path.At(0).Capital, path.At(29).Capital)
	ea, rowsA := run(household.Adaptive)
	k := columnOf(ea, rowsA, "wealth_mean")
	for i := 10; i < 40; i++ {
		if want := path.At(i - 10).Capital; math.Abs(k[i]/want-1) > tol {
			t.Errorf("round %d, adaptive: capital %v, the path's %v", i, k[i], want)
		}
	}
}

// TestForeseenHours: households who choose their hours foresee an
// announced wealth tax. Prices and labour stay at the stationary
// equilibrium's until the announcement, then follow the path, whose
// labour the sample's hours supply within sampling error; the households'
// g averages to the distribution's exact mean within sampling error.
func TestForeseenHours(t *testing.T) {
	if testing.Short() {
		t.Skip("solves a transition with hours")
	}
	const n, notice, change = 20000, 10, 20
	cfg := foresightConfig(n, 30, notice)
	cfg.Households.Hours = &household.Hours{Kappa: 0.5, Elasticity: 0.5, Max: 5}
	e, rows := runSaversWith(t, cfg, &planner.Fixed{Rates: []float64{0}, SwitchRound: change, After: []float64{0.01}})
	r, l := columnOf(e, rows, "interest_rate"), columnOf(e, rows, "labor_mean") // mean hours
	st, rf := e.Stationary(), e.Reform()
	if rf == nil {
		t.Fatal("no reform solved")
	}
	for i := range change - notice {
		if r[i] != st.Market.Rate {
			t.Fatalf("round %d: r = %v before the announcement, want the stationary %v", i, r[i], st.Market.Rate)
		}
	}
	for j := range 10 {
		p := rf.Path.At(j)
		if r[rf.Announce+j] != p.Rate {
			t.Errorf("round %d: r = %v, the path's %v", rf.Announce+j, r[rf.Announce+j], p.Rate)
		}
		if d := l[rf.Announce+j]/p.Hours - 1; math.Abs(d) > 0.02 { // hours' coefficient of variation is about 0.5: 1/√N·0.5 ≈ 0.004
			t.Errorf("round %d: the sample works %v hours on average, the path %v (%.3g apart)", rf.Announce+j, l[rf.Announce+j], p.Hours, d)
		}
	}
	if p0 := rf.Path.At(0); p0.Labor == st.Market.Labor {
		t.Errorf("labour at the announcement %v, unchanged from the stationary %v: hours do not respond", p0.Labor, st.Market.Labor)
	}
	meanCEVWithin(t, rf)
}

// meanCEVWithin checks that the simulated households' mean g is the
// distribution's exact mean within 4 standard errors.
func meanCEVWithin(t *testing.T, rf *Reform) {
	t.Helper()
	n := float64(len(rf.CEV))
	sum, sq := 0.0, 0.0
	for _, g := range rf.CEV {
		sum += g
		sq += g * g
	}
	mean := sum / n
	se := math.Sqrt((sq/n - mean*mean) / n)
	if d := math.Abs(mean - rf.Gains.MeanCEV); d > 4*se {
		t.Errorf("the households' mean g %.6g, the distribution's %.6g: %.2g apart, over 4 standard errors (%.2g)", mean, rf.Gains.MeanCEV, d, se)
	}
}
