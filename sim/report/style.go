package report

import (
	"image/color"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/econsim/econsim/sim/tax"
)

// okabeIto is the Okabe–Ito colour-blind-safe palette (black first).
var okabeIto = []color.Color{
	color.RGBA{0, 0, 0, 255}, color.RGBA{0xE6, 0x9F, 0x00, 255}, color.RGBA{0x56, 0xB4, 0xE9, 255},
	color.RGBA{0x00, 0x9E, 0x73, 255}, color.RGBA{0x00, 0x72, 0xB2, 255}, color.RGBA{0xD5, 0x5E, 0x00, 255},
	color.RGBA{0xCC, 0x79, 0xA7, 255}, color.RGBA{0xF0, 0xE4, 0x42, 255},
}

// dashes tell series apart in greyscale.
var dashes = [][]vg.Length{nil, {vg.Points(6), vg.Points(3)}, {vg.Points(2), vg.Points(2)}, {vg.Points(8), vg.Points(3), vg.Points(2), vg.Points(3)}}

// shapes are the markers, for the same reason.
var shapes = []draw.GlyphDrawer{draw.CircleGlyph{}, draw.SquareGlyph{}, draw.TriangleGlyph{}, draw.PlusGlyph{}, draw.CrossGlyph{}, draw.RingGlyph{}, draw.BoxGlyph{}, draw.PyramidGlyph{}}

func lineStyle(i int) draw.LineStyle {
	return draw.LineStyle{Color: okabeIto[i%len(okabeIto)], Width: vg.Points(1.6), Dashes: dashes[i%len(dashes)]}
}

// Size of every plot: 16 × 10 cm; PNGs are rendered at 150 dpi.
const (
	plotW = 16 * vg.Centimeter
	plotH = 10 * vg.Centimeter
	dpi   = 150
)

// newPlot returns a plot with readable fonts and a title.
func newPlot(title, x, y string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font.Size = vg.Points(13)
	p.X.Label.Text, p.Y.Label.Text = x, y
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font.Size = vg.Points(11)
		a.Tick.Label.Font.Size = vg.Points(10)
	}
	p.Legend.TextStyle.Font.Size = vg.Points(10)
	p.Legend.Top = true
	return p
}

// commaTicks labels ticks with thousands separators ("47,150").
type commaTicks struct{ plot.Ticker }

func (t commaTicks) Ticks(min, max float64) []plot.Tick {
	ts := t.Ticker.Ticks(min, max)
	// Whole-number labels only when the labelled ticks are whole numbers
	// apart; finer axes keep the default labels.
	prev, fine := math.NaN(), false
	for _, tk := range ts {
		if tk.Label == "" {
			continue
		}
		if !math.IsNaN(prev) && math.Abs(tk.Value-prev) < 1 {
			fine = true
		}
		prev = tk.Value
	}
	if fine {
		return ts
	}
	for i := range ts {
		if ts[i].Label != "" {
			ts[i].Label = tax.Amount(ts[i].Value)
		}
	}
	return ts
}

// percentTicks labels a 0–1 axis in percent.
type percentTicks struct{}

func (percentTicks) Ticks(min, max float64) []plot.Tick {
	ts := plot.DefaultTicks{}.Ticks(min, max)
	for i := range ts {
		if ts[i].Label != "" {
			ts[i].Label = strconv.FormatFloat(math.Round(ts[i].Value*1000)/10, 'f', -1, 64) + "%"
		}
	}
	return ts
}

// addLine adds the line through xy to p in style, named name in the
// legend.
func addLine(p *plot.Plot, name string, xy plotter.XYer, style draw.LineStyle) error {
	l, err := plotter.NewLine(xy)
	if err != nil {
		return err
	}
	l.LineStyle = style
	p.Add(l)
	p.Legend.Add(name, l)
	return nil
}

// dashed is the style of a reference level: a thin dashed line.
func dashed() draw.LineStyle {
	return draw.LineStyle{Color: okabeIto[0], Width: vg.Points(0.8), Dashes: []vg.Length{vg.Points(2), vg.Points(2)}}
}
