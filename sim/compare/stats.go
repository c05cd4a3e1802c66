package compare

import (
	"math"
	"slices"

	"gonum.org/v1/gonum/stat/distuv"
)

func nan() float64 { return math.NaN() }

// Summary statistics of one sample.
type Stats struct {
	N          int
	Mean, SD   float64 // SD with n − 1; NaN for n < 2
	CILo, CIHi float64 // 95% confidence interval of the mean, Student t; NaN for n < 2
	Worst      float64 // the smallest value (metrics are maximised)
	Worst10    float64 // mean of the ⌈n/10⌉ smallest values
}

// Describe returns the statistics of x.
func Describe(x []float64) Stats {
	s := Stats{N: len(x), Mean: nan(), SD: nan(), CILo: nan(), CIHi: nan(), Worst: nan(), Worst10: nan()}
	if len(x) == 0 {
		return s
	}
	var sum float64
	for _, v := range x {
		sum += v
	}
	s.Mean = sum / float64(len(x))
	sorted := slices.Sorted(slices.Values(x))
	s.Worst = sorted[0]
	k := (len(x) + 9) / 10
	var w float64
	for _, v := range sorted[:k] {
		w += v
	}
	s.Worst10 = w / float64(k)
	if len(x) < 2 {
		return s
	}
	var ss float64
	for _, v := range x {
		ss += (v - s.Mean) * (v - s.Mean)
	}
	s.SD = math.Sqrt(ss / float64(len(x)-1))
	h := tQuantile(0.975, len(x)-1) * s.SD / math.Sqrt(float64(len(x)))
	s.CILo, s.CIHi = s.Mean-h, s.Mean+h
	return s
}

// Paired is the comparison of a group with the baseline over paired runs.
type Paired struct {
	Stats           // of the differences group − baseline
	T, P    float64 // paired t statistic and two-sided p-value
	WinRate float64 // share of pairs where the group is ahead (ties count half)
}

// ComparePaired returns the paired statistics of d = a − b.
func ComparePaired(a, b []float64) Paired {
	d := make([]float64, len(a))
	var wins float64
	for i := range a {
		d[i] = a[i] - b[i]
		switch {
		case d[i] > 0:
			wins++
		case d[i] == 0:
			wins += 0.5
		}
	}
	p := Paired{Stats: Describe(d), T: nan(), P: nan(), WinRate: nan()}
	if len(d) == 0 {
		return p
	}
	p.WinRate = wins / float64(len(d))
	if len(d) < 2 {
		return p
	}
	switch se := p.SD / math.Sqrt(float64(len(d))); {
	case se > 0:
		p.T = p.Mean / se
		p.P = 2 * (1 - distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(len(d) - 1)}.CDF(math.Abs(p.T)))
	case p.Mean == 0:
		p.T, p.P = 0, 1
	default: // every difference equal and non-zero
		p.T, p.P = math.Copysign(math.Inf(1), p.Mean), 0
	}
	return p
}

// tQuantile is the q-quantile of Student's t with nu degrees of freedom.
func tQuantile(q float64, nu int) float64 {
	return distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(nu)}.Quantile(q)
}

// ParetoFront returns the indices of the points not dominated by another:
// no other point is at least as high in both coordinates and higher in one.
// Equal points do not dominate each other, so duplicates stay together.
func ParetoFront(xs, ys []float64) []int {
	var front []int
	for i := range xs {
		dominated := false
		for j := range xs {
			if j != i && xs[j] >= xs[i] && ys[j] >= ys[i] && (xs[j] > xs[i] || ys[j] > ys[i]) {
				dominated = true
				break
			}
		}
		if !dominated {
			front = append(front, i)
		}
	}
	return front
}
