package report

import (
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/econsim/econsim/sim/compare"
	"github.com/econsim/econsim/sim/sweep"
)

// errXY is a point with asymmetric error bars (the 95% intervals).
type errXY struct {
	x, y, xlo, xhi, ylo, yhi float64
}

type errPoints []errXY

func (e errPoints) Len() int                        { return len(e) }
func (e errPoints) XY(i int) (float64, float64)     { return e[i].x, e[i].y }
func (e errPoints) XError(i int) (float64, float64) { return e[i].x - e[i].xlo, e[i].xhi - e[i].x }
func (e errPoints) YError(i int) (float64, float64) { return e[i].y - e[i].ylo, e[i].yhi - e[i].y }
func (e errPoints) Label(i int) string              { return "" }
func finiteOr(v, alt float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return alt
	}
	return v
}

// planeFigure: each group's mean (equality, productivity) with its 95%
// intervals, and the Pareto front through the groups no other beats on both.
func planeFigure(c *compare.Comparison) (figure, error) {
	p := newPlot("Equality and productivity", "equality (mean, 95% CI)", "productivity (mean, 95% CI)")
	p.Y.Tick.Marker = commaTicks{plot.DefaultTicks{}}
	stat := func(g, m string) compare.Stats {
		for _, r := range c.Rows {
			if r.Group == g && r.Metric == m {
				return r.Stats
			}
		}
		return compare.Stats{Mean: math.NaN()}
	}
	pts := map[string]errXY{}
	for i, g := range c.Groups {
		e, q := stat(g, "equality"), stat(g, "productivity")
		pt := errXY{e.Mean, q.Mean, finiteOr(e.CILo, e.Mean), finiteOr(e.CIHi, e.Mean), finiteOr(q.CILo, q.Mean), finiteOr(q.CIHi, q.Mean)}
		pts[g] = pt
		one := errPoints{pt}
		sc, err := plotter.NewScatter(one)
		if err != nil {
			return figure{}, err
		}
		sc.GlyphStyle = draw.GlyphStyle{Color: okabeIto[(i+1)%len(okabeIto)], Radius: vg.Points(3.5), Shape: shapes[i%len(shapes)]}
		xe, _ := plotter.NewXErrorBars(one)
		ye, _ := plotter.NewYErrorBars(one)
		xe.LineStyle.Color, ye.LineStyle.Color = sc.GlyphStyle.Color, sc.GlyphStyle.Color
		p.Add(xe, ye, sc)
		p.Legend.Add(g, sc)
	}
	if len(c.Front) > 1 {
		var front plotter.XYs
		for _, g := range c.Front {
			front = append(front, plotter.XY{X: pts[g].x, Y: pts[g].y})
		}
		// Along the front productivity falls as equality rises.
		for i := 1; i < len(front); i++ {
			for j := i; j > 0 && front[j].X < front[j-1].X; j-- {
				front[j], front[j-1] = front[j-1], front[j]
			}
		}
		l, err := plotter.NewLine(front)
		if err != nil {
			return figure{}, err
		}
		l.LineStyle = draw.LineStyle{Color: okabeIto[0], Width: vg.Points(1), Dashes: []vg.Length{vg.Points(4), vg.Points(3)}}
		p.Add(l)
		p.Legend.Add("Pareto front", l)
	}
	p.Add(plotter.NewGrid())
	// Room around the outermost points and their intervals.
	padX, padY := 0.05*(p.X.Max-p.X.Min), 0.05*(p.Y.Max-p.Y.Min)
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = p.X.Min-padX, p.X.Max+padX, p.Y.Min-padY, p.Y.Max+padY
	return single("plane", "Equality against productivity", "Each policy's mean equality and productivity across seeds, with 95% confidence intervals; the dashed line joins the policies no other beats on both.", p), nil
}

// boxFigure: the spread of one metric across seeds, per group.
func boxFigure(m *sweep.Merged, c *compare.Comparison, metric string) (figure, error) {
	p := newPlot(metric+" across seeds", "", metric)
	p.Y.Tick.Marker = commaTicks{plot.DefaultTicks{}}
	for i, g := range c.Groups {
		var vals plotter.Values
		for _, r := range m.Results {
			if v, ok := r.Final[metric]; ok && c.GroupOf(r) == g && !math.IsNaN(v) { // NA left out
				vals = append(vals, v)
			}
		}
		if len(vals) == 0 {
			continue
		}
		b, err := plotter.NewBoxPlot(vg.Points(28), float64(i), vals)
		if err != nil {
			return figure{}, err
		}
		b.FillColor = okabeIto[(i+1)%len(okabeIto)]
		p.Add(b)
	}
	p.NominalX(c.Groups...)
	return single("box-"+metric, metric+" across seeds", "The distribution of "+metric+" in the last round across seeds, per group: median, quartiles, and whiskers to the furthest run within 1.5 interquartile ranges.", p), nil
}
