package rng

import (
	"hash/fnv"
	"math/bits"
	"math/rand/v2"
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

// Split returns the SplitMix64 generator of the stream (seed, name, index):
// the same mixes of the triple as Stream's, a SplitMix sequence in place of
// a PCG for speed (its words do not depend on one another, so a block's
// draws overlap in the processor; see Normals). Both its start and its
// gamma depend on the index.
func Split(seed uint64, name string, index uint64) *SplitMix {
	a, b := streamSeeds(seed, name, index)
	return NewSplitMix(b, a^b)
}

// streamSeeds are the two words a stream's generator starts from: SplitMix64
// mixes of (seed, FNV-1a(name), index).
func streamSeeds(seed uint64, name string, index uint64) (a, b uint64) {
	a = SplitMix64(seed ^ SplitMix64(StreamKey(name)))
	b = SplitMix64(a ^ SplitMix64(index+0x632be59bd9b4e019))
	return a, b
}

// StreamKey is the FNV-1a hash of a stream's name.
func StreamKey(name string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(name))
	return h.Sum64()
}

// SplitMix is the SplitMix64 generator (Steele, Lea & Flood, "Fast
// splittable pseudorandom number generators", OOPSLA 2014): a state that
// steps by an odd gamma, each word the state's mix64. A rand.Source.
type SplitMix struct{ state, gamma uint64 }

// NewSplitMix starts a generator at state with a gamma mixed from g as
// Java's SplittableRandom.mixGamma does (with mix64): made odd,
// and with a run of alternate bits xored in when its bits change fewer
// than 24 times, which would make the sequence weak.
func NewSplitMix(state, g uint64) *SplitMix {
	g = mix64(g) | 1
	if bits.OnesCount64(g^(g>>1)) < 24 {
		g ^= 0xaaaaaaaaaaaaaaaa
	}
	return &SplitMix{state: state, gamma: g}
}

// Uint64 is the next word.
func (s *SplitMix) Uint64() uint64 {
	s.state += s.gamma
	return mix64(s.state)
}
