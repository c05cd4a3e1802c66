// Package welfare holds the metric functions of econsim's contract as pure
// functions on slices: inequality (Gini, Atkinson, Theil), the equality
// convention of the AI Economist, and the social welfare functions the
// planners maximise.
//
// Every function takes plain slices and returns a number; none keeps state or
// allocates beyond a sort buffer. The engine computes the same quantities in
// one fused, chunked pass for speed and reuses the *FromSums helpers here so
// that both paths share one definition; tests check the two agree.
package welfare

import (
	"math"
	"slices"
)

// Gini returns the population Gini coefficient
//
//	G = Σ_i Σ_j |x_i − x_j| / (2 N² x̄),
//
// and 0 when Σx = 0 or x is empty. It sorts a copy of x: O(N log N).
func Gini(x []float64) float64 {
	s := slices.Clone(x)
	slices.Sort(s)
	return GiniSorted(s)
}

// GiniSorted is Gini for x sorted in ascending order, in O(N), using the rank
// identity Σ_i Σ_j |x_i − x_j| = 2 Σ_i (2i − N − 1) x_(i) for ranks i = 1…N.
func GiniSorted(x []float64) float64 {
	var rank, sum float64
	n := float64(len(x))
	for i, v := range x {
		rank += (2*float64(i+1) - n - 1) * v
		sum += v
	}
	return GiniFromSums(len(x), rank, sum)
}

// GiniFromSums finishes the Gini from the rank-weighted sum
// R = Σ_i (2i − N − 1) x_(i) and the plain sum S = Σ x: G = R / (N·S).
func GiniFromSums(n int, rankSum, sum float64) float64 {
	if n == 0 || sum == 0 {
		return 0
	}
	return rankSum / (float64(n) * sum)
}

// Equality is the AI Economist's equality index 1 − G·N/(N−1), which rescales
// the population Gini so that total concentration in one person gives 0. For
// N < 2 it returns 1 (a single person is trivially equal).
func Equality(gini float64, n int) float64 {
	if n < 2 {
		return 1
	}
	return 1 - gini*float64(n)/float64(n-1)
}

// Mean returns x̄, and 0 for an empty slice.
func Mean(x []float64) float64 {
	if len(x) == 0 {
		return 0
	}
	var s float64
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}

// Utilitarian is the mean utility (1/N) Σ u_i.
func Utilitarian(u []float64) float64 { return Mean(u) }

// Rawls is the utility of the worst-off worker, min_i u_i (0 when empty).
func Rawls(u []float64) float64 {
	if len(u) == 0 {
		return 0
	}
	return slices.Min(u)
}

// InvIncome is the inverse-income weighted welfare of the AI Economist,
// Σ ω_i u_i with ω_i = (1/max(z_i, 1)) / Σ_j (1/max(z_j, 1)): the poorest
// count most. z and u must have the same length.
func InvIncome(z, u []float64) float64 {
	if len(z) != len(u) {
		panic("welfare: InvIncome length mismatch")
	}
	var wu, w float64
	for i := range z {
		wi := InvIncomeWeight(z[i])
		wu += wi * u[i]
		w += wi
	}
	if w == 0 {
		return 0
	}
	return wu / w
}

// InvIncomeWeight is the unnormalised weight 1/max(z, 1) (NaN for NaN),
// written with branches: the float max's handling of NaN and signed zeros
// cost the engine's welfare loop a spill and a dozen instructions a worker.
func InvIncomeWeight(z float64) float64 {
	if z > 1 {
		return 1 / z
	}
	if z != z {
		return z
	}
	return 1
}

// Atkinson1 is the Atkinson index with inequality aversion ε = 1,
// 1 − (Π x_i)^(1/N) / x̄: one minus the geometric over the arithmetic mean.
// Values are floored at 0; any zero makes the geometric mean 0 and the index
// 1. It is 0 when x is empty or all zero.
func Atkinson1(x []float64) float64 {
	var sumLog, sum float64
	zero := false
	for _, v := range x {
		v = max(v, 0)
		if v == 0 {
			zero = true
			continue
		}
		sumLog += math.Log(v)
		sum += v
	}
	return Atkinson1FromSums(len(x), sumLog, sum, zero)
}

// Atkinson1FromSums finishes Atkinson1 from Σ ln x_i (over positive x), Σ x_i
// and whether any x_i was 0.
func Atkinson1FromSums(n int, sumLog, sum float64, anyZero bool) float64 {
	if n == 0 || sum <= 0 {
		return 0
	}
	if anyZero {
		return 1
	}
	mean := sum / float64(n)
	return 1 - math.Exp(sumLog/float64(n)-math.Log(mean))
}

// Theil is the Theil T index (1/N) Σ (x_i/x̄) ln(x_i/x̄), with 0·ln 0 = 0 and
// values floored at 0. It is 0 when x is empty or all zero; its maximum is ln N.
func Theil(x []float64) float64 {
	var sumXLog, sum float64
	for _, v := range x {
		v = max(v, 0)
		if v > 0 {
			sumXLog += v * math.Log(v)
		}
		sum += v
	}
	return TheilFromSums(len(x), sumXLog, sum)
}

// TheilFromSums finishes Theil from Σ x_i ln x_i and Σ x_i, using
// T = Σ x ln x / Σ x − ln x̄.
func TheilFromSums(n int, sumXLog, sum float64) float64 {
	if n == 0 || sum <= 0 {
		return 0
	}
	return sumXLog/sum - math.Log(sum/float64(n))
}
