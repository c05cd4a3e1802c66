package household

import (
	"context"
	"errors"
	"math"

	"github.com/econsim/econsim/sim/agents"
	"github.com/econsim/econsim/sim/field"
	"golang.org/x/sync/errgroup"
)

// Patience is a permanent type of household: its discount factor and its
// share of households.
type Patience struct {
	Discount, Share float64
}

// MaxPatienceTypes bounds the patience types: a household's type is kept
// in a byte, and each type costs a solve.
const MaxPatienceTypes = 64

// shareTolerance is how far the types' shares may sum from 1.
const shareTolerance = 1e-9

// UniformPatience returns n types of equal mass at the midpoints of n equal
// bins of [center − spread, center + spread] (Carroll, Slacalek, Tokuoka
// and White 2017): center + spread·(2j − 1 − n)/n for j = 1 … n.
func UniformPatience(center, spread float64, n int) []Patience {
	out := make([]Patience, n)
	for j := range out {
		out[j] = Patience{Discount: center + spread*float64(2*(j+1)-1-n)/float64(n), Share: 1 / float64(n)}
	}
	return out
}

// validatePatience checks the types: discounts in (0, 1), positive shares
// summing to 1, for optimal savers with adaptive expectations.
func (h *Config) validatePatience() []error {
	if len(h.Patience) == 0 {
		return nil
	}
	var errs []error
	if len(h.Patience) > MaxPatienceTypes {
		errs = append(errs, field.Errorf("Patience", "has %d types, more than %d", len(h.Patience), MaxPatienceTypes))
	}
	sum := 0.0
	for _, t := range h.Patience {
		if !(t.Discount > 0 && t.Discount < 1) {
			errs = append(errs, field.Errorf("Patience", "every discount factor must be in (0, 1), got %v", t.Discount))
			break
		}
		if !(t.Share > 0) || math.IsInf(t.Share, 0) {
			errs = append(errs, field.Errorf("Patience", "every share must be positive, got %v", t.Share))
			break
		}
		sum += t.Share
	}
	if len(errs) == 0 && math.Abs(sum-1) > shareTolerance {
		errs = append(errs, field.Errorf("Patience", "the shares sum to %.12g, not 1", sum))
	}
	if len(h.Patience) > 1 {
		if h.Saver.Saving != "" && h.Saver.Saving != agents.SaveOptimal {
			errs = append(errs, field.Errorf("Patience", "discount factors that differ are for optimal savers, not %q (a rule of thumb does not discount)", h.Saver.Saving))
		}
		if h.Expectations == PerfectForesight {
			errs = append(errs, field.Errorf("Expectations", "a transition with several patience types is not solved yet: set it to %q", Adaptive))
		}
	}
	return errs
}

// Types returns the households' patience types: Patience, or one type of
// Saver.Discount.
func (h *Config) Types() []Patience {
	if len(h.Patience) > 1 {
		return h.Patience
	}
	return []Patience{{Discount: h.Saver.Discount, Share: 1}}
}

// Typed reports whether households differ in patience.
func (h *Config) Typed() bool { return len(h.Patience) > 1 }

// TypeEquilibrium is one patience type's part of a stationary equilibrium.
type TypeEquilibrium struct {
	Patience
	Policy     *agents.Policy
	Histogram  *agents.Histogram // the type's own distribution (mass 1)
	Capital    float64           // the type's mean wealth
	Revenue    Revenue           // per household of the type
	EulerError float64           // mean log10 |Euler-equation error| where the type's households are
	eff, hours float64           // efficiency labour and mean hours (elastic hours)
}

// atTypes is supplier.at for households of several patience types at
// budget b: each type's policy and distribution solved side by side, warm
// from the last evaluation's, and their total supply of capital and
// revenue; sp.st gets the mixture of their distributions.
func (sp *supplier) atTypes(ctx context.Context, b *agents.Budget, labor float64) (supply float64, rv Revenue, err error) {
	types := sp.hh.Types()
	if len(sp.types) != len(types) {
		sp.types = make([]TypeEquilibrium, len(types))
	}
	var g errgroup.Group
	for j, t := range types {
		g.Go(func() error {
			sv := *sp.sv
			sv.Discount = t.Discount
			te := &sp.types[j]
			pl, err := sv.Solve(ctx, sp.ch, b, sp.g, te.Policy, sp.tol.policy)
			if err != nil {
				return err
			}
			hs, err := agents.Stationary(ctx, sp.ch, pl, b, sp.g, te.Histogram, sp.tol.histogram)
			if err != nil {
				return err
			}
			te.Patience, te.Policy, te.Histogram, te.Capital = t, pl, hs, hs.Mean()
			te.Revenue = HistogramRevenue(hs, pl, b, sp.p)
			te.Revenue.Labor = labor
			if b.Labor != nil {
				te.Revenue.Labor, te.eff, te.hours = HistogramLabor(hs, pl, b, sp.ch)
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return 0, rv, err
	}
	mix := make([]float64, len(sp.types[0].Histogram.Mass))
	eff, hours := 0.0, 0.0
	for _, te := range sp.types { // in the types' order: the sums do not depend on the goroutines
		s := te.Share
		for k, x := range te.Histogram.Mass {
			mix[k] += s * x
		}
		supply += s * te.Capital
		rv.Labor += s * te.Revenue.Labor
		rv.Capital += s * te.Revenue.Capital
		rv.Wealth += s * te.Revenue.Wealth
		rv.Consumption += s * te.Revenue.Consumption
		eff += s * te.eff
		hours += s * te.hours
	}
	if b.Labor != nil {
		sp.labor, sp.st.HoursMean = eff, hours
		supply /= eff
	}
	sp.st.Histogram = &agents.Histogram{Mass: mix, Grid: sp.g}
	sp.st.Types = append(sp.st.Types[:0], sp.types...)
	return supply, rv, nil
}

// typesEulerError is the types' Euler errors, each where its households
// are, weighted by their shares.
func (st *Stationary) typesEulerError(sv *agents.Saver) float64 {
	e := 0.0
	for j := range st.Types {
		te := &st.Types[j]
		s := *sv
		s.Discount = te.Discount
		te.EulerError = s.EulerErrorWhereHeld(st.Chain, te.Policy, &st.Budget, te.Histogram)
		e += te.Share * te.EulerError
	}
	return e
}

// errTyped is returned by what is not solved for several patience types.
var errTyped = errors.New("not solved yet for households of several patience types")
