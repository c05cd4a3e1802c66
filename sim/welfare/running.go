package welfare

import "math"

// RunningMin returns min(m, v) as the built-in min does, bit for bit (a NaN
// sticks, −0 is below +0), for a running minimum m in a tight loop. The
// built-in min of floats is a chain of five instructions on amd64 that the
// next step's must wait for (about 8 cycles a step); this is a branch,
// which a running minimum rarely takes after its first few values, so the
// steps overlap. A loop keeping a running minimum and maximum of 4,096
// normal draws runs 2.1× faster with these (BenchmarkRunning). In a loop
// with much other work the chain is hidden and the branch's extra
// instructions cost more: the engine's choice loops and welfare sums were
// slower with these, measured alternately; its regret pass faster.
func RunningMin(m, v float64) float64 {
	if v < m || v != v || (v == 0 && m == 0 && math.Signbit(v)) {
		return v
	}
	return m
}

// RunningMax is RunningMin's counterpart for max: +0 is above −0.
func RunningMax(m, v float64) float64 {
	if v > m || v != v || (v == 0 && m == 0 && !math.Signbit(v)) {
		return v
	}
	return m
}
