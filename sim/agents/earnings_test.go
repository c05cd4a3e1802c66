package agents

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/econsim/econsim/sim/field"
	"github.com/econsim/econsim/sim/tax"
)

// The embedded target passes through its published points and its tail
// is Pareto with the shipped coefficients (hand-computed survival ratios).
func TestUSEarningsTarget(t *testing.T) {
	tg := USEarnings2024()
	for _, c := range []struct{ u, z float64 }{{0, 15080}, {0.10, 29050}, {0.25, 35660}, {0.5, 48060}, {0.75, 76980}, {0.9, 121470}} {
		if got := tg.Quantile(c.u); math.Abs(got-c.z) > 1e-6*c.z {
			t.Errorf("Quantile(%v) = %v, want %v", c.u, got, c.z)
		}
	}
	// Within a segment of coefficient a, halving the survival share
	// multiplies earnings by 2^(1/a).
	for _, c := range []struct{ u1, u2, a float64 }{{0.90, 0.95, 2.00}, {0.95, 0.975, 1.95}, {0.99, 0.995, 1.81}, {0.999, 0.9995, 1.81}} {
		if got, want := tg.Quantile(c.u2)/tg.Quantile(c.u1), math.Pow(2, 1/c.a); math.Abs(got-want) > 1e-9 {
			t.Errorf("Q(%v)/Q(%v) = %v, want 2^(1/%v) = %v", c.u2, c.u1, got, c.a, want)
		}
	}
	// Log-linear inside the body: the midpoint in percentile is the
	// geometric mean.
	if got, want := tg.Quantile(0.175), math.Sqrt(29050*35660); math.Abs(got-want) > 1e-6*want {
		t.Errorf("Quantile(0.175) = %v, want %v", got, want)
	}
	if h := USHours2016(); h.Hours(0.05) != 1688.5 || h.Hours(0.99) != 2047.2 || h.Hours(0.5) != 2044.7 {
		t.Errorf("hours profile %v", h)
	}
}

func TestEarningsTargetErrors(t *testing.T) {
	for _, c := range []struct{ name, csv, want string }{
		{"no zero", "p,z,a,s\n5,100,,\n10,200,1.5,\n", "first at percentile 0"},
		{"falling", "p,z,a,s\n0,100,,\n10,50,1.5,\n", "does not rise"},
		{"tail elsewhere", "p,z,a,s\n0,100,,\n10,200,,\n5,,1.5,\n", "tail must start"},
		{"infinite mean", "p,z,a,s\n0,100,,\n10,200,1.0,\n", "a > 1"},
	} {
		if _, err := parseEarnings([]byte(c.csv)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.name, err, c.want)
		}
	}
}

// On a convex schedule every target is somebody's best response: the
// calibrated workers earn their targets exactly and work their hours, and
// κ_i satisfies the first-order condition (1 − τ)·w = κ_i·h^(1/e).
func TestCalibrateConvex(t *testing.T) {
	s := tax.MustNew([]float64{0, 20000, 100000}, []float64{0.1, 0.25, 0.4}, tax.DefaultBounds)
	u := Utility{Kind: Quasilinear, Elasticity: 0.5, Kappa: 4e-6}
	u.Init()
	tg, h := USEarnings2024(), USHours2016()
	c, err := Calibrate(context.Background(), 2000, rand.New(rand.NewPCG(1, 2)), tg, h, u, s, 5000)
	if err != nil {
		t.Fatal(err)
	}
	if c.Misses != 0 {
		t.Errorf("%d misses on a convex schedule", c.Misses)
	}
	r := NewResponse(u, s, 5000)
	for i, w := range c.Skill {
		l, z := r.ChoiceK(w, c.Potential[i], c.Kappa[i], 0, 0)
		q := (float64(i) + 0.5) / 2000
		if lo, hi := tg.Quantile(float64(i)/2000), tg.Quantile(float64(i+1)/2000); z < lo*(1-1e-12) || z > hi*(1+1e-12) {
			t.Fatalf("worker %d earns %v, outside its stratum's targets [%v, %v]", i, z, lo, hi)
		}
		if ht := h.Hours(q); math.Abs(l-ht) > 1e-6*ht && int(5*q) == int(5*(q+0.5/2000)) && int(5*q) == int(5*(q-0.5/2000)) {
			t.Fatalf("worker %d works %v h, target %v", i, l, ht)
		}
		if foc := (1 - s.Marginal(z)) * w / (c.Kappa[i] * math.Pow(l, 2)); math.Abs(foc-1) > 1e-9 {
			t.Fatalf("worker %d: (1 − τ)w / (κ_i·h^(1/e)) = %v, want 1", i, foc)
		}
	}
	if _, err := Calibrate(context.Background(), 10, rand.New(rand.NewPCG(1, 2)), tg, h, Utility{Kind: Isoelastic, Elasticity: 0.5, Kappa: 1, Eta: 1}, s, 5000); err == nil {
		t.Error("isoelastic utility accepted")
	}
	if _, err := Calibrate(context.Background(), 10, rand.New(rand.NewPCG(1, 2)), tg, h, u, s, 1000); err == nil {
		t.Error("hours_max below the target hours accepted")
	}
}

// FuzzParseEarnings: any table either fails with an error or gives a
// quantile function that is finite, positive and non-decreasing.
func FuzzParseEarnings(f *testing.F) {
	f.Add(string(earningsCSV))
	f.Add("p,z,a\n0,1,\n50,2,1.5\n")
	f.Add("p,z,a\n0,1e300,\n99.9999,1e308,1.0001\n")
	f.Fuzz(func(t *testing.T, doc string) {
		tg, err := parseEarnings([]byte(doc))
		if err != nil {
			return
		}
		prev := 0.0
		for i := range 1000 {
			z := tg.Quantile((float64(i) + 0.5) / 1000)
			if !(z >= prev) || math.IsNaN(z) {
				t.Fatalf("Quantile not non-decreasing at %d: %v after %v", i, z, prev)
			}
			prev = z
		}
	})
}

// TestCalibrateReach: at elasticities from 0.011 to 9 the calibration to
// the 2024 taxes ends, every worker's best response (the engine's path) is
// finite and in its stratum except for the gaps' misses; at 0.01 and 10,
// where float64 or the gaps cannot hold the targets, it ends with an error
// about the elasticity, not a search that never stops; and a cancelled
// context stops it.
func TestCalibrateReach(t *testing.T) {
	s, err := tax.US2024Single().Compile(tax.USFederalRates(), tax.Bounds{Min: -1, Max: 1})
	if err != nil {
		t.Fatal(err)
	}
	tg, h := USEarnings2024(), USHours2016()
	const n = 2000
	for _, e := range []float64{0.011, 0.02, 0.05, 0.5, 2, 9} {
		u := Utility{Kind: Quasilinear, Elasticity: e, Kappa: 4e-6}
		u.Init()
		c, err := Calibrate(context.Background(), n, rand.New(rand.NewPCG(1, 2)), tg, h, u, s, 5000)
		if err != nil {
			t.Errorf("e = %v: %v", e, err)
			continue
		}
		r := NewResponse(u, s, 5000)
		inside := 0
		for i, w := range c.Skill {
			l, z := r.ChoiceK(w, c.Potential[i], c.Kappa[i], 0, 0)
			if v := z - s.Tax(z) - c.Kappa[i]*math.Pow(l, 1+1/e)/(1+1/e); math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("e = %v: worker %d's utility is %v", e, i, v)
			}
			if lo, hi := tg.Quantile(float64(i)/n), tg.Quantile(float64(i+1)/n); z >= lo*(1-1e-9) && z <= hi*(1+1e-9) {
				inside++
			}
		}
		if inside < n-c.Misses {
			t.Errorf("e = %v: %d of %d workers earn in their stratum, %d misses", e, inside, n, c.Misses)
		}
	}
	for _, e := range []float64{0.01, 10} {
		u := Utility{Kind: Quasilinear, Elasticity: e, Kappa: 4e-6}
		u.Init()
		_, err := Calibrate(context.Background(), n, rand.New(rand.NewPCG(1, 2)), tg, h, u, s, 5000)
		var fe *field.Error
		if !errors.As(err, &fe) || fe.Name != "Elasticity" {
			t.Errorf("e = %v: error %v, want one about Elasticity", e, err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	u := Utility{Kind: Quasilinear, Elasticity: 0.5, Kappa: 4e-6}
	u.Init()
	if _, err := Calibrate(ctx, 100_000, rand.New(rand.NewPCG(1, 2)), tg, h, u, s, 5000); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: error %v", err)
	}
}
