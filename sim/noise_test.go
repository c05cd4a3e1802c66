package sim

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/econsim/econsim/sim/agents"
	"github.com/econsim/econsim/sim/welfare"
)

// TestNoiseDraw: the general loop's factors, handed out one at a time
// from blocks, are those Behavior.Choose makes one draw at a time from
// rand.New of the same stream — across block boundaries and for a
// chunk whose workers end mid-block — for σ from 0 to 2.
func TestNoiseDraw(t *testing.T) {
	e := &Engine{cfg: Config{Seed: 9}, work: workspace{nChunks: 4, parts: make([]chunkSums, 4)}}
	for _, sigma := range []float64{0, 0.1, 2} {
		in := &roundIn{noise: 3, beh: agents.Behavior{Kind: agents.Noisy, Noise: sigma}}
		d := e.noiseDraws(in, 2)
		r := rand.New(e.noiseSource(in, 2))
		for i := range 3*welfare.LogBlock + 17 {
			got := d.factor()
			if want := agents.NoisyHours(1, in.beh.NoiseFactor(r), math.Inf(1)); math.Float64bits(got) != math.Float64bits(want) {
				t.Fatalf("σ=%v, worker %d: factor %v, one draw at a time %v", sigma, i, got, want)
			}
		}
	}
	if e.noiseDraws(&roundIn{beh: agents.Behavior{Kind: agents.Adaptive}}, 0) != nil || e.work.parts[0].noise != nil {
		t.Error("draws, or their scratch, for adaptive workers")
	}
}
