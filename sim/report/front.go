package report

import (
	"path/filepath"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/econsim/econsim/sim/pareto"
	"github.com/econsim/econsim/sim/record"
)

// Front draws the first two objectives of a Pareto front, with the
// reference schedules placed on the same axes, into dir/front.png and
// dir/front.svg.
func Front(dir string, out *pareto.Output) ([]string, error) {
	res := out.Results[len(out.Results)-1]
	p := newPlot("Pareto front ("+res.Mode+")", out.Objectives[0], out.Objectives[1])
	p.X.Tick.Marker, p.Y.Tick.Marker = commaTicks{plot.DefaultTicks{}}, commaTicks{plot.DefaultTicks{}}
	var xy plotter.XYs
	for _, pt := range res.Front {
		xy = append(xy, plotter.XY{X: pt.Values[0], Y: pt.Values[1]})
	}
	if len(xy) > 0 {
		l, sc, err := plotter.NewLinePoints(xy)
		if err != nil {
			return nil, err
		}
		l.LineStyle = lineStyle(0)
		sc.GlyphStyle = draw.GlyphStyle{Color: okabeIto[0], Radius: vg.Points(1.5), Shape: draw.CircleGlyph{}}
		p.Add(l, sc)
		p.Legend.Add("front", l, sc)
	}
	for i, r := range out.References {
		one := plotter.XYs{{X: r.Point.Values[0], Y: r.Point.Values[1]}}
		sc, err := plotter.NewScatter(one)
		if err != nil {
			return nil, err
		}
		sc.GlyphStyle = draw.GlyphStyle{Color: okabeIto[(i+1)%len(okabeIto)], Radius: vg.Points(4), Shape: shapes[(i+1)%len(shapes)]}
		p.Add(sc)
		p.Legend.Add(r.Name, sc)
	}
	p.Add(plotter.NewGrid())
	f := single("front", "Pareto front", "", p)
	var files []string
	for _, ext := range []string{"png", "svg"} {
		b, err := f.render(ext)
		if err != nil {
			return nil, err
		}
		name := filepath.Join(dir, "front."+ext)
		if err := record.WriteFile(name, b); err != nil {
			return nil, err
		}
		files = append(files, name)
	}
	return files, nil
}
