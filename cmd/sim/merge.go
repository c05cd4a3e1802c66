package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/econsim/econsim/sim/sweep"
)

const mergeUsage = `Usage: sim merge DIR... [--out DIR]

Joins the folders of one sweep's shards (or checks one folder), checks that
every run of the sweep is complete exactly once, and writes results.csv and
results.parquet: one row per run (index, id, variant, replicate, seed,
overrides, final_<metric>, last_period_<metric>). Missing or duplicated runs
are listed and nothing is written (exit status 1).
`

func mergeCmd(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("merge", mergeUsage)
	out := fs.String("out", "", "where to write results.csv and results.parquet (default: the first DIR)")
	dirs, help, err := parseInterleaved(fs, args, stdout)
	if help || err != nil {
		return err
	}
	if len(dirs) == 0 {
		return usagef("merge takes one or more sweep folders (see 'sim merge --help')")
	}
	m, err := sweep.Merge(dirs)
	if err != nil {
		return err
	}
	if len(m.Missing) > 0 || len(m.Duplicated) > 0 {
		for _, id := range m.Missing {
			if e, ok := m.Failed[id]; ok {
				fmt.Fprintf(stderr, "missing: %s (failed: %s)\n", id, firstLine(e))
			} else {
				fmt.Fprintf(stderr, "missing: %s\n", id)
			}
		}
		for _, id := range m.Duplicated {
			fmt.Fprintf(stderr, "duplicated: %s\n", id)
		}
		return fmt.Errorf("%d of %d runs missing and %d duplicated; nothing written", len(m.Missing), len(m.Runs), len(m.Duplicated))
	}
	dir := *out
	if dir == "" {
		dir = dirs[0]
	}
	if err := m.WriteCSV(dir); err != nil {
		return err
	}
	if err := m.WriteParquet(dir); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %d runs merged → %s/results.csv, results.parquet\n", m.Name, len(m.Results), dir)
	return nil
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}
