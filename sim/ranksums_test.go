package sim

import (
	"math"
	"math/big"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/econsim/econsim/sim/planner"
	"github.com/econsim/econsim/sim/tax"
)

// TestRankSums checks the Gini's rank sums from sorted incomes against
// sums in math/big of the weights times each income and times its
// take-home pay computed one by one with Schedule.Net — on incomes below
// 0, at 0, on the cutoffs and an ulp either side, and far above the top
// cutoff, under schedules with a rate of 1, negative rates and a single
// bracket — to 1e-13 of Σ|weight·value|; and the sums' bits the same on
// 1, 2 and 3 goroutines.
func TestRankSums(t *testing.T) {
	us, _ := tax.Preset("us_federal_2024")
	scheds := map[string]tax.Schedule{
		"us federal 2024": tax.MustNew(us, []float64{0.10, 0.12, 0.22, 0.24, 0.32, 0.35, 0.37}, tax.DefaultBounds),
		"rate 1, subsidies": tax.MustNew([]float64{0, 1e4, 3e4, 1e5}, []float64{-0.3, 1, -1, 0.45},
			tax.Bounds{Min: -1, Max: 1}),
		"one bracket": tax.MustNew([]float64{0}, []float64{0.25}, tax.DefaultBounds),
	}
	r := rand.New(rand.NewPCG(11, 12))
	n := 3*ChunkSize + 17
	for name, sched := range scheds {
		x := make([]float64, 0, n)
		for k := range sched.Brackets() {
			b := sched.Cutoff(k)
			x = append(x, b, math.Nextafter(b, math.Inf(-1)), math.Nextafter(b, math.Inf(1)))
		}
		x = append(x, 0, 0, -3, -1e-300)
		for len(x) < n {
			x = append(x, 3e4*math.Exp(1.5*r.NormFloat64()))
		}
		slices.Sort(x)
		var want [2]*big.Float // Σ w·x, Σ w·Net(x)
		var scale [2]float64   // Σ |w·x|, Σ |w·Net(x)|
		want[0], want[1] = new(big.Float).SetPrec(300), new(big.Float).SetPrec(300)
		for i, v := range x {
			w := float64(2*(i+1) - n - 1)
			for j, y := range []float64{v, sched.Net(v)} {
				term := new(big.Float).SetPrec(300).SetFloat64(w)
				term.Mul(term, new(big.Float).SetPrec(300).SetFloat64(y))
				want[j].Add(want[j], term)
				scale[j] += math.Abs(w * y)
			}
		}
		var first [2]float64
		for _, workers := range []int{1, 2, 3} {
			cfg := lognormalConfig(n)
			cfg.Workers = workers
			e, err := New(cfg, planner.USFederal())
			if err != nil {
				t.Fatal(err)
			}
			rz, rnet := e.work.rankSums(x, &sched, true)
			for j, got := range []float64{rz, rnet} {
				w, _ := want[j].Float64()
				if math.Abs(got-w) > 1e-13*scale[j] {
					t.Errorf("%s, sum %d: %v, want %v (difference %.3g of the scale)", name, j, got, w, math.Abs(got-w)/scale[j])
				}
			}
			if rz0, _ := e.work.rankSums(x, nil, false); rz0 != rz {
				t.Errorf("%s: the incomes' rank sum %v without take-home pay, %v with", name, rz0, rz)
			}
			if workers == 1 {
				first = [2]float64{rz, rnet}
			} else if rz != first[0] || rnet != first[1] {
				t.Errorf("%s: %d goroutines give %v, %v; one gives %v, %v", name, workers, rz, rnet, first[0], first[1])
			}
		}
	}
}
