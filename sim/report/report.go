package report

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"

	"github.com/econsim/econsim/sim/compare"
	"github.com/econsim/econsim/sim/record"
	"github.com/econsim/econsim/sim/scenario"
	"github.com/econsim/econsim/sim/sweep"
	"github.com/econsim/econsim/sim/tax"
)

// Write draws the report of dir — a run's folder or a sweep's — and returns
// the files it wrote (report.html, then each plot's .png and .svg).
func Write(dir string) ([]string, error) {
	if _, err := os.Stat(filepath.Join(dir, sweep.ManifestFile)); err == nil {
		return Sweep(dir)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	return Draw(dir)
}

// Draw draws the report of a completed run's folder.
func Draw(dir string) ([]string, error) {
	sum, err := readSummary(dir)
	if err != nil {
		return nil, err
	}
	rounds, err := readTable(filepath.Join(dir, "rounds.csv"))
	if err != nil {
		return nil, err
	}
	agents, err := readTable(filepath.Join(dir, record.AgentsFile))
	if err != nil {
		return nil, fmt.Errorf("%w (a sweep's runs have agents.csv only with agents_csv = true in the sweep file; older runs need rerunning)", err)
	}
	scenPath := filepath.Join(dir, "scenario.toml")
	sc, err := scenario.Load(scenPath, nil)
	if err != nil {
		return nil, err
	}
	scText, _ := os.ReadFile(scenPath)
	sched, err := tax.New(sum.Schedule.Cutoffs, sum.Schedule.Rates, tax.Bounds{Min: -1, Max: 1})
	if err != nil {
		return nil, fmt.Errorf("summary.json schedule: %w", err)
	}
	unit := " ($)"
	var figs []figure
	add := func(f figure, err error) error {
		if err == nil {
			figs = append(figs, f)
		}
		return err
	}
	var err2 error
	if eq := sum.Equilibrium; eq != nil { // households that save
		if _, ok := agents.cols["wealth"]; !ok {
			return nil, fmt.Errorf("%s has no wealth column: rerun the scenario", record.AgentsFile)
		}
		stationary := map[string]float64{"interest_rate": eq.InterestRate, "capital": eq.Capital, "wealth_gini": eq.WealthGini, "saving_rate": eq.SavingRate}
		err2 = errors.Join(
			add(taxFigure(sched, agents.cols["income"], unit)),
			add(wealthLorenzFigure(agents.cols["wealth"], agents.cols["income"], agents.cols["consumption"],
				metric(sum.Final, "wealth_gini"), metric(sum.Final, "gini_pre"), metric(sum.Final, "gini_post"), eq.WealthGini)),
			add(householdSeriesFigure(rounds, stationary)),
			add(seriesFigure(rounds, sc.Tax.Period, sc.Planner.Objective, unit)),
		)
		if rf := sum.Reform; rf != nil && err2 == nil {
			err2 = reformFigures(dir, rounds, rf, add)
		}
	} else {
		err2 = errors.Join(
			add(taxFigure(sched, agents.cols["income"], unit)),
			add(lorenzFigure(agents.cols["income"], agents.cols["consumption"], metric(sum.Final, "gini_pre"), metric(sum.Final, "gini_post"))),
			add(seriesFigure(rounds, sc.Tax.Period, sc.Planner.Objective, unit)),
			add(hoursFigure(agents.cols["skill"], agents.cols["hours"], unit)),
		)
	}
	if err2 != nil {
		return nil, err2
	}
	facts := [][2]string{
		{"workers", tax.Amount(float64(sum.Agents))}, {"rounds", fmt.Sprintf("%d of %d", sum.RoundsDone, sum.Rounds)},
		{"seed", strconv.FormatUint(sum.Seed, 10)}, {"planner", sc.Planner.Kind}, {"workers decide", sc.Agents.Behavior},
		{"market", sc.Market.Kind},
	}
	for _, m := range []string{"productivity", "equality", "eq_x_prod", "gini_pre", "gini_post", "welfare_utilitarian", "welfare_inv_income", "welfare_rawls", "revenue", "avg_tax_rate", "labor_mean", "br_regret_max"} {
		facts = append(facts, [2]string{m + " (final / mean over last period)", Number(metric(sum.Final, m)) + " / " + Number(metric(sum.MeanLastPeriod, m))})
	}
	if eq := sum.Equilibrium; eq != nil {
		for _, m := range []string{"interest_rate", "wealth_mean", "wealth_gini", "wealth_top1_share", "saving_rate"} {
			facts = append(facts, [2]string{m + " (final / mean over last period)", Number(metric(sum.Final, m)) + " / " + Number(metric(sum.MeanLastPeriod, m))})
		}
		facts = append(facts, [2]string{"stationary equilibrium before round 0", fmt.Sprintf("r %s, K %s, w %s, saving rate %s, wealth Gini %s, top 1%% share %s",
			Number(eq.InterestRate), Number(eq.Capital), Number(eq.Wage), Number(eq.SavingRate), Number(eq.WealthGini), Number(eq.WealthTop1Share))})
	}
	p := page{
		Title:    "econsim run: " + sum.Name,
		Subtitle: fmt.Sprintf("%s workers, %d rounds; the schedule at the end: %s", tax.Amount(float64(sum.Agents)), sum.Rounds, sched.String()),
		Facts:    facts, Scenario: string(scText),
	}
	return writeReport(dir, p, figs)
}

// reformFigures adds who gains from a foreseen reform and the path against
// the simulation, from gains.csv and transition.csv.
func reformFigures(dir string, rounds *table, rf *record.Reform, add func(figure, error) error) error {
	gains, err := readTable(filepath.Join(dir, record.GainsFile))
	if err != nil {
		return err
	}
	trans, err := readTable(filepath.Join(dir, record.TransitionFile))
	if err != nil {
		return err
	}
	return errors.Join(add(gainsFigure(gains, float64(rf.SteadyStateCEV))), add(pathFigure(rounds, trans)))
}

// Sweep draws the report of a sweep's folder (its completed runs).
func Sweep(dir string) ([]string, error) {
	m, err := sweep.Merge([]string{dir})
	if err != nil {
		return nil, err
	}
	c, err := compare.Compare(m, "", "", nil) // by every key that varies
	if err != nil {
		return nil, err
	}
	var figs []figure
	f, err := planeFigure(c)
	if err != nil {
		return nil, err
	}
	figs = append(figs, f)
	for _, metric := range c.Metrics {
		f, err := boxFigure(m, c, metric)
		if err != nil {
			return nil, err
		}
		figs = append(figs, f)
	}
	t := &pageTable{Caption: fmt.Sprintf("Final-round metrics per group over seeds; diff = group − %q over paired seeds, with its 95%% CI, paired t-test p-value and win rate; worst = the lowest run, worst10 = mean of the lowest 10%%.", c.Baseline),
		Head: []string{"group", "metric", "n", "mean", "sd", "95% CI", "diff", "diff 95% CI", "p", "win", "worst", "worst10"}}
	for _, r := range c.Rows {
		x := rowCells(r)
		t.Rows = append(t.Rows, x)
	}
	p := page{
		Title:    "econsim sweep: " + m.Name,
		Subtitle: fmt.Sprintf("%d runs (%d missing), grouped by %s; Pareto front of (equality, productivity): %v", len(m.Runs), len(m.Missing), c.By, c.Front),
		Table:    t,
	}
	return writeReport(dir, p, figs)
}

func rowCells(r compare.Row) []string {
	s := r.Stats
	c := []string{r.Group, r.Metric, strconv.Itoa(s.N), Number(s.Mean), Number(s.SD), "[" + Number(s.CILo) + ", " + Number(s.CIHi) + "]"}
	if p := r.Paired; p != nil {
		c = append(c, Number(p.Mean), "["+Number(p.CILo)+", "+Number(p.CIHi)+"]", Number(p.P), Number(p.WinRate))
	} else {
		c = append(c, "baseline", "", "", "")
	}
	return append(c, Number(s.Worst), Number(s.Worst10))
}

// writeReport renders every figure as PNG and SVG, inlines the SVGs in
// report.html, and writes all of it atomically into dir.
func writeReport(dir string, p page, figs []figure) ([]string, error) {
	files := []string{filepath.Join(dir, "report.html")}
	for _, f := range figs {
		svg, err := f.render("svg")
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.Name, err)
		}
		png, err := f.render("png")
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.Name, err)
		}
		for ext, b := range map[string][]byte{".svg": svg, ".png": png} {
			if err := record.WriteFile(filepath.Join(dir, f.Name+ext), b); err != nil {
				return nil, err
			}
		}
		files = append(files, filepath.Join(dir, f.Name+".png"), filepath.Join(dir, f.Name+".svg"))
		p.Figures = append(p.Figures, pageFigure{Title: f.Title, Caption: f.Caption, File: f.Name, SVG: inlineSVG(svg)})
	}
	html, err := p.render()
	if err != nil {
		return nil, err
	}
	return files, record.WriteFile(files[0], html)
}

// Number formats a number for people: thousands separators from 10,000 up
// ("58,975"), four significant digits below ("0.6396"), "—" for NaN. The
// command's summaries and the reports share it.
func Number(x float64) string {
	if x != x {
		return "—"
	}
	if a := max(x, -x); a >= 10000 && a < 1e15 {
		return tax.Amount(x)
	}
	return strconv.FormatFloat(x, 'g', 4, 64)
}

// describe is Rates of a schedule.
