package household

import (
	"context"
	"math"
	"testing"
)

// TestConsumptionTaxPath: a consumption tax announced five rounds ahead.
// In the last round before it, at every knot of the households' policy,
// the Euler equation u'(c) = β·R·(1 + τ_c)/(1 + τ_c')·E u'(c') holds,
// evaluated here from the next round's policy and budget (to 1e-10
// relative; without the taxes' ratio it would miss by a fifth); spending
// falls when the tax comes; and a reform that keeps the tax changes
// nothing (g below 1e-10).
func TestConsumptionTaxPath(t *testing.T) {
	if testing.Short() {
		t.Skip("transitions take seconds; -short is the race detector's run")
	}
	ctx := context.Background()
	h := Aiyagari(3, 0.6, 0.4, "tauchen")
	sv := &h.Saver
	before, err := SolveStationary(ctx, h, AiyagariMarket, noTax, true)
	if err != nil {
		t.Fatal(err)
	}
	taxed := noTax
	taxed.Consumption = 0.2
	const sw = 5
	p, err := SolveTransition(ctx, h, AiyagariMarket, before, Reform{Before: noTax, After: taxed, Switch: sw}, true, 300)
	if err != nil {
		t.Fatal(err)
	}
	ch, g := p.Before.Chain, p.Before.Histogram.Grid
	n, G := ch.States(), len(g)
	now, next, bNext := p.policies[sw-1], p.policies[sw], &p.budgets[sw]
	worst := 0.0
	for s := range n {
		for j, a := range g { // knot j of state s saves g[j]
			c := now.C[s*G+j]
			e := 0.0
			for sp, pr := range ch.P[s*n : (s+1)*n] {
				e += pr * sv.Marginal(next.Consumption(sp, bNext.Cash(a, sp)))
			}
			want := sv.Discount * bNext.Return(a) * (1 + 0) / (1 + 0.2) * e
			worst = max(worst, math.Abs(sv.Marginal(c)/want-1))
		}
	}
	if worst > 1e-10 {
		t.Errorf("the Euler equation before the tax misses by %.3g (relative)", worst)
	}
	spend := func(t int) float64 {
		sum := 0.0
		for k, x := range p.mass[t] {
			c, _ := p.ruleAt(t).Decide(k/G, g[k%G], p.budgets[t].Cash(g[k%G], k/G))
			sum += x * c
		}
		return sum
	}
	if !(spend(sw) < spend(sw-1)) {
		t.Errorf("spending %v in the round before the tax and %v with it, want a fall", spend(sw-1), spend(sw))
	}
	null, err := SolveTransition(ctx, h, AiyagariMarket, p.After, Reform{Before: taxed, After: taxed, Switch: sw}, true, 60)
	if err != nil {
		t.Fatal(err)
	}
	gn, err := null.Gains(ctx, sv)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(gn.UtilitarianCEV) > 1e-10 || gn.ShareGaining != 0 || !(null.Revenue[0].Consumption > 0) {
		t.Errorf("keeping a 20%% consumption tax: utilitarian g %v, share gaining %v, consumption tax revenue %v", gn.UtilitarianCEV, gn.ShareGaining, null.Revenue[0].Consumption)
	}
}
