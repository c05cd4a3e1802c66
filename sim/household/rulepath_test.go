package household

import (
	"context"
	"math"
	"testing"

	"github.com/econsim/econsim/sim/agents"
)

// TestRulePath: households that follow a rule of thumb go along the path
// their rule and the firm's prices make. A reform to the policy in force
// leaves capital where it is and every g at 0; a 1% wealth tax lowers
// capital round by round (a Solow economy's monotone approach) to the
// stationary equilibrium after it, solved on its own, within 1e-6; a
// consumption tax, which a rule pays from the round's cash, is paid back
// as the transfer in every round.
func TestRulePath(t *testing.T) {
	if testing.Short() {
		t.Skip("transitions take seconds; -short is the race detector's run")
	}
	ctx := context.Background()
	for _, rule := range []agents.SavingRule{agents.SaveFixedRate, agents.SaveBufferStock} {
		h := Aiyagari(3, 0.6, 0.4, "tauchen")
		h.Saver.Saving, h.Saver.Share, h.Saver.Target, h.Saver.Speed = rule, 0.25, 3, 0.2
		before, err := SolveStationary(ctx, h, AiyagariMarket, wealthTax(0.005), true)
		if err != nil {
			t.Fatal(err)
		}
		null, err := SolveTransition(ctx, h, AiyagariMarket, before, Reform{Before: wealthTax(0.005), After: wealthTax(0.005)}, true, 60)
		if err != nil {
			t.Fatalf("%s: %v", rule, err)
		}
		gn, err := null.Gains(ctx, &h.Saver)
		if err != nil {
			t.Fatal(err)
		}
		worst := 0.0
		for k, g := range gn.CEV {
			if null.Before.Histogram.Mass[k] > 1e-12 {
				worst = max(worst, math.Abs(g))
			}
		}
		k0 := null.Capital[0]
		for i, k := range null.Capital {
			if math.Abs(k/k0-1) > 1e-9 {
				t.Errorf("%s, null reform: capital %v in round %d against %v", rule, k, i, k0)
				break
			}
		}
		if worst > 1e-9 || gn.ShareGaining != 0 {
			t.Errorf("%s, null reform: largest |g| %v, share gaining %v, want 0", rule, worst, gn.ShareGaining)
		}
		p, err := SolveTransition(ctx, h, AiyagariMarket, before, Reform{Before: wealthTax(0.005), After: wealthTax(0.015)}, true, 400)
		if err != nil {
			t.Fatalf("%s, a wealth tax: %v", rule, err)
		}
		for i := 1; i < p.Horizon(); i++ {
			if p.Capital[i] > p.Capital[i-1]+1e-9 { // the stationary distribution before is solved to 1e-13 a point
				t.Errorf("%s, a wealth tax: capital rises in round %d (%v to %v)", rule, i, p.Capital[i-1], p.Capital[i])
				break
			}
		}
		cTax := wealthTax(0.005)
		cTax.Consumption = 0.1
		pc, err := SolveTransition(ctx, h, AiyagariMarket, before, Reform{Before: wealthTax(0.005), After: cTax, Switch: 3}, true, 400)
		if err != nil {
			t.Fatalf("%s, a consumption tax: %v", rule, err)
		}
		for _, i := range []int{0, 2, 3, 50} {
			rv := pc.Revenue[i]
			if (i >= 3) != (rv.Consumption > 0) || math.Abs(rv.Total()-pc.Transfer[i]) > 1e-9 {
				t.Errorf("%s, a consumption tax from round 3: round %d revenue %+v, transfer %v", rule, i, rv, pc.Transfer[i])
			}
		}
	}
}
