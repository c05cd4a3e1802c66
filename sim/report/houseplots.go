package report

import (
	"fmt"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// The figures of an economy of savers: the wealth Lorenz curve and the
// series of r, capital, the wealth Gini and the saving rate.

// wealthLorenzFigure: the Lorenz curves of wealth, income and consumption of
// the sampled households (agents.csv), with the run's exact Ginis.
func wealthLorenzFigure(wealth, income, cons []float64, giniW, giniPre, giniPost, eqGini float64) (figure, error) {
	p := newPlot("Lorenz curves of wealth, income and consumption", "share of households, poorest first", "share of the total")
	p.X.Tick.Marker, p.Y.Tick.Marker = percentTicks{}, percentTicks{}
	p.X.Min, p.X.Max, p.Y.Max = 0, 1, 1
	if err := addLine(p, "perfect equality", plotter.XYs{{X: 0, Y: 0}, {X: 1, Y: 1}}, dashed()); err != nil {
		return figure{}, err
	}
	for i, d := range []struct {
		name string
		x    []float64
	}{
		{fmt.Sprintf("wealth (Gini %.3f; stationary %.3f)", giniW, eqGini), wealth},
		{fmt.Sprintf("pre-tax income (Gini %.3f)", giniPre), income},
		{fmt.Sprintf("consumption (Gini %.3f)", giniPost), cons},
	} {
		if err := addLine(p, d.name, lorenz(d.x), lineStyle(i+3)); err != nil {
			return figure{}, err
		}
	}
	p.Legend.Top, p.Legend.Left = true, true
	return single("wealth", "Wealth Lorenz curve",
		"Cumulative share of wealth (carried out of the last round), pre-tax income and consumption held by the poorest households in agents.csv's sample; the Ginis are the run's exact values (wealth: of the wealth at the start of the last round) and the stationary equilibrium's.", p), nil
}

// householdSeriesFigure: r, capital per household, the wealth Gini and the
// saving rate by round, with the stationary equilibrium's values dashed.
func householdSeriesFigure(rounds *table, eq map[string]float64) (figure, error) {
	specs := []struct{ col, title, y, eq string }{
		{"interest_rate", "Interest rate r", "per year", "interest_rate"},
		{"wealth_mean", "Capital K", "per household", "capital"},
		{"wealth_gini", "Wealth Gini", "Gini", "wealth_gini"},
		{"saving_rate", "Saving rate", "(K' − (1 − δ)K)/Y", "saving_rate"},
	}
	r := rounds.cols["round"]
	grid := [][]*plot.Plot{{nil, nil}, {nil, nil}}
	for k, sp := range specs {
		p, _, err := seriesPanel(sp.title, sp.y, r, rounds.cols[sp.col], k)
		if err != nil {
			return figure{}, err
		}
		if v, ok := eq[sp.eq]; ok && !math.IsNaN(v) && len(r) > 0 {
			d, err := plotter.NewLine(plotter.XYs{{X: r[0], Y: v}, {X: r[len(r)-1], Y: v}})
			if err != nil {
				return figure{}, err
			}
			d.LineStyle = dashed()
			p.Add(d)
		}
		grid[k/2][k%2] = p
	}
	return figure{Name: "households", Title: "Households over time",
		Caption: "The interest rate, capital per household, the wealth Gini and the saving rate in every round; the dashed lines are the stationary equilibrium solved before round 0 under the first policy (after a reform the economy moves towards a different one).",
		plots:   grid, w: plotW, h: 14 * vg.Centimeter}, nil
}
