package household

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"strings"
	"testing"

	"github.com/econsim/econsim/internal/testenv"
	"github.com/econsim/econsim/sim/field"
	"github.com/econsim/econsim/sim/tax"
	"golang.org/x/sync/errgroup"
)

var noTax = TaxPolicy{Labor: tax.MustNew([]float64{0}, []float64{0}, tax.DefaultBounds)}

// tableII is Aiyagari (1994), Table II: the net return to capital in % for
// σ ∈ {0.2, 0.4}, ρ ∈ {0, 0.3, 0.6, 0.9}, μ ∈ {1, 3, 5}, transcribed from
// the paper. Its saving rates are δα/(r + δ) of these (the model's
// identity), so r is what is compared.
var tableII = []struct {
	sigma, rho float64
	r          [3]float64 // μ = 1, 3, 5
}{
	{0.2, 0, [3]float64{4.1666, 4.1456, 4.1172}},
	{0.2, 0.3, [3]float64{4.1365, 4.0432, 3.9305}},
	{0.2, 0.6, [3]float64{4.0912, 3.8767, 3.6386}},
	{0.2, 0.9, [3]float64{3.9305, 3.2903, 2.5969}},
	{0.4, 0, [3]float64{4.0649, 3.7816, 3.4188}},
	{0.4, 0.3, [3]float64{3.9554, 3.4229, 2.8318}},
	{0.4, 0.6, [3]float64{3.7567, 2.7314, 1.7526}},
	{0.4, 0.9, [3]float64{3.3054, 1.2894, -0.3456}},
}

// tableIITolerance is how far (percentage points) a cell may be from the
// published r. Ours differ by −0.11 to +0.26 pp, most where σ = 0.4 and ρ ≥
// 0.6: how the AR(1) is discretised moves r by as much (the Rouwenhorst
// column moves it up to 0.8 pp), and the 1994 paper's asset grid and
// simulation were coarser (docs/households.md).
const tableIITolerance = 0.35

// TestAiyagariTableII solves every cell of Table II and checks it against
// the published rate (within tableIITolerance) and the published pattern: r
// falls with risk aversion, persistence and dispersion. Run with -v for the
// table in docs/households.md.
func TestAiyagariTableII(t *testing.T) {
	testenv.SkipUnlessLong(t, "24 stationary equilibria take about 15 s")
	var table strings.Builder
	fmt.Fprintln(&table, "| σ | ρ | μ | Aiyagari r % | econsim r % (Tauchen) | difference pp | econsim r % (Rouwenhorst) | econsim saving rate % | wealth Gini |")
	fmt.Fprintln(&table, "|---|---|---|---|---|---|---|---|---|")
	type cell struct{ st, ro *Stationary }
	cells := make([]cell, 3*len(tableII))
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i := range cells {
		row, mu := tableII[i/3], []float64{1, 3, 5}[i%3]
		g.Go(func() error {
			st, err := SolveStationary(context.Background(), Aiyagari(mu, row.rho, row.sigma, "tauchen"), AiyagariMarket, noTax, true)
			if err != nil {
				return fmt.Errorf("σ %v ρ %v μ %v: %w", row.sigma, row.rho, mu, err)
			}
			ro, err := SolveStationary(context.Background(), Aiyagari(mu, row.rho, row.sigma, "rouwenhorst"), AiyagariMarket, noTax, true)
			if err != nil {
				return fmt.Errorf("σ %v ρ %v μ %v (Rouwenhorst): %w", row.sigma, row.rho, mu, err)
			}
			cells[i] = cell{st, ro}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
	ours := map[[3]float64]float64{}
	for i, row := range tableII {
		for k, mu := range []float64{1, 3, 5} {
			st, ro := cells[3*i+k].st, cells[3*i+k].ro
			r := 100 * st.Market.Rate
			ours[[3]float64{row.sigma, row.rho, mu}] = r
			if d := r - row.r[k]; math.Abs(d) > tableIITolerance {
				t.Errorf("σ %v ρ %v μ %v: r = %.4f%%, published %.4f%% (difference %.3f pp > %v)", row.sigma, row.rho, mu, r, row.r[k], d, tableIITolerance)
			}
			if s := st.SavingRate; math.Abs(s-0.08*0.36/(st.Market.Rate+0.08)) > 1e-9 {
				t.Errorf("σ %v ρ %v μ %v: saving rate %v is not δα/(r+δ)", row.sigma, row.rho, mu, s)
			}
			fmt.Fprintf(&table, "| %v | %v | %v | %.4f | %.4f | %+.3f | %.4f | %.2f | %.3f |\n", row.sigma, row.rho, mu, row.r[k], r, r-row.r[k], 100*ro.Market.Rate, 100*st.SavingRate, st.WealthGini)
		}
	}
	for key, r := range ours { // the published pattern
		sigma, rho, mu := key[0], key[1], key[2]
		for _, lower := range [][3]float64{{sigma, rho, mu + 2}, {sigma, rho + 0.3, mu}, {sigma + 0.2, rho, mu}} {
			if rl, ok := ours[lower]; ok && !(rl < r) {
				t.Errorf("r(σ %v ρ %v μ %v) = %.4f is not below r(σ %v ρ %v μ %v) = %.4f", lower[0], lower[1], lower[2], rl, sigma, rho, mu, r)
			}
		}
	}
	t.Log("\n" + table.String())
}

// TestGridConverged: doubling the asset grid's points moves r by less than
// 1e-4 (the test of a converged grid), in the benchmark and in the
// most persistent, most risk-averse cell.
func TestGridConverged(t *testing.T) {
	testenv.SkipUnlessLong(t, "four stationary equilibria")
	for _, h := range []*Config{Aiyagari(3, 0.6, 0.4, "tauchen"), Aiyagari(5, 0.9, 0.4, "tauchen")} {
		var r [2]float64
		for k, points := range []int{500, 1000} {
			h.Saver.GridPoints = points
			st, err := SolveStationary(context.Background(), h, AiyagariMarket, noTax, true)
			if err != nil {
				t.Fatal(err)
			}
			r[k] = st.Market.Rate
		}
		if d := math.Abs(r[0] - r[1]); d > 1e-4 {
			t.Errorf("μ %v ρ %v: r %.7f on 500 points, %.7f on 1000: differ by %.2g > 1e-4", h.Saver.RiskAversion, h.Productivity.Rho, r[0], r[1], d)
		}
	}
}

// TestCompleteMarketsLimit: as productivity risk vanishes, precautionary
// saving does too and r rises to 1/β − 1 (Aiyagari 1994, Section II): the
// gap 1/β − 1 − r shrinks with σ (about as σ², the precautionary motive's
// order), and is below 3e-4 at σ = 0.1.
func TestCompleteMarketsLimit(t *testing.T) {
	testenv.SkipUnlessLong(t, "three stationary equilibria")
	rcm := 1/0.96 - 1
	prev := math.Inf(1)
	for _, sigma := range []float64{0.4, 0.2, 0.1} {
		st, err := SolveStationary(context.Background(), Aiyagari(3, 0, sigma, "tauchen"), AiyagariMarket, noTax, true)
		if err != nil {
			t.Fatal(err)
		}
		gap := rcm - st.Market.Rate
		if !(gap > 0 && gap < prev) {
			t.Errorf("σ %v: 1/β − 1 − r = %.3g, want positive and below %.3g (σ larger)", sigma, gap, prev)
		}
		prev = gap
		t.Logf("σ %v: r = %.6f, gap %.3g", sigma, st.Market.Rate, gap)
	}
	if prev > 3e-4 {
		t.Errorf("σ 0.1: gap %.3g, want < 3e-4", prev)
	}
}

// TestStationaryErrors: input that has no equilibrium says so.
func TestStationaryErrors(t *testing.T) {
	h := Aiyagari(3, 0.6, 0.4, "tauchen")
	h.Saver.GridMax = 2 // far too low: the distribution piles up at the top
	if _, err := SolveStationary(context.Background(), h, AiyagariMarket, noTax, true); err == nil || !strings.Contains(err.Error(), "grid") {
		t.Errorf("grid_max 2: error %v, want one naming the grid", err)
	}
	h = Aiyagari(3, 0.6, 0.4, "tauchen")
	h.Productivity.Transition = [][]float64{{1, 0}, {0, 1}}
	h.Productivity.Process, h.Productivity.Levels = "markov", []float64{1, 2}
	if _, err := SolveStationary(context.Background(), h, AiyagariMarket, noTax, true); err == nil || !strings.Contains(err.Error(), "stationary distribution") {
		t.Errorf("a reducible chain: error %v, want one about its stationary distribution", err)
	}
}

// TestUserGridChecked: a grid top the user sets far above where households
// hold wealth (1e6 for a mean of about 6, with 500 cubic points) bent r
// from 2.9% to 2.58% with no other sign; the solve now checks a user's
// grid on twice the points and refuses it, at Saver.GridMax. A sensible top
// (200) passes and agrees with the automatic grid within the check's
// tolerance.
func TestUserGridChecked(t *testing.T) {
	if testing.Short() {
		t.Skip("three stationary solves (serial code: nothing for the race detector)")
	}
	auto, err := SolveStationary(context.Background(), Aiyagari(3, 0.6, 0.4, "tauchen"), AiyagariMarket, noTax, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		top float64
		ok  bool
	}{{200, true}, {1e6, false}} {
		h := Aiyagari(3, 0.6, 0.4, "tauchen")
		h.Saver.GridMax = c.top
		st, err := SolveStationary(context.Background(), h, AiyagariMarket, noTax, true)
		var fe *field.Error
		switch {
		case c.ok && err != nil:
			t.Errorf("top %v: %v", c.top, err)
		case c.ok && math.Abs(st.Market.Rate-auto.Market.Rate) > gridRateTolerance:
			t.Errorf("top %v: r %v, automatic grid %v", c.top, st.Market.Rate, auto.Market.Rate)
		case !c.ok && (!errors.As(err, &fe) || fe.Name != "Saver.GridMax"):
			t.Errorf("top %v: error %v, want one at Saver.GridMax", c.top, err)
		}
	}
}

// TestNoEquilibriumSaysWhy: a negative transfer that leaves households at
// the borrowing limit nothing is blamed on the negative revenue, not on the
// limit; households that save nothing are not told to raise the grid.
func TestNoEquilibriumSaysWhy(t *testing.T) {
	subsidy := noTax
	subsidy.Labor = tax.MustNew([]float64{0}, []float64{-0.9}, tax.Bounds{Min: -1, Max: 1})
	_, err := SolveStationary(context.Background(), Aiyagari(3, 0.6, 0.4, "tauchen"), AiyagariMarket, subsidy, true)
	if err == nil || !strings.Contains(err.Error(), "tax revenue is negative") || strings.Contains(err.Error(), "beyond what income can repay") {
		t.Errorf("subsidy: %v", err)
	}
	h := Aiyagari(3, 0.6, 0.4, "tauchen")
	h.Saver.Saving, h.Saver.Share = "fixed_rate", 0
	_, err = SolveStationary(context.Background(), h, AiyagariMarket, noTax, true)
	if err == nil || !strings.Contains(err.Error(), "is not what limits them") || strings.Contains(err.Error(), "may be too low") {
		t.Errorf("no saving: %v", err)
	}
}

// TestEulerErrorWhereHeld: the Euler error weighted by where households
// are tracks the answer's accuracy: on Aiyagari's benchmark with the
// automatic grid it is below −5 (r within 4e-5 of a 5,000-point grid's),
// and with 500 points up to a top of 1e6 (r off by 3e-3) above −4 — where
// the mean over the grid's knots improved instead (−6.7 to −8.7).
func TestEulerErrorWhereHeld(t *testing.T) {
	if testing.Short() {
		t.Skip("two stationary solves (serial code: nothing for the race detector)")
	}
	for _, c := range []struct {
		top    float64
		lo, hi float64
	}{{0, math.Inf(-1), -5}, {1e6, -4, 0}} {
		h := Aiyagari(3, 0.6, 0.4, "tauchen")
		h.Saver.GridMax = c.top
		st, err := SolveFrom(context.Background(), h, AiyagariMarket, noTax, true, nil, Planning)
		if err != nil {
			t.Fatal(err)
		}
		if st.EulerError < c.lo || st.EulerError > c.hi {
			t.Errorf("top %v: Euler error %.2f where households are, want in [%v, %v]", c.top, st.EulerError, c.lo, c.hi)
		}
	}
}
