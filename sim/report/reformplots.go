package report

import (
	"fmt"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
)

// gainsFigure: who gains from a foreseen reform, g in percent against the
// wealth percentile at the announcement, one line per productivity state
// (the points of the grid that hold mass).
func gainsFigure(gains *table, steady float64) (figure, error) {
	p := newPlot("Who gains from the reform", "wealth percentile at the announcement", "consumption equivalent g (%)")
	p.Y.Tick.Marker = commaTicks{plot.DefaultTicks{}}
	state, pct, mass, cev := gains.cols["state"], gains.cols["wealth_percentile"], gains.cols["mass"], gains.cols["cev"]
	lines := map[int]plotter.XYs{}
	states := 0
	for i, s := range state {
		k := int(s)
		states = max(states, k+1)
		if mass[i] > 1e-9 {
			lines[k] = append(lines[k], plotter.XY{X: pct[i], Y: 100 * cev[i]})
		}
	}
	for k := range states {
		if len(lines[k]) == 0 {
			continue
		}
		if err := addLine(p, fmt.Sprintf("state %d", k), lines[k], lineStyle(k)); err != nil {
			return figure{}, err
		}
	}
	if !math.IsNaN(steady) {
		if err := addLine(p, "steady states only", plotter.XYs{{X: 0, Y: 100 * steady}, {X: 100, Y: 100 * steady}}, dashed()); err != nil {
			return figure{}, err
		}
	}
	p.Legend.Top = true
	return single("gains", "Who gains from the reform",
		"Each household's consumption equivalent g at the announcement (the uniform change of consumption in every round of the status quo that leaves it as well off as the reform, its transition counted), against its wealth percentile then, one line per productivity state (lowest first), at every point of the grid holding more than 1e-9 of the households; the dashed line is the utilitarian g between the two stationary equilibria, the transition left out.", p), nil
}

// pathFigure: the transition path's capital against the simulated
// households' mean wealth, and the gap between them, by round.
func pathFigure(rounds, trans *table) (figure, error) {
	p := newPlot("Capital along the transition", "round", "capital per household")
	p.X.Tick.Marker = commaTicks{plot.DefaultTicks{}}
	path := plotter.XYs{}
	for i, r := range trans.cols["round"] {
		path = append(path, plotter.XY{X: r, Y: trans.cols["capital"][i]})
	}
	sim := plotter.XYs{}
	for i, r := range rounds.cols["round"] {
		sim = append(sim, plotter.XY{X: r, Y: rounds.cols["wealth_mean"][i]})
	}
	last := sim[len(sim)-1].X
	for len(path) > 0 && path[len(path)-1].X > last { // the run's rounds only
		path = path[:len(path)-1]
	}
	for i, d := range []struct {
		name string
		xy   plotter.XYs
	}{{"path (a continuum of households)", path}, {"simulated households", sim}} {
		if len(d.xy) == 0 {
			continue
		}
		if err := addLine(p, d.name, d.xy, lineStyle(i)); err != nil {
			return figure{}, err
		}
	}
	p.Legend.Top = true
	return single("path", "Capital along the transition",
		"Capital per household on the perfect-foresight path from the announcement (transition.csv) and the simulated households' mean wealth in every round (rounds.csv's wealth_mean); their relative difference is rounds.csv's capital_gap, a sampling error of the order of 1/√N.", p), nil
}
