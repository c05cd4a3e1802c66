package report

import (
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/econsim/econsim/sim/tax"
)

// logTicks are log-axis ticks with thousands separators.
var logTicks = commaTicks{plot.LogTicks{Prec: -1}}

// taxFigure: marginal and average rate against income, on a log income axis
// spanning the workers' incomes.
func taxFigure(s tax.Schedule, incomes []float64, unit string) (figure, error) {
	lo, hi := math.Inf(1), 0.0
	for _, z := range incomes {
		if z > 0 {
			lo, hi = min(lo, z), max(hi, z)
		}
	}
	if hi == 0 { // nobody earns: show the brackets
		lo, hi = 1, max(2*s.Cutoff(s.Brackets()-1), 10)
	}
	lo, hi = lo/2, hi*2
	const n = 400
	marg, avg := make(plotter.XYs, n), make(plotter.XYs, n)
	for i := range n {
		z := lo * math.Pow(hi/lo, float64(i)/(n-1))
		marg[i] = plotter.XY{X: z, Y: s.Marginal(z)}
		avg[i] = plotter.XY{X: z, Y: s.Average(z)}
	}
	p := newPlot("Tax rates", "pre-tax income"+unit+" (log scale)", "rate")
	p.X.Scale, p.X.Tick.Marker = plot.LogScale{}, logTicks
	p.Y.Tick.Marker = percentTicks{}
	p.Y.Min = 0
	for i, d := range []struct {
		name string
		xy   plotter.XYs
	}{{"marginal rate", marg}, {"average rate", avg}} {
		if err := addLine(p, d.name, d.xy, lineStyle(i)); err != nil {
			return figure{}, err
		}
	}
	p.Add(plotter.NewGrid())
	p.Legend.Left = true
	return single("tax", "Tax schedule", "Marginal and average tax rate against pre-tax income, over the range of the workers' incomes.", p), nil
}

// lorenz returns the Lorenz curve of x (at most ~500 points).
func lorenz(x []float64) plotter.XYs {
	s := slices.Clone(x)
	slices.Sort(s)
	var total float64
	for _, v := range s {
		total += v
	}
	step := max(1, len(s)/500)
	xy := plotter.XYs{{X: 0, Y: 0}}
	var cum float64
	for i, v := range s {
		cum += v
		if (i+1)%step == 0 || i == len(s)-1 {
			y := 0.0
			if total != 0 {
				y = cum / total
			}
			xy = append(xy, plotter.XY{X: float64(i+1) / float64(len(s)), Y: y})
		}
	}
	return xy
}

func lorenzFigure(income, cons []float64, giniPre, giniPost float64) (figure, error) {
	p := newPlot("Lorenz curves", "share of workers, poorest first", "share of the total")
	p.X.Tick.Marker, p.Y.Tick.Marker = percentTicks{}, percentTicks{}
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = 0, 1, 0, 1
	if err := addLine(p, "perfect equality", plotter.XYs{{X: 0, Y: 0}, {X: 1, Y: 1}}, dashed()); err != nil {
		return figure{}, err
	}
	for i, d := range []struct {
		name string
		x    []float64
	}{{fmt.Sprintf("pre-tax income (Gini %.3f)", giniPre), income}, {fmt.Sprintf("consumption (Gini %.3f)", giniPost), cons}} {
		if err := addLine(p, d.name, lorenz(d.x), lineStyle(i+4)); err != nil {
			return figure{}, err
		}
	}
	p.Legend.Top, p.Legend.Left = true, true
	return single("lorenz", "Lorenz curves", "Cumulative share of pre-tax income and of consumption held by the poorest workers, in the last round; the Gini coefficients are the run's exact values.", p), nil
}

// seriesFigure: equality, productivity, the objective and revenue by round,
// with the tax periods marked by dotted vertical lines.
func seriesFigure(rounds *table, period int, objective, unit string) (figure, error) {
	specs := []struct{ col, title, y string }{
		{"equality", "Equality", "1 − Gini·N/(N−1)"},
		{"productivity", "Productivity", "mean pre-tax income" + unit},
		{"objective", "Objective: " + objective, objective},
		{"revenue", "Revenue", "per worker" + unit},
	}
	r := rounds.cols["round"]
	grid := [][]*plot.Plot{{nil, nil}, {nil, nil}}
	for k, sp := range specs {
		p, xy, err := seriesPanel(sp.title, sp.y, r, rounds.cols[sp.col], k)
		if err != nil {
			return figure{}, err
		}
		if n := len(r); period > 0 && n/period <= 40 {
			ymin, ymax := plotter.Range(plotter.YValues{XYer: xy})
			if ymin == ymax {
				ymin, ymax = ymin-1, ymax+1
			}
			for t := period; t < n; t += period {
				v, _ := plotter.NewLine(plotter.XYs{{X: float64(t), Y: ymin}, {X: float64(t), Y: ymax}})
				v.LineStyle = draw.LineStyle{Color: okabeIto[0], Width: vg.Points(0.5), Dashes: []vg.Length{vg.Points(1), vg.Points(2)}}
				p.Add(v)
			}
		}
		grid[k/2][k%2] = p
	}
	return figure{Name: "series", Title: "Time series", Caption: fmt.Sprintf("Equality, productivity, the planner's objective and revenue in every round; dotted lines mark the start of each tax period (every %d rounds).", period),
		plots: grid, w: plotW, h: 14 * vg.Centimeter}, nil
}

// seriesPanel is one panel of a grid of series by round: the values that
// are not NaN as a line in style k, and a narrow window around a flat
// series. It returns the plot and the points drawn.
func seriesPanel(title, y string, r, ys []float64, k int) (*plot.Plot, plotter.XYs, error) {
	p := newPlot(title, "round", y)
	p.Title.TextStyle.Font.Size = vg.Points(11)
	p.Legend.Top = true
	p.Y.Tick.Marker = commaTicks{plot.DefaultTicks{}}
	p.X.Tick.Marker = commaTicks{plot.DefaultTicks{}}
	xy := make(plotter.XYs, 0, len(r))
	for i := range r {
		if i < len(ys) && !math.IsNaN(ys[i]) {
			xy = append(xy, plotter.XY{X: r[i], Y: ys[i]})
		}
	}
	if len(xy) == 0 {
		xy = append(xy, plotter.XY{})
	}
	l, err := plotter.NewLine(xy)
	if err != nil {
		return nil, nil, err
	}
	l.LineStyle = lineStyle(k)
	p.Add(l)
	if lo, hi := plotter.Range(plotter.YValues{XYer: xy}); lo == hi { // a flat series: a narrow window around it
		d := max(math.Abs(lo)*0.01, 1e-6)
		p.Y.Min, p.Y.Max = lo-d, hi+d
	}
	return p, xy, nil
}

// hoursFigure: hours against skill for a sample of at most 2,000 workers.
func hoursFigure(skill, hours []float64, unit string) (figure, error) {
	step := max(1, len(skill)/2000)
	var xy plotter.XYs
	for i := 0; i < len(skill); i += step {
		if skill[i] > 0 {
			xy = append(xy, plotter.XY{X: skill[i], Y: hours[i]})
		}
	}
	if len(xy) == 0 {
		xy = append(xy, plotter.XY{X: 1, Y: 0})
	}
	p := newPlot("Hours against skill", "skill: wage"+unit+" per hour (log scale)", "hours worked per round")
	p.X.Scale, p.X.Tick.Marker = plot.LogScale{}, logTicks
	p.Y.Tick.Marker = commaTicks{plot.DefaultTicks{}}
	sc, err := plotter.NewScatter(xy)
	if err != nil {
		return figure{}, err
	}
	sc.GlyphStyle = draw.GlyphStyle{Color: okabeIto[4], Radius: vg.Points(1.6), Shape: draw.CircleGlyph{}}
	p.Add(plotter.NewGrid(), sc)
	return single("hours", "Hours against skill", "Hours each worker chose in the last round against its skill (a sample of at most 2,000 workers).", p), nil
}
