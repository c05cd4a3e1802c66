// Package rng holds the project's random numbers: SplitMix64 and the
// counter-based streams every draw comes from (Stream, Split), a block
// sampler of standard normals (Normals) that gives rand.Rand's NormFloat64
// bit for bit, and a fast exponential (Exp, ExpScaled) for lognormal noise.
// It imports nothing of ours.
package rng
