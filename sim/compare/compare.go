package compare

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/econsim/econsim/sim/record"
	"github.com/econsim/econsim/sim/sweep"
)

// DefaultMetrics returns the metrics compared when none are named.
func DefaultMetrics() []string {
	return []string{"equality", "productivity", "eq_x_prod", "welfare_utilitarian", "welfare_inv_income", "welfare_rawls"}
}

// Comparison is the statistics of a sweep's groups (by variant or by a grid
// key), from each run's final metrics.
type Comparison struct {
	Name     string   `json:"name"`
	By       string   `json:"by"`
	Baseline string   `json:"baseline"`
	Groups   []string `json:"groups"`
	Metrics  []string `json:"metrics"`
	Rows     []Row    `json:"rows"`  // group-major, in Groups × Metrics order
	Front    []string `json:"front"` // groups on the (equality, productivity) Pareto front
	Runs     int      `json:"runs"`
	Missing  int      `json:"missing"`
}

// Row is one group's statistics for one metric.
type Row struct {
	Group  string  `json:"group"`
	Metric string  `json:"metric"`
	Stats  Stats   `json:"stats"`
	Paired *Paired `json:"paired,omitempty"` // against the baseline; nil for the baseline
}

// Compare groups the results by "variant" and grid keys (by, a comma-
// separated list; "" means every one whose value varies), and describes
// each metric per group, with paired differences against the baseline group
// (runs paired by replicate, hence seed). Statistics are across seeds only:
// a group whose runs differ in anything else (a variant or grid key not in
// by) is an error naming what differs. baseline "" means the first group.
func Compare(m *sweep.Merged, by, baseline string, metrics []string) (*Comparison, error) {
	if by == "" {
		by = strings.Join(varying(m.Results), ",")
	}
	if len(metrics) == 0 {
		metrics = DefaultMetrics()
	}
	known := m.Columns()
	for _, mt := range metrics {
		if !slices.Contains(known, mt) {
			if strings.HasPrefix(mt, record.ReformPrefix) {
				return nil, fmt.Errorf("no run has %q: a reform's metrics are computed when households that save foresee it (agents.expectations = \"perfect_foresight\" with a planner.switch_round); these runs' metrics are the rounds' (%s)", mt, strings.Join(known, ", "))
			}
			return nil, fmt.Errorf("unknown metric %q (the runs have: %s)", mt, strings.Join(known, ", "))
		}
	}
	c := &Comparison{Name: m.Name, By: by, Metrics: metrics, Runs: len(m.Runs), Missing: len(m.Missing)}
	groups, err := c.group(m.Results)
	if err != nil {
		return nil, err
	}
	c.Baseline = baseline
	if baseline == "" {
		c.Baseline = c.Groups[0]
	} else if _, ok := groups[baseline]; !ok {
		return nil, fmt.Errorf("--baseline %q is not a group (groups: %s)", baseline, strings.Join(c.Groups, ", "))
	}
	base := map[string]sweep.Result{}
	for _, r := range groups[c.Baseline] {
		base[c.pairKey(r)] = r
	}
	var eqMeans, prodMeans []float64
	for _, g := range c.Groups {
		for _, mt := range metrics {
			c.Rows = append(c.Rows, c.row(g, mt, groups[g], base))
		}
		mean := func(mt string) float64 {
			var x []float64
			for _, r := range groups[g] {
				x = append(x, final(r, mt))
			}
			return Describe(x).Mean // NA values left out
		}
		eqMeans, prodMeans = append(eqMeans, mean("equality")), append(prodMeans, mean("productivity"))
	}
	for _, i := range ParetoFront(eqMeans, prodMeans) {
		c.Front = append(c.Front, c.Groups[i])
	}
	return c, nil
}

// keys returns the keys the groups are by.
func (c *Comparison) keys() []string { return strings.Split(c.By, ",") }

// GroupOf returns the group of run r: its values of the keys grouped by,
// joined with " · ".
func (c *Comparison) GroupOf(r sweep.Result) string {
	var vals []string
	for _, k := range c.keys() {
		vals = append(vals, r.Value(k))
	}
	return strings.Join(vals, " · ")
}

// varying returns "variant" when the runs have more than one variant, then
// each grid key with more than one value among them, in the runs' order.
func varying(results []sweep.Result) []string {
	seen := map[string]map[string]bool{}
	var order []string
	note := func(k, v string) {
		if seen[k] == nil {
			seen[k] = map[string]bool{}
			order = append(order, k)
		}
		seen[k][v] = true
	}
	for _, r := range results {
		note("variant", r.Variant)
		for _, o := range r.Grid {
			note(o[0], o[1])
		}
	}
	var out []string
	for _, k := range order {
		if len(seen[k]) > 1 {
			out = append(out, k)
		}
	}
	if len(out) == 0 {
		out = []string{"variant"}
	}
	return out
}

// group sorts the results into groups by c.By, listing the groups in
// c.Groups in order of first appearance; a group whose runs differ in a
// variant or grid key other than those is an error naming it.
func (c *Comparison) group(results []sweep.Result) (map[string][]sweep.Result, error) {
	groups := map[string][]sweep.Result{}
	for _, r := range results {
		for _, k := range c.keys() {
			if k != "variant" && !slices.ContainsFunc(r.Grid, func(o [2]string) bool { return o[0] == k }) {
				return nil, fmt.Errorf("--by %s: %q is not a grid key of this sweep (group by variant or [grid] keys, comma-separated)", c.By, k)
			}
		}
		g := c.GroupOf(r)
		if _, ok := groups[g]; !ok {
			c.Groups = append(c.Groups, g)
		}
		groups[g] = append(groups[g], r)
	}
	if len(c.Groups) == 0 {
		return nil, fmt.Errorf("no completed runs to compare")
	}
	for _, g := range c.Groups {
		if other := c.differ(groups[g]); other != "" {
			return nil, fmt.Errorf("--by %s: the runs of group %q differ in %s as well as in their seeds, and statistics across seeds would pool them; group by it too: --by %s,%s (or leave --by out to group by every key that varies)", c.By, g, other, c.By, other)
		}
	}
	return groups, nil
}

// differ returns the first variant or grid key, other than those grouped
// by, whose value is not the same in every run of a group ("" if none).
func (c *Comparison) differ(runs []sweep.Result) string {
	keys, first := c.keys(), runs[0]
	for _, r := range runs[1:] {
		if !slices.Contains(keys, "variant") && r.Variant != first.Variant {
			return "variant"
		}
		for _, o := range r.Grid {
			if !slices.Contains(keys, o[0]) && first.Value(o[0]) != o[1] {
				return o[0]
			}
		}
	}
	return ""
}

// pairKey identifies a run's counterpart in another group: the same
// variant and other grid values (the same in a whole group), and replicate,
// hence seed.
func (c *Comparison) pairKey(r sweep.Result) string {
	return c.others(r) + fmt.Sprintf("#%d", r.Replicate)
}

// others renders run r's variant and grid values that are not grouped by.
func (c *Comparison) others(r sweep.Result) string {
	var parts []string
	if !slices.Contains(c.keys(), "variant") {
		parts = append(parts, "variant="+r.Variant)
	}
	for _, o := range r.Grid {
		if !slices.Contains(c.keys(), o[0]) {
			parts = append(parts, o[0]+"="+o[1])
		}
	}
	return strings.Join(parts, ";")
}

// final is run r's final value of metric mt: NaN (NA) when the run has no
// such metric (another variant's, or a reform's in a run without one),
// never 0.
func final(r sweep.Result, mt string) float64 {
	if v, ok := r.Final[mt]; ok {
		return v
	}
	return math.NaN()
}

// row is group g's statistics of metric mt, paired with the baseline's runs
// unless g is the baseline.
func (c *Comparison) row(g, mt string, runs []sweep.Result, base map[string]sweep.Result) Row {
	var x, a, b []float64
	for _, r := range runs {
		x = append(x, final(r, mt))
		if br, ok := base[c.pairKey(r)]; ok {
			a, b = append(a, final(r, mt)), append(b, final(br, mt))
		}
	}
	row := Row{Group: g, Metric: mt, Stats: DescribeMetric(x, mt)}
	if g != c.Baseline {
		p := ComparePaired(a, b)
		row.Paired = &p
	}
	return row
}

// num prints a number to six significant digits ("—" for NaN).
func num(x float64) string {
	switch {
	case math.IsNaN(x):
		return "—"
	case math.IsInf(x, 0):
		return strconv.FormatFloat(x, 'g', -1, 64)
	}
	return strconv.FormatFloat(x, 'g', 6, 64)
}

func pval(p float64) string {
	if !math.IsNaN(p) && p < 1e-4 {
		return "<1e-04"
	}
	return num(p)
}

// columns of the table, csv and md formats.
var compareHeader = []string{"group", "metric", "n", "na", "mean", "sd", "ci95_lo", "ci95_hi", "diff", "diff_ci95_lo", "diff_ci95_hi", "p", "win_rate", "worst", "worst10"}

func (r Row) cells() []string {
	s := r.Stats
	c := []string{r.Group, r.Metric, strconv.Itoa(s.N), strconv.Itoa(s.NA), num(s.Mean), num(s.SD), num(s.CILo), num(s.CIHi)}
	if p := r.Paired; p != nil {
		c = append(c, num(p.Mean), num(p.CILo), num(p.CIHi), pval(p.P), num(p.WinRate))
	} else {
		c = append(c, "baseline", "", "", "", "")
	}
	return append(c, num(s.Worst), num(s.Worst10))
}

// Write renders the comparison as "table" (aligned text), "md", "csv" or "json".
func (c *Comparison) Write(w io.Writer, format string) error {
	switch format {
	case "json":
		b, err := json.MarshalIndent(c, "", "  ")
		if err != nil {
			return err
		}
		_, err = w.Write(append(b, '\n'))
		return err
	case "csv":
		cw := csv.NewWriter(w)
		cw.Write(compareHeader)
		for _, r := range c.Rows {
			cw.Write(r.cells())
		}
		cw.Flush()
		return cw.Error()
	case "md":
		fmt.Fprintf(w, "**%s** — %d runs (%d missing), grouped by %s, baseline %q; differences are group − baseline over paired seeds.\n\n", c.Name, c.Runs, c.Missing, c.By, c.Baseline)
		fmt.Fprintf(w, "| %s |\n|%s\n", strings.Join(compareHeader, " | "), strings.Repeat("---|", len(compareHeader)))
		for _, r := range c.Rows {
			fmt.Fprintf(w, "| %s |\n", strings.Join(r.cells(), " | "))
		}
		fmt.Fprintf(w, "\nPareto front of (equality, productivity): %s\n", strings.Join(c.Front, ", "))
		return nil
	case "table", "":
		fmt.Fprintf(w, "%s — %d runs (%d missing), grouped by %s, baseline %q\n", c.Name, c.Runs, c.Missing, c.By, c.Baseline)
		fmt.Fprintln(w, "NA = runs whose metric could not be computed (left out); mean ± 95% CI per group; diff = group − baseline over paired seeds, with its 95% CI, paired t-test p and win rate; worst = the worst run (the lowest where higher is better, the highest where lower is better, NA where neither), worst10 = mean of the worst 10%")
		for _, mt := range c.Metrics {
			fmt.Fprintf(w, "\n%s\n", mt)
			tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "  group\tn\tNA\tmean\tsd\t95% CI\tdiff\t95% CI\tp\twin\tworst\tworst10\t")
			for _, r := range c.Rows {
				if r.Metric != mt {
					continue
				}
				x := r.cells()
				diff, dci := "baseline", ""
				if r.Paired != nil {
					diff, dci = x[8], "["+x[9]+", "+x[10]+"]"
				}
				fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t[%s, %s]\t%s\t%s\t%s\t%s\t%s\t%s\t\n",
					x[0], x[2], x[3], x[4], x[5], x[6], x[7], diff, dci, x[11], x[12], x[13], x[14])
			}
			tw.Flush()
		}
		fmt.Fprintf(w, "\nPareto front of (equality, productivity): %s\n", strings.Join(c.Front, ", "))
		return nil
	}
	return fmt.Errorf("unknown format %q (want table, md, csv or json)", format)
}
