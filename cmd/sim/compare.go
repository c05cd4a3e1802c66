package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/econsim/econsim/sim/compare"
	"github.com/econsim/econsim/sim/sweep"
)

const compareUsage = `Usage: sim compare DIR... [--by KEYS] [--baseline VALUE] [--metrics a,b,...] [--format table|md|csv|json]

Compares the groups of a sweep on each run's final metrics. The groups are
by variant and grid keys (--by, comma-separated; by default every one that
varies), so that a group's runs differ in their seeds alone; a --by that
would pool runs differing in another key is refused. Per group: n, mean,
standard deviation and 95% confidence interval (Student t); against the
baseline group, the paired difference over the same seeds (mean, 95% CI,
paired t-test p-value, win rate); the worst seed and the mean of the worst
10% by each metric's direction (none for a metric with no direction); and
the groups on the Pareto front of (equality, productivity).
DIR... are the folders of one sweep (several for shards).
`

func compareCmd(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("compare", compareUsage)
	by := fs.String("by", "", "group by `KEYS`: variant and [grid] keys, comma-separated (default: every one that varies)")
	baseline := fs.String("baseline", "", "the baseline group `VALUE` (default: the first group)")
	metrics := fs.String("metrics", strings.Join(compare.DefaultMetrics(), ","), "comma-separated metric `names`")
	format := fs.String("format", "table", "table, md, csv or json")
	dirs, help, err := parseInterleaved(fs, args, stdout)
	if help || err != nil {
		return err
	}
	if len(dirs) == 0 {
		return usagef("compare takes a sweep folder (see 'sim compare --help')")
	}
	switch *format {
	case "table", "md", "csv", "json":
	default:
		return usagef("--format must be table, md, csv or json, got %q", *format)
	}
	m, err := sweep.Merge(dirs)
	if err != nil {
		return err
	}
	if len(m.Missing) > 0 {
		fmt.Fprintf(stderr, "warning: %d of %d runs are missing; comparing the %d complete\n", len(m.Missing), len(m.Runs), len(m.Results))
	}
	var ms []string
	for _, x := range strings.Split(*metrics, ",") {
		if x = strings.TrimSpace(x); x != "" {
			ms = append(ms, x)
		}
	}
	c, err := compare.Compare(m, *by, *baseline, ms)
	if err != nil {
		return &usageError{err.Error()}
	}
	return c.Write(stdout, *format)
}
