package sim

import (
	"math/rand/v2"

	"github.com/econsim/econsim/sim/agents"
	"github.com/econsim/econsim/sim/rng"
)

// llmStream returns chunk c's stream for LLM workers (nil for others):
// which of its archetype's replies each worker takes. Every pass of a
// round draws the same numbers.
func (e *Engine) llmStream(in *roundIn, c int) *rand.Rand {
	if in.beh.Kind != agents.LLM {
		return nil
	}
	return rng.Stream(e.cfg.Seed, "llm-draw", in.noise*uint64(e.work.nChunks)+uint64(c))
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
	buf := e.work.parts[c].noiseBlock()
	return &noiseDraw{src: e.noiseSource(in, c), beh: in.beh, f: buf, next: len(buf)}
}

// noiseDraw is a chunk's noise factors, a block at a time.
type noiseDraw struct {
	src  *rng.SplitMix
	beh  agents.Behavior
	f    []float64 // the block
	next int       // its next factor; len(f) when it is used up
}

// factor is the next worker's noise factor.
func (d *noiseDraw) factor() float64 {
	if d.next == len(d.f) {
		rng.Normals(d.f, d.src)
		d.beh.NoiseFactors(d.f)
		d.next = 0
	}
	d.next++
	return d.f[d.next-1]
}

// noiseSource is the generator behind noisy workers' stream in chunk c:
// rng.Split of (seed, "noise", round × chunks + chunk).
func (e *Engine) noiseSource(in *roundIn, c int) *rng.SplitMix {
	return rng.Split(e.cfg.Seed, "noise", in.noise*uint64(e.work.nChunks)+uint64(c))
}
