package sim

import (
	"context"
	"math"
	"testing"

	"github.com/econsim/econsim/sim/household"
	"github.com/econsim/econsim/sim/planner"
	"github.com/econsim/econsim/sim/tax"
)

// TestPatienceTypesEngine: households of three patience types are placed
// in their shares and each type's sample holds its stationary capital
// within sampling error after three rounds; the rounds are the same to the
// bit on 1 and 3 goroutines.
func TestPatienceTypesEngine(t *testing.T) {
	if testing.Short() {
		t.Skip("stationary equilibria of three types")
	}
	const n = 30000
	cfg := saverConfig(n, 3, 1)
	h := *cfg.Households
	h.Saver.GridPoints = 200
	h.Patience = household.UniformPatience(0.95, 0.015, 3)
	cfg.Households = &h
	e, rows := runSavers(t, cfg)
	st := e.Stationary()
	if len(st.Types) != 3 {
		t.Fatalf("%d types solved, want 3", len(st.Types))
	}
	count, sum, sq := make([]float64, 3), make([]float64, 3), make([]float64, 3)
	for i, a := range e.pop.Wealth {
		j := e.house.typ[i]
		count[j]++
		sum[j] += a
		sq[j] += a * a
	}
	for j, te := range st.Types {
		p := te.Share
		if d := count[j]/n - p; math.Abs(d) > 4*math.Sqrt(p*(1-p)/n) {
			t.Errorf("type %d: %.0f households, a share of %.4f against %.4f", j, count[j], count[j]/n, p)
		}
		mean := sum[j] / count[j]
		se := math.Sqrt((sq[j]/count[j] - mean*mean) / count[j])
		if d := mean - te.Capital; math.Abs(d) > 4*se {
			t.Errorf("type %d (β %v): the sample holds %.4f, the stationary distribution %.4f (se %.3g)", j, te.Discount, mean, te.Capital, se)
		}
	}
	disc := e.Discount()
	for i := range 100 {
		if want := st.Types[e.house.typ[i]].Discount; disc(i) != want {
			t.Fatalf("household %d: agents.csv's discount %v, its type's %v", i, disc(i), want)
		}
	}
	cfg.Workers = 3
	_, again := runSavers(t, cfg)
	for r := range rows {
		for k := range rows[r] {
			if math.Float64bits(again[r][k]) != math.Float64bits(rows[r][k]) && !(math.IsNaN(again[r][k]) && math.IsNaN(rows[r][k])) {
				t.Fatalf("3 workers: round %d %s = %v, want %v (1 worker)", r, e.Columns()[k], again[r][k], rows[r][k])
			}
		}
	}
}

// TestPatienceTypesModel: the search planner's model of households of
// several patience types counts every type: the revenue its metrics sum
// point by point, type by type, is the transfer the equilibrium pays back
// (a 1% wealth tax returned lump-sum), and a search over the wealth tax
// runs on it.
func TestPatienceTypesModel(t *testing.T) {
	if testing.Short() {
		t.Skip("stationary equilibria of two types")
	}
	cfg := saverConfig(2000, 2, 2)
	h := *cfg.Households
	h.Saver.GridPoints = 150
	h.Patience = household.UniformPatience(0.95, 0.01, 2)
	h.Taxes.Instrument = household.WealthRate
	cfg.Households = &h
	pol := h.Taxes.Policy(tax.MustNew([]float64{0}, []float64{0.01}, cfg.Bounds))
	st, err := household.SolveStationary(context.Background(), &h, cfg.Market, pol, true)
	if err != nil {
		t.Fatal(err)
	}
	m := stationaryStats(st, cfg.Agents, h.Saver.Period, pol, cfg.Market.Depreciation)
	if d := m.Revenue - st.Transfer; math.Abs(d) > 1e-9 || !(st.Transfer > 0) {
		t.Errorf("the model's revenue %.12f, the transfer %.12f", m.Revenue, st.Transfer)
	}
	cfg.Bounds = tax.Bounds{Min: 0, Max: 0.03}
	cfg.Objective = "utilitarian"
	e, _ := runSaversWith(t, cfg, &planner.Search{Objective: "utilitarian", Budget: 4})
	if r := e.Schedule().Rate(0); !(r >= 0 && r <= 0.03) {
		t.Errorf("the search chose a wealth tax of %v, outside [0, 0.03]", r)
	}
}
