package pareto

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/econsim/econsim/sim"
	"github.com/econsim/econsim/sim/planner"
	"github.com/econsim/econsim/sim/record"
	"github.com/econsim/econsim/sim/tax"
)

// Reference is a known schedule placed beside the front.
type Reference struct {
	Name  string `json:"name"`
	Point Point  `json:"point"`
}

// References evaluates the free market, the US federal rates (on seven
// brackets) and the Saez schedule (the Saez planner with elasticity e on
// the workers' incomes before any tax, under the engine's tax system when
// it has one) through the model.
func References(ctx context.Context, eng *sim.Engine, cutoffs []float64, bounds tax.Bounds, objs []Objective, e float64) ([]Reference, error) {
	model := eng.Model()
	eval := func(name string, s tax.Schedule) Reference {
		m, _ := model.Evaluate(ctx, s)
		return Reference{Name: name, Point: pointOf(s.Rates(), m, objs)}
	}
	var out []Reference
	req := planner.Request{Cutoffs: cutoffs, Bounds: bounds, Model: model, System: eng.System()}
	free, err := planner.None().Propose(ctx, req)
	if err == nil {
		out = append(out, eval("free market", free))
	}
	if len(cutoffs) == len(tax.USFederalRates()) {
		if us, err := planner.USFederal().Propose(ctx, req); err == nil {
			out = append(out, eval("US federal", us))
		}
	}
	saez := &planner.Saez{Elasticity: e}
	pop := eng.Population()
	saez.Observe(planner.Observation{Schedule: free, Stats: &sim.RoundStats{}, Income: pop.Income})
	if s, err := saez.Propose(ctx, req); err == nil {
		out = append(out, eval("Saez", s))
	}
	return out, nil
}

// Output is front.json.
type Output struct {
	Name       string      `json:"name"`
	Objectives []string    `json:"objectives"`
	Cutoffs    []float64   `json:"cutoffs"`
	Results    []*Result   `json:"results"` // one per mode computed; the last is the front written to front.csv
	References []Reference `json:"references"`
}

// Write writes front.csv (the last result's front) and front.json into dir.
func (o *Output) Write(dir string) error {
	b, err := json.MarshalIndent(o, "", "  ")
	if err != nil {
		return err
	}
	if err := record.WriteFile(filepath.Join(dir, "front.json"), append(b, '\n')); err != nil {
		return err
	}
	front := o.Results[len(o.Results)-1].Front
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	head := []string{"point"}
	for _, name := range o.Objectives {
		head = append(head, "objective:"+name)
	}
	for k := range o.Cutoffs {
		head = append(head, "rate_"+strconv.Itoa(k))
	}
	var metrics []string
	if len(front) > 0 {
		for k := range front[0].Metrics {
			if !strings.HasPrefix(k, "rate_") { // the rates have their own columns
				metrics = append(metrics, k)
			}
		}
		slices.Sort(metrics)
	}
	head = append(head, metrics...)
	w.Write(head)
	f := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	for i, p := range front {
		row := []string{strconv.Itoa(i)}
		for _, v := range p.Values {
			row = append(row, f(v))
		}
		for _, r := range p.Rates {
			row = append(row, f(r))
		}
		for _, m := range metrics {
			row = append(row, f(p.Metrics[m]))
		}
		w.Write(row)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	return record.WriteFile(filepath.Join(dir, "front.csv"), buf.Bytes())
}
