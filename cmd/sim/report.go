package main

import (
	"fmt"
	"io"

	"github.com/econsim/econsim/sim/report"
)

const reportUsage = `Usage: sim report DIR

Draws the plots of a run's folder (tax rates, Lorenz curves, time series,
hours against skill) or of a sweep's folder (equality against productivity
with 95% intervals and the Pareto front, box plots across seeds, the
comparison table), and writes DIR/report.html — one self-contained page,
readable offline and printable — with a PNG and an SVG of each plot beside it.
`

func reportCmd(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("report", reportUsage)
	pos, help, err := parseInterleaved(fs, args, stdout)
	if help || err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("report takes one run or sweep folder (see 'sim report --help')")
	}
	files, err := report.Write(pos[0])
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s (and %d plot files)\n", files[0], len(files)-1)
	return nil
}
