package household

import (
	"context"
	"testing"
)

// BenchmarkStationary is the stationary equilibrium of Aiyagari's benchmark
// (7 states × 500 grid points, r to 1e-9).
func BenchmarkStationary(b *testing.B) {
	h := Aiyagari(3, 0.6, 0.4, "tauchen")
	for b.Loop() {
		if _, err := SolveStationary(context.Background(), h, AiyagariMarket, noTax, true); err != nil {
			b.Fatal(err)
		}
	}
}
