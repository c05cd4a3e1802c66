package agents

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestOccupationData(t *testing.T) {
	occ := Occupations()
	if len(occ) != 22 {
		t.Fatalf("%d occupations, want the 22 SOC major groups", len(occ))
	}
	var total float64
	for _, o := range occ {
		total += o.Employment
		// The wage curve passes through every published quantile.
		for _, q := range o.Quantiles {
			if got := o.Wage(q[0]); math.Abs(got/q[1]-1) > 1e-12 {
				t.Errorf("%s: Wage(%v) = %v, published %v", o.Code, q[0], got, q[1])
			}
		}
		if o.Wage(0.05) >= o.Quantiles[0][1] || o.Wage(0.95) <= o.Quantiles[len(o.Quantiles)-1][1] {
			t.Errorf("%s: tails not extended beyond the end quantiles", o.Code)
		}
	}
	// The provenance note: the 22 groups sum to the all-occupations total.
	if total != 151853870 {
		t.Errorf("employment sums to %v, want 151,853,870", total)
	}
	legal := occ[slices.IndexFunc(occ, func(o Occupation) bool { return o.Code == "23-0000" })]
	if len(legal.Quantiles) != 4 {
		t.Errorf("legal occupations: %d quantiles, want 4 (p90 is top-coded)", len(legal.Quantiles))
	}
}

// TestSamplePersonas: occupation frequencies follow employment shares, each
// occupation's median sampled wage is its published median, ages follow the
// CPS bands, and the slices come sorted by skill.
func TestSamplePersonas(t *testing.T) {
	const n = 300000
	skill, occ, age := SamplePersonas(n, 2080, rand.New(rand.NewPCG(9, 9)))
	if !slices.IsSorted(skill) {
		t.Fatal("not sorted by skill")
	}
	occs := Occupations()
	var total float64
	for _, o := range occs {
		total += o.Employment
	}
	wages := make([][]float64, len(occs))
	young := make([]int, len(occs))
	for i := range skill {
		wages[occ[i]] = append(wages[occ[i]], skill[i]*2080)
		if age[i] < 16 || age[i] > 74 {
			t.Fatalf("age %d outside 16–74", age[i])
		}
		if age[i] <= 24 {
			young[occ[i]]++
		}
	}
	for k, o := range occs {
		share := o.Employment / total
		got := float64(len(wages[k])) / n
		if se := math.Sqrt(share * (1 - share) / n); math.Abs(got-share) > 5*se {
			t.Errorf("%s: share %.4f, want %.4f", o.Code, got, share)
		}
		if len(wages[k]) < 2000 {
			continue
		}
		slices.Sort(wages[k])
		med := wages[k][len(wages[k])/2]
		// The median of m draws has a relative standard error of about
		// 1.2533·σ/√m, σ the log-wage spread (IQR/1.349); allow five.
		q := o.Quantiles
		want := q[slices.IndexFunc(q, func(q [2]float64) bool { return q[0] == 0.5 })][1]
		sigma := (math.Log(q[3][1]) - math.Log(q[1][1])) / 1.349
		if tol := 5 * 1.2533 * sigma / math.Sqrt(float64(len(wages[k]))); math.Abs(med/want-1) > tol {
			t.Errorf("%s: median wage %v, published %v (tolerance %.3f)", o.Code, med, want, tol)
		}
		wantYoung := o.AgeShares[0] + o.AgeShares[1]
		gotYoung := float64(young[k]) / float64(len(wages[k]))
		if se := math.Sqrt(wantYoung * (1 - wantYoung) / float64(len(wages[k]))); math.Abs(gotYoung-wantYoung) > 5*se+1e-3 {
			t.Errorf("%s: share under 25 %.4f, want %.4f", o.Code, gotYoung, wantYoung)
		}
	}
}
