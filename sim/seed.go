package sim

import (
	"hash/fnv"
	"math/rand/v2"

	"github.com/econsim/econsim/sim/agents"
)

// SplitMix64 is one step of SplitMix64 (Steele, Lea & Flood 2014): the
// golden-ratio increment, then the finaliser, a bijective mix that turns
// nearby integers into unrelated 64-bit words. Every seed mix of the
// project goes through it.
func SplitMix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// Stream returns the random stream named name with the given index, derived
// from the scenario seed: a PCG generator seeded by SplitMix64 mixes of
// (seed, FNV-1a(name), index). The same triple always gives the same stream,
// and no two triples share one in practice.
func Stream(seed uint64, name string, index uint64) *rand.Rand {
	a := SplitMix64(seed ^ SplitMix64(streamKey(name)))
	b := SplitMix64(a ^ SplitMix64(index+0x632be59bd9b4e019))
	return rand.New(rand.NewPCG(a, b))
}

// streamKey is the FNV-1a hash of a stream's name.
func streamKey(name string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(name))
	return h.Sum64()
}

// noiseStream returns chunk c's stream for noisy and LLM workers (nil
// otherwise); every pass of a round draws the same numbers.
func (e *Engine) noiseStream(in *roundIn, c int) *rand.Rand {
	switch in.beh.Kind {
	case agents.Noisy:
		return Stream(e.cfg.Seed, "noise", in.noise*uint64(e.nChunks)+uint64(c))
	case agents.LLM: // which of its archetype's replies each worker takes
		return Stream(e.cfg.Seed, "llm-draw", in.noise*uint64(e.nChunks)+uint64(c))
	}
	return nil
}
