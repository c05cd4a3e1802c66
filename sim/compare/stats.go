package compare

import (
	"encoding/json"
	"math"
	"slices"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/econsim/econsim/sim/metric"
	"github.com/econsim/econsim/sim/pareto"
	"github.com/econsim/econsim/sim/record"
)

func nan() float64 { return math.NaN() }

// Stats are the summary statistics of one sample. Values that are NaN (a
// metric a run could not compute: NA) are counted in NA and left out of the
// rest, never read as zero.
type Stats struct {
	N          int     // values used
	NA         int     // values that were NA (NaN) and left out
	Mean, SD   float64 // SD with n − 1; NaN for n < 2
	CILo, CIHi float64 // 95% confidence interval of the mean, Student t; NaN for n < 2
	Worst      float64 // the worst value by the metric's direction (metric.Direction): the smallest by default; NaN with no direction
	Worst10    float64 // mean of the ⌈n/10⌉ worst values
}

// MarshalJSON writes the keys of the table's columns (n, na, mean, sd,
// ci95_lo, ci95_hi, worst, worst10), with null for NaN.
func (s Stats) MarshalJSON() ([]byte, error) {
	return json.Marshal(statsJSON{s.N, s.NA, record.Float(s.Mean), record.Float(s.SD), record.Float(s.CILo), record.Float(s.CIHi), record.Float(s.Worst), record.Float(s.Worst10)})
}

type statsJSON struct {
	N       int          `json:"n"`
	NA      int          `json:"na"`
	Mean    record.Float `json:"mean"`
	SD      record.Float `json:"sd"`
	CILo    record.Float `json:"ci95_lo"`
	CIHi    record.Float `json:"ci95_hi"`
	Worst   record.Float `json:"worst"`
	Worst10 record.Float `json:"worst10"`
}

// DescribeMetric is Describe with the worst values taken by the direction
// of the metric (metric.Direction): the largest where lower is better, none
// (NaN) where neither is.
func DescribeMetric(x []float64, name string) Stats {
	switch metric.Direction(name) {
	case -1:
		neg := make([]float64, len(x))
		for i, v := range x {
			neg[i] = -v
		}
		n := Describe(neg)
		s := Describe(x)
		s.Worst, s.Worst10 = -n.Worst, -n.Worst10
		return s
	case 0:
		s := Describe(x)
		s.Worst, s.Worst10 = nan(), nan()
		return s
	}
	return Describe(x)
}

// Describe returns the statistics of x, leaving NaNs out (counted in NA),
// with the worst values the smallest.
func Describe(x []float64) Stats {
	var na int
	x, na = dropNaN(x)
	s := Stats{N: len(x), NA: na, Mean: nan(), SD: nan(), CILo: nan(), CIHi: nan(), Worst: nan(), Worst10: nan()}
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

// MarshalJSON writes the differences' statistics under "diff" beside t, p
// and win_rate, with null for NaN.
func (p Paired) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Diff    Stats        `json:"diff"`
		T       record.Float `json:"t"`
		P       record.Float `json:"p"`
		WinRate record.Float `json:"win_rate"`
	}{p.Stats, record.Float(p.T), record.Float(p.P), record.Float(p.WinRate)})
}

func dropNaN(x []float64) ([]float64, int) {
	out := make([]float64, 0, len(x))
	for _, v := range x {
		if !math.IsNaN(v) {
			out = append(out, v)
		}
	}
	return out, len(x) - len(out)
}

// ComparePaired returns the paired statistics of d = a − b over the pairs
// where both are known (a pair with a NaN is counted in NA).
func ComparePaired(a, b []float64) Paired {
	d := make([]float64, 0, len(a))
	var wins float64
	na := 0
	for i := range a {
		if math.IsNaN(a[i]) || math.IsNaN(b[i]) {
			na++
			continue
		}
		d = append(d, a[i]-b[i])
		switch di := d[len(d)-1]; {
		case di > 0:
			wins++
		case di == 0:
			wins += 0.5
		}
	}
	p := Paired{Stats: Describe(d), T: nan(), P: nan(), WinRate: nan()}
	p.NA = na
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
			if j != i && pareto.Dominates([]float64{xs[j], ys[j]}, []float64{xs[i], ys[i]}) {
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
