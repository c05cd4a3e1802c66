package report

import (
	"bytes"
	"fmt"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// figure is one picture: a plot, or a grid of plots drawn together.
type figure struct {
	Name    string // file name without extension
	Title   string
	Caption string
	plots   [][]*plot.Plot
	w, h    vg.Length
}

func single(name, title, caption string, p *plot.Plot) figure {
	return figure{Name: name, Title: title, Caption: caption, plots: [][]*plot.Plot{{p}}, w: plotW, h: plotH}
}

// render draws the figure as "svg" or "png".
func (f figure) render(format string) ([]byte, error) {
	var c vg.CanvasWriterTo
	switch format {
	case "svg":
		c = vgsvg.New(f.w, f.h)
	case "png":
		c = vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(f.w, f.h), vgimg.UseDPI(dpi))}
	default:
		return nil, fmt.Errorf("report: unknown format %q", format)
	}
	dc := draw.New(c)
	if len(f.plots) == 1 && len(f.plots[0]) == 1 {
		f.plots[0][0].Draw(dc)
	} else {
		tiles := draw.Tiles{Rows: len(f.plots), Cols: len(f.plots[0]), PadX: vg.Millimeter * 4, PadY: vg.Millimeter * 4,
			PadTop: vg.Millimeter * 2, PadBottom: vg.Millimeter * 2, PadLeft: vg.Millimeter * 2, PadRight: vg.Millimeter * 2}
		canvases := plot.Align(f.plots, tiles, dc)
		for i := range f.plots {
			for j, p := range f.plots[i] {
				if p != nil {
					p.Draw(canvases[i][j])
				}
			}
		}
	}
	var b bytes.Buffer
	if _, err := c.WriteTo(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
