package welfare

import "math"

// RunningMax returns max(m, v) as the built-in max does, bit for bit (a NaN
// sticks, +0 is above −0), for a running maximum m in a tight loop. The
// built-in max of floats is a chain of about seven instructions on amd64
// that the next step's must wait for; this is a branch, which a running
// maximum rarely takes after its first few values, so the steps overlap
// (BenchmarkRunningMax). In a loop with much other work the chain is hidden
// and the branch's extra instructions cost more, so it pays only in short
// loops such as the regret pass's.
func RunningMax(m, v float64) float64 {
	if v > m || v != v || (v == 0 && m == 0 && !math.Signbit(v)) {
		return v
	}
	return m
}
