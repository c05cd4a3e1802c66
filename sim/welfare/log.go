package welfare

import "math"

// Log is the natural logarithm, faster than math.Log on amd64 and within
// 2 ulp plus 3e-16 of it (checked by TestLog). The engine takes one
// logarithm per worker per round for the Atkinson and Theil indices.
//
// x = m·2^k with m ∈ [1, 2); c = 1 + j/1024 is m truncated to ten bits of
// mantissa, so m − c is exact and r = (m − c)/c ∈ [0, 2^−10). Then
// ln x = k·ln 2 + ln c + ln(1 + r), with ln c from a table and ln(1 + r) from
// its Taylor series to r⁶ (the first omitted term is below 2^−60·r).
// Zero, negative, subnormal and non-finite inputs go to math.Log.
func Log(x float64) float64 {
	bits := math.Float64bits(x)
	exp := int(bits>>52) & 0x7ff
	if exp == 0 || exp == 0x7ff || bits>>63 != 0 {
		return math.Log(x)
	}
	j := (bits >> 42) & (logTableSize - 1)
	m := math.Float64frombits(bits&(1<<52-1) | 1023<<52)
	c := math.Float64frombits(bits&(1<<52-1<<42) | 1023<<52)
	r := (m - c) * logTable[j].inv
	p := r * (1 + r*(-1.0/2+r*(1.0/3+r*(-1.0/4+r*(1.0/5+r*(-1.0/6))))))
	k := float64(exp - 1023)
	const ln2Hi, ln2Lo = 6.93147180369123816490e-01, 1.90821492927058770002e-10
	return k*ln2Hi + (k*ln2Lo + (logTable[j].log + p))
}

const logTableSize = 1024

// logTable[j] holds ln(1 + j/1024) and 1/(1 + j/1024).
var logTable = func() (t [logTableSize]struct{ log, inv float64 }) {
	for j := range t {
		c := 1 + float64(j)/logTableSize
		t[j].log = math.Log(c)
		t[j].inv = 1 / c
	}
	return t
}()
