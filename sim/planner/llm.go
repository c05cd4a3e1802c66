package planner

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"github.com/econsim/econsim/sim/llm"
	"github.com/econsim/econsim/sim/metric"
	"github.com/econsim/econsim/sim/tax"
)

var _ Planner = (*LLM)(nil)

// LLM is a planner that sets the rates by in-context learning: each tax
// period the model sees the brackets, the allowed range, and the history of
// every past period — its rates and the period's mean objective,
// productivity, equality and utilitarian welfare — with the best period so
// far marked, and replies with JSON {"rates": [...]} (one per bracket).
// Rates outside the bounds are clamped; a reply that is still unusable after
// Reasks re-asks (or a request that fails for good) leaves the rates as they
// were (no tax before the first period) and counts a fallback.
type LLM struct {
	Client    *llm.Client
	Objective string
	Reasks    int

	periods []periodRecord
	cur     periodRecord
	n       int
}

type periodRecord struct {
	start                              int
	rates                              []float64
	objective, prod, equality, welfare float64
}

// Observe implements Planner: it averages the period's metrics.
func (p *LLM) Observe(obs Observation) {
	get := func(name string) float64 { v, _ := obs.Stats.Metric(name); return v }
	if p.n == 0 {
		p.cur = periodRecord{start: obs.Round, rates: obs.Schedule.Rates()}
	}
	p.n++
	f := 1 / float64(p.n)
	p.cur.objective += (get(p.Objective) - p.cur.objective) * f
	p.cur.prod += (get("productivity") - p.cur.prod) * f
	p.cur.equality += (get("equality") - p.cur.equality) * f
	p.cur.welfare += (get("utilitarian") - p.cur.welfare) * f
}

// Propose implements Planner.
func (p *LLM) Propose(ctx context.Context, req Request) (tax.Schedule, error) {
	if p.n > 0 {
		p.periods = append(p.periods, p.cur)
		p.n = 0
	}
	k := len(req.Cutoffs)
	keep := make([]float64, k)
	if req.Current.Brackets() == k {
		keep = req.Current.Rates()
	}
	keep = clampAll(keep, req.Bounds)
	var reply struct {
		Rates []float64 `json:"rates"`
	}
	check := func(raw json.RawMessage) error {
		if err := json.Unmarshal(raw, &reply); err != nil {
			return err
		}
		if len(reply.Rates) != k {
			return fmt.Errorf(`"rates" must list %d numbers, one per bracket; it has %d`, k, len(reply.Rates))
		}
		for _, r := range reply.Rates {
			if math.IsNaN(r) || math.IsInf(r, 0) {
				return fmt.Errorf("rates must be finite numbers")
			}
		}
		return nil
	}
	_, ok, err := p.Client.AskJSON(ctx, p.prompt(req), 0, p.Reasks, check)
	if err != nil {
		return tax.Schedule{}, fmt.Errorf("llm planner: %w", err)
	}
	if !ok {
		p.Client.AddFallback()
		return tax.New(req.Cutoffs, keep, req.Bounds)
	}
	return tax.New(req.Cutoffs, clampAll(reply.Rates, req.Bounds), req.Bounds)
}

func (p *LLM) prompt(req Request) []llm.Message {
	k := len(req.Cutoffs)
	sys := fmt.Sprintf("You are an economic planner setting a progressive income tax for a population of workers who "+
		"choose how much to work. Tax revenue is returned to them. You want the %s %q. "+
		`Answer with only a JSON object: {"rates": [%d marginal rates, each from %g to %g]}.`,
		map[bool]string{true: "highest", false: "lowest"}[metric.Sign(p.Objective) > 0], p.Objective, k, req.Bounds.Min, req.Bounds.Max)
	var b strings.Builder
	if s := req.System; s != nil {
		fmt.Fprintf(&b, "Your rates are the income tax's, on taxable income: yearly earnings minus a standard deduction of %g.", s.StandardDeduction)
		if s.Payroll {
			fmt.Fprintf(&b, " Workers also pay Social Security (%.4g%% of earnings up to %g) and Medicare (%.4g%%, plus %.4g%% above %g).",
				100*s.SSRate, s.SSWageBase, 100*s.MedicareRate, 100*s.AddlMedicareRate, s.AddlMedicareFrom)
		}
		if s.EITC && s.EITCMax > 0 {
			fmt.Fprintf(&b, " Low earners receive a credit of %.4g%% of earnings up to %g, reduced by %.4g%% of earnings above %g.",
				100*s.EITCPhaseInRate, s.EITCMax, 100*s.EITCPhaseOutRate, s.EITCPhaseOutStart)
		}
		b.WriteString("\nBrackets (yearly taxable income):")
	} else {
		b.WriteString("Brackets (yearly income):")
	}
	for i, c := range req.Cutoffs {
		if i+1 < k {
			fmt.Fprintf(&b, " [%g, %g)", c, req.Cutoffs[i+1])
		} else {
			fmt.Fprintf(&b, " [%g, ∞)", c)
		}
	}
	b.WriteString("\n")
	if len(p.periods) == 0 {
		b.WriteString("No policy has been tried yet.\n")
	} else {
		best, sign := 0, metric.Sign(p.Objective)
		for i, r := range p.periods {
			if sign*r.objective > sign*p.periods[best].objective {
				best = i
			}
		}
		b.WriteString("Past periods (rates → mean outcomes):\n")
		for i, r := range p.periods {
			mark := ""
			if i == best {
				mark = "  ← best so far"
			}
			fmt.Fprintf(&b, "- period %d (from round %d): rates %s → %s %.6g, productivity %.6g, equality %.4f, welfare %.6g%s\n",
				i+1, r.start, tax.FormatRates(r.rates), p.Objective, r.objective, r.prod, r.equality, r.welfare, mark)
		}
	}
	fmt.Fprintf(&b, "Choose the rates for period %d (starting at round %d).", len(p.periods)+1, req.Round)
	return []llm.Message{{Role: "system", Content: sys}, {Role: "user", Content: b.String()}}
}
