package agents

import (
	"errors"
	"fmt"
	"math"

	"github.com/econsim/econsim/sim/field"
)

// UtilityKind names a utility function.
type UtilityKind int

const (
	// Quasilinear is u = c − κ·l^(1+1/e)/(1+1/e): no income effects.
	Quasilinear UtilityKind = iota
	// Isoelastic is u = (c^(1−η) − 1)/(1−η) − κ·l^(1+1/e)/(1+1/e).
	Isoelastic
)

// ConsumptionFloor is the consumption (currency units per round) below which
// the isoelastic utility treats consumption as this floor.
const ConsumptionFloor = 1e-6

// ParseUtilityKind maps a scenario name to a kind.
func ParseUtilityKind(s string) (UtilityKind, error) {
	switch s {
	case "quasilinear":
		return Quasilinear, nil
	case "isoelastic":
		return Isoelastic, nil
	}
	return 0, fmt.Errorf("unknown utility %q (want quasilinear, isoelastic, or crra for savers)", s)
}

func (k UtilityKind) String() string {
	if k == Isoelastic {
		return "isoelastic"
	}
	return "quasilinear"
}

// Utility is a worker's preference over consumption and hours.
type Utility struct {
	Kind       UtilityKind
	Elasticity float64 // e > 0, the (Frisch) elasticity of labour supply
	Kappa      float64 // κ > 0, disutility scale, utility units per hour^(1+1/e)
	Eta        float64 // η ≥ 0, curvature of consumption utility (isoelastic only)

	// Derived, set by Init.
	expo    float64 // 1 + 1/e
	intExpo int     // expo when it is a small integer (e = 1, 1/2, 1/3, 1/4), else 0
}

// Validate checks the parameters; errors are field errors.
func (u Utility) Validate() error {
	var errs []error
	if err := positive("Elasticity", u.Elasticity); err != nil {
		errs = append(errs, err)
	}
	if err := positive("Kappa", u.Kappa); err != nil {
		errs = append(errs, err)
	}
	if u.Kind == Isoelastic && (!(u.Eta >= 0) || math.IsInf(u.Eta, 0)) {
		errs = append(errs, field.Errorf("Eta", "must be non-negative and finite, got %v", u.Eta))
	}
	return errors.Join(errs...)
}

// Init fills derived constants; call it once after setting the fields.
func (u *Utility) Init() {
	u.expo = 1 + 1/u.Elasticity
	u.intExpo = 0
	if r := math.Round(u.expo); r == u.expo && r >= 2 && r <= 5 {
		u.intExpo = int(r)
	}
}

// pow returns l^(1+1/e), multiplying out small integer exponents (the default
// e = 0.5 gives l³), which is several times faster than math.Pow.
func (u *Utility) pow(l float64) float64 {
	switch u.intExpo {
	case 2:
		return l * l
	case 3:
		return l * l * l
	case 4:
		l2 := l * l
		return l2 * l2
	case 5:
		l2 := l * l
		return l2 * l2 * l
	}
	return math.Pow(l, u.expo)
}

// Disutility is κ·l^(1+1/e)/(1+1/e), the utility cost of working l hours.
func (u *Utility) Disutility(l float64) float64 {
	return u.DisutilityK(l, u.Kappa)
}

// DisutilityK is Disutility for a worker with its own scale kappa. The
// default exponent's cube is written out first, so that the function is
// small enough to be inlined (a call in the round's loops makes the
// compiler spill their running sums around it).
func (u *Utility) DisutilityK(l, kappa float64) float64 {
	if u.intExpo == 3 {
		return kappa * (l * l * l) / u.expo
	}
	return u.disutilityPow(l, kappa)
}

// disutilityPow is DisutilityK through pow, kept out of line (go:noinline)
// so that DisutilityK stays small enough to inline.
//
//go:noinline
func (u *Utility) disutilityPow(l, kappa float64) float64 {
	return kappa * u.pow(l) / u.expo
}

// Consumption is the utility of consumption c.
func (u *Utility) Consumption(c float64) float64 {
	if u.Kind == Quasilinear {
		return c
	}
	c = max(c, ConsumptionFloor)
	if u.Eta == 1 {
		return math.Log(c)
	}
	return (math.Pow(c, 1-u.Eta) - 1) / (1 - u.Eta)
}

// Value is u(c, l).
func (u *Utility) Value(c, l float64) float64 {
	return u.Consumption(c) - u.Disutility(l)
}

// ValueK is u(c, l) for a worker with its own disutility scale kappa.
func (u *Utility) ValueK(c, l, kappa float64) float64 {
	return u.Consumption(c) - u.DisutilityK(l, kappa)
}
