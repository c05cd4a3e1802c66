package welfare

import "math"

// Wealth can be negative (households that borrow), where the usual Gini,
// normalised by the mean, is undefined or misleading (the mean can be near
// zero or negative). The wealth Gini here divides by the mean of |x|:
//
//	G_w = Σ_i Σ_j |x_i − x_j| / (2 N² · mean|x|),
//
// which equals the Gini when no wealth is negative, lies in [0, 2] always,
// and is 0 when everyone holds the same (or nothing).

// WealthGiniWeighted returns G_w of the values x, sorted ascending, held by
// population shares w (nil: equal shares), using
// Σ_i Σ_j w_i w_j |x_i − x_j| = 2 Σ_i w_i x_i (B_i − A_i), with B_i and A_i
// the shares below and above i.
func WealthGiniWeighted(x, w []float64) float64 {
	var total, abs float64 // Σ w, Σ w·|x|
	for i, v := range x {
		wi := weight(w, i)
		total += wi
		abs += wi * math.Abs(v)
	}
	if abs == 0 {
		return 0
	}
	var sum, below float64
	for i, v := range x {
		wi := weight(w, i)
		above := total - below - wi
		sum += wi * v * (below - above)
		below += wi
	}
	return sum / (total * abs)
}

// TopShareWeighted returns the share of total wealth Σ w·x held by the
// richest share q ∈ (0, 1] of the population, with x sorted ascending and
// held by shares w (nil: equal shares); the household on the boundary
// counts in part. It is NaN when total wealth is not positive.
func TopShareWeighted(x, w []float64, q float64) float64 {
	var total, wealth float64
	for i, v := range x {
		wi := weight(w, i)
		total += wi
		wealth += wi * v
	}
	if !(wealth > 0) {
		return math.NaN()
	}
	need := q * total
	top := 0.0
	for i := len(x) - 1; i >= 0 && need > 0; i-- {
		take := min(weight(w, i), need)
		top += take * x[i]
		need -= take
	}
	return top / wealth
}

func weight(w []float64, i int) float64 {
	if w == nil {
		return 1
	}
	return w[i]
}
