package sim

import (
	"hash/fnv"
	"math/bits"
	"math/rand/v2"

	"github.com/econsim/econsim/sim/agents"
)

// SplitMix64 is one step of SplitMix64 (Steele, Lea & Flood 2014): the
// golden-ratio increment, then the finaliser, a bijective mix that turns
// nearby integers into unrelated 64-bit words. Every seed mix of the
// project goes through it.
func SplitMix64(x uint64) uint64 { return mix64(x + 0x9e3779b97f4a7c15) }

// mix64 is SplitMix64's finaliser (Stafford's "Mix13" variant of MurmurHash3's).
func mix64(x uint64) uint64 {
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// Stream returns the random stream named name with the given index, derived
// from the scenario seed: a PCG generator seeded by SplitMix64 mixes of
// (seed, FNV-1a(name), index). The same triple always gives the same stream,
// and no two triples share one in practice.
func Stream(seed uint64, name string, index uint64) *rand.Rand {
	return rand.New(rand.NewPCG(streamSeeds(seed, name, index)))
}

// streamSeeds are the two words a stream's generator starts from: SplitMix64
// mixes of (seed, FNV-1a(name), index).
func streamSeeds(seed uint64, name string, index uint64) (a, b uint64) {
	a = SplitMix64(seed ^ SplitMix64(streamKey(name)))
	b = SplitMix64(a ^ SplitMix64(index+0x632be59bd9b4e019))
	return a, b
}

// streamKey is the FNV-1a hash of a stream's name.
func streamKey(name string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(name))
	return h.Sum64()
}

// llmStream returns chunk c's stream for LLM workers (nil for others):
// which of its archetype's replies each worker takes. Every pass of a
// round draws the same numbers.
func (e *Engine) llmStream(in *roundIn, c int) *rand.Rand {
	if in.beh.Kind != agents.LLM {
		return nil
	}
	return Stream(e.cfg.Seed, "llm-draw", in.noise*uint64(e.nChunks)+uint64(c))
}

// noiseDraws hands chunk c's noisy workers their noise factors one at a
// time, in worker order, from blocks drawn as the fixed market's loops
// draw them (normals, then Behavior.NoiseFactors): the factors
// Behavior.Choose would give from rand.New(noiseSource(in, c)), the block
// in the chunk's scratch. Nil for other workers.
func (e *Engine) noiseDraws(in *roundIn, c int) *noiseDraw {
	if in.beh.Kind != agents.Noisy {
		return nil
	}
	buf := e.parts[c].noiseBlock()
	return &noiseDraw{src: e.noiseSource(in, c), beh: in.beh, f: buf, next: len(buf)}
}

// noiseDraw is a chunk's noise factors, a block at a time.
type noiseDraw struct {
	src  *splitMix
	beh  agents.Behavior
	f    []float64 // the block
	next int       // its next factor; len(f) when it is used up
}

// factor is the next worker's noise factor.
func (d *noiseDraw) factor() float64 {
	if d.next == len(d.f) {
		normals(d.f, d.src)
		d.beh.NoiseFactors(d.f)
		d.next = 0
	}
	d.next++
	return d.f[d.next-1]
}

// noiseSource is the generator behind noisy workers' stream in chunk c: a
// SplitMix64 sequence (not a PCG like the other streams) from the same
// mixes of (seed, "noise", round × chunks + chunk) as Stream's, for its
// speed — its words do not depend on one another, so a block's draws
// overlap in the processor (normals). Both its start and its gamma depend
// on the index.
func (e *Engine) noiseSource(in *roundIn, c int) *splitMix {
	a, b := streamSeeds(e.cfg.Seed, "noise", in.noise*uint64(e.nChunks)+uint64(c))
	return newSplitMix(b, a^b)
}

// splitMix is the SplitMix64 generator (Steele, Lea & Flood, "Fast
// splittable pseudorandom number generators", OOPSLA 2014): a state that
// steps by an odd gamma, each word the state's mix64. A rand.Source.
type splitMix struct{ state, gamma uint64 }

// newSplitMix starts a generator at state with a gamma mixed from g as
// Java's SplittableRandom.mixGamma does (with mix64): made odd,
// and with a run of alternate bits xored in when its bits change fewer
// than 24 times, which would make the sequence weak.
func newSplitMix(state, g uint64) *splitMix {
	g = mix64(g) | 1
	if bits.OnesCount64(g^(g>>1)) < 24 {
		g ^= 0xaaaaaaaaaaaaaaaa
	}
	return &splitMix{state: state, gamma: g}
}

// Uint64 is the next word.
func (s *splitMix) Uint64() uint64 {
	s.state += s.gamma
	return mix64(s.state)
}
