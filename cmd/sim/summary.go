package main

import (
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/econsim/econsim/sim/household"
	"github.com/econsim/econsim/sim/record"
	"github.com/econsim/econsim/sim/report"
	"github.com/econsim/econsim/sim/scenario"
	"github.com/econsim/econsim/sim/tax"
)

// summaryRow is one line of the human summary: the quantity in words with
// its unit, the metric (its name in rounds.csv and summary.json), and
// whether it reads as a percentage.
type summaryRow struct {
	label, metric string
	pct           bool
}

// workerRows are the summary of a run of workers. Money is in the wages'
// currency (dollars in the shipped scenarios) a round, a year by default.
var workerRows = []summaryRow{
	{"mean pre-tax income, a year", "productivity", false},
	{"equality (1 − Gini of consumption · N/(N−1))", "equality", false},
	{"equality × productivity", "eq_x_prod", false},
	{"Gini of pre-tax income", "gini_pre", false},
	{"Gini of consumption (income after tax and transfer)", "gini_post", false},
	{"welfare: mean utility", "welfare_utilitarian", false},
	{"welfare: inverse-income weights", "welfare_inv_income", false},
	{"welfare: the worst-off's utility", "welfare_rawls", false},
	{"tax revenue per worker, a year", "revenue", false},
	{"average tax rate (revenue / income)", "avg_tax_rate", true},
	{"mean hours, a year", "labor_mean", false},
	{"largest gain from a best response (ε-Nash)", "br_regret_max", false},
}

// saverRows are the summary of households that save, in the model's units
// (mean labour income about 1).
var saverRows = []summaryRow{
	{"interest rate r", "interest_rate", true},
	{"wage per efficiency unit", "wage", false},
	{"capital per household (mean wealth)", "wealth_mean", false},
	{"saving rate (gross investment / output)", "saving_rate", true},
	{"wealth Gini", "wealth_gini", false},
	{"wealth share of the richest 10%", "wealth_top10_share", true},
	{"share at the borrowing limit", "constrained_share", true},
	{"mean consumption", "consumption_mean", false},
	{"Gini of pre-tax income", "gini_pre", false},
	{"Gini of consumption", "gini_post", false},
	{"welfare: mean period utility", "welfare_utilitarian", false},
	{"tax revenue per household", "revenue", false},
}

func printSummary(w io.Writer, s *scenario.Scenario, sum *record.Summary, dir string) {
	savers := s.Agents.Behavior == "saver"
	who := s.Agents.Behavior + " workers"
	if savers {
		who = "households that save (" + string(s.Agents.Saving) + ")" // resolved: optimal by default
	}
	fmt.Fprintf(w, "%s — %d agents, %d rounds, seed %d, planner %s, %s\n",
		s.Name, s.Population.Agents, s.Rounds, s.Seed, s.Planner.Kind, who)
	fmt.Fprintln(w, scheduleLine(s, sum.Schedule))
	if s.Tax.System != "" {
		fmt.Fprintf(w, "          (the income tax on taxable income, within %s: deduction, payroll taxes and credit as in scenario.toml)\n", s.Tax.System)
	}
	fmt.Fprintln(w)
	rows := workerRows
	if savers {
		rows = saverRows
	}
	value := func(r summaryRow, m map[string]record.Float) string {
		x := float64(m[r.metric])
		if r.pct && !math.IsNaN(x) {
			return strconv.FormatFloat(100*x, 'g', 4, 64) + "%"
		}
		return report.Number(x)
	}
	same := true
	for _, r := range rows {
		same = same && value(r, sum.Final) == value(r, sum.MeanLastPeriod)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 3, ' ', 0)
	if same { // one column when the last round and the last period's mean agree
		fmt.Fprintln(tw, "quantity\tmetric\tvalue\t")
	} else {
		fmt.Fprintln(tw, "quantity\tmetric\tlast round\tmean over the last tax period\t")
	}
	for _, r := range rows {
		if same {
			fmt.Fprintf(tw, "%s\t%s\t%s\t\n", r.label, r.metric, value(r, sum.Final))
		} else {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t\n", r.label, r.metric, value(r, sum.Final), value(r, sum.MeanLastPeriod))
		}
	}
	tw.Flush()
	if eq := sum.Equilibrium; eq != nil {
		fmt.Fprintf(w, "\nstationary equilibrium before round 0: r %s%%, capital %s per household, wealth Gini %s, Euler error 10^%s where households are\n",
			strconv.FormatFloat(100*eq.InterestRate, 'g', 4, 64), report.Number(eq.Capital), report.Number(eq.WealthGini), report.Number(float64(eq.EulerError)))
	}
	if rf := sum.Reform; rf != nil {
		printReform(w, rf, sum)
	}
	fmt.Fprintf(w, "\nspeed: %s agent-rounds/s (%.3f s on %d workers)\n", report.Number(sum.Perf.AgentRoundsPerSec), sum.Perf.WallSeconds, sum.Perf.Workers)
	if l := sum.LLM; l != nil {
		fmt.Fprintf(w, "llm: %d calls (%d from the cache), %d requests, %d retries, %d fallbacks, %s tokens in, %s out, cost %.4f (spent %.4f)\n",
			l.Calls, l.CacheHits, l.Requests, l.Retries, l.Fallbacks, report.Number(float64(l.TokensIn)), report.Number(float64(l.TokensOut)), l.Cost, l.SpentCost)
	}
	if sum.StopReason != "" {
		fmt.Fprintf(w, "stopped after %d of %d rounds: %s\n", sum.RoundsDone, sum.Rounds, sum.StopReason)
	}
	files := "scenario.toml, rounds.csv, agents.csv, summary.json"
	if sum.Reform != nil {
		files = "scenario.toml, rounds.csv, transition.csv, gains.csv, agents.csv, summary.json"
	}
	fmt.Fprintf(w, "wrote %s/{%s}\n", filepath.ToSlash(dir), files)
}

// printReform prints who gains from a reform households foresaw.
func printReform(w io.Writer, rf *record.Reform, sum *record.Summary) {
	pct := func(x record.Float) string {
		return strconv.FormatFloat(100*float64(x), 'f', 3, 64) + "%"
	}
	signed := func(x record.Float) string {
		if x >= 0 {
			return "+" + pct(x)
		}
		return pct(x)
	}
	when := fmt.Sprintf("announced in round %d, in force from round %d", rf.AnnounceRound, rf.SwitchRound)
	if rf.AnnounceRound == rf.SwitchRound {
		when = fmt.Sprintf("unexpected, in force from round %d", rf.SwitchRound)
	}
	fmt.Fprintf(w, "\nwho gains from the reform (%s), in consumption equivalents at its announcement:\n", when)
	if rf.Households == "optimal savers" {
		fmt.Fprintln(w, "  (of optimal savers on the path the LLM households were told: what LLM replies are worth to them is not computed)")
	}
	tw := tabwriter.NewWriter(w, 0, 0, 3, ' ', 0)
	fmt.Fprintf(tw, "  utilitarian\tutilitarian_cev\t%s\twith the transition\t\n", signed(rf.UtilitarianCEV))
	fmt.Fprintf(tw, "  utilitarian, steady states only\tsteady_state_cev\t%s\ttransition left out\t\n", signed(rf.SteadyStateCEV))
	fmt.Fprintf(tw, "  mean over households\tmean_cev\t%s\t\t\n", signed(rf.MeanCEV))
	fmt.Fprintf(tw, "  share who gain\tshare_gaining\t%s\t\t\n", pct(rf.ShareGaining))
	tw.Flush()
	list := func(xs []record.Float) string {
		parts := make([]string, len(xs))
		for i, x := range xs {
			parts[i] = signed(x)
		}
		return strings.Join(parts, "  ")
	}
	fmt.Fprintf(w, "  by wealth quintile, poorest first:       %s\n", list(rf.CEVByWealthQuintile))
	fmt.Fprintf(w, "  by productivity state, lowest first:     %s\n", list(rf.CEVByState))
	if eq := sum.Equilibrium; eq != nil && rf.After != nil {
		fmt.Fprintf(w, "  transition: r %s%% → %s%%, capital %s → %s per household, solved over %d rounds (%d Newton steps, %.2f s)\n",
			strconv.FormatFloat(100*eq.InterestRate, 'g', 4, 64), strconv.FormatFloat(100*rf.After.InterestRate, 'g', 4, 64),
			report.Number(eq.Capital), report.Number(rf.After.Capital), rf.Horizon, rf.NewtonSteps, sum.Perf.TransitionSeconds)
	}
}

// scheduleLine names what the planner's schedule taxes: the income tax, or
// for households that save the tax planner.instrument sets.
func scheduleLine(s *scenario.Scenario, sch record.Schedule) string {
	switch in := s.Planner.Instrument; {
	case s.Agents.Behavior != "saver":
		return "income tax: " + tax.Describe(sch.Cutoffs, sch.Rates)
	case in == household.WealthRate:
		exempt := 0.0
		if s.Tax.WealthExemption != nil {
			exempt = *s.Tax.WealthExemption
		}
		return fmt.Sprintf("wealth tax: %s%% a year of wealth above %s", pct(sch.Rates[0]), report.Number(exempt))
	case in == household.CapitalRate:
		return fmt.Sprintf("capital income tax: %s%% of positive returns r·a", pct(sch.Rates[0]))
	case in == household.ConsumptionRate:
		return fmt.Sprintf("consumption tax: %s%% of consumption", pct(sch.Rates[0]))
	}
	return "labour income tax: " + tax.Describe(sch.Cutoffs, sch.Rates)
}

func pct(x float64) string { return strconv.FormatFloat(math.Round(1e4*x)/100, 'f', -1, 64) }
