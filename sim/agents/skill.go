package agents

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/stat/distuv"
)

// SkillDist is a distribution of skills (wages in currency units per hour).
// Which fields apply depends on Dist:
//
//	lognormal: Mu, Sigma        — exp(Mu + Sigma·N(0,1))
//	pareto:    Alpha, Min       — Min·U^(−1/Alpha), the Pareto type I
//	uniform:   Min, Max         — U(Min, Max)
//	values:    Values           — agent i gets Values[i mod len(Values)]
//	gb2:       Mu, Sigma, Nu, Tau, HoursPerYear — the generalised beta of the
//	           second kind in the GAMLSS parameterisation: annual income
//	           q = Mu·((Nu/Tau)·W)^(1/Sigma) with W ~ F(2·Nu, 2·Tau), and the
//	           hourly skill q / HoursPerYear (default 2080 = 52 × 40).
//	us_occupations: HoursPerYear — US personas (SamplePersonas): occupation
//	           by employment, annual wage within the occupation's quantiles,
//	           divided by HoursPerYear.
type SkillDist struct {
	Dist              string
	Mu, Sigma, Alpha  float64
	Min, Max, Nu, Tau float64
	HoursPerYear      float64
	Values            []float64
}

// GB2Preset returns the named GB2 parameters. "us_acs_2023" is the fit to
// ACS 2023 US incomes used by the LLM Economist (Karten et al. 2025).
func GB2Preset(name string) (mu, sigma, nu, tau float64, err error) {
	if name == "us_acs_2023" {
		return 72402.78, 2.07211, 0.486519, 1.14104, nil
	}
	return 0, 0, 0, 0, fmt.Errorf("unknown gb2 preset %q (known: us_acs_2023)", name)
}

func positive(key string, v float64) error {
	if !(v > 0) || math.IsInf(v, 0) {
		return fmt.Errorf("%s must be positive and finite, got %v", key, v)
	}
	return nil
}

func finite(key string, v float64) error {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return fmt.Errorf("%s must be finite, got %v", key, v)
	}
	return nil
}

// Validate checks the parameters of the chosen distribution. Errors name the
// key relative to the skill table ("sigma", "values[2]", …).
func (d SkillDist) Validate() error {
	switch d.Dist {
	case "lognormal":
		if err := finite("mu", d.Mu); err != nil {
			return err
		}
		return positive("sigma", d.Sigma)
	case "pareto":
		if err := positive("alpha", d.Alpha); err != nil {
			return err
		}
		return positive("min", d.Min)
	case "uniform":
		if err := finite("min", d.Min); err != nil {
			return err
		}
		if err := finite("max", d.Max); err != nil {
			return err
		}
		if d.Min < 0 || d.Max <= d.Min {
			return fmt.Errorf("min and max must satisfy 0 ≤ min < max, got min %v, max %v", d.Min, d.Max)
		}
	case "values":
		if len(d.Values) == 0 {
			return fmt.Errorf("values must list at least one skill")
		}
		for i, v := range d.Values {
			if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
				return fmt.Errorf("values[%d] must be a finite, non-negative wage, got %v", i, v)
			}
		}
	case "us_occupations":
		return positive("hours_per_year", d.HoursPerYear)
	case "gb2":
		for _, p := range []struct {
			k string
			v float64
		}{{"mu", d.Mu}, {"sigma", d.Sigma}, {"nu", d.Nu}, {"tau", d.Tau}, {"hours_per_year", d.HoursPerYear}} {
			if err := positive(p.k, p.v); err != nil {
				return err
			}
		}
	default:
		return fmt.Errorf("unknown dist %q (want lognormal, pareto, uniform, values, gb2 or us_occupations)", d.Dist)
	}
	return nil
}

// Draw draws n workers from r: their skills sorted in ascending order (the
// population's storage order) and, for "us_occupations", each one's
// occupation and age (nil otherwise). "values" draws nothing.
func (d SkillDist) Draw(n int, r *rand.Rand) (skill []float64, occupation, age []uint8) {
	if d.Dist == "us_occupations" {
		return SamplePersonas(n, d.HoursPerYear, r)
	}
	return d.sample(n, r), nil, nil
}

// Sample is the skills of Draw.
func (d SkillDist) Sample(n int, r *rand.Rand) []float64 {
	x, _, _ := d.Draw(n, r)
	return x
}

// sample draws the skills of the distributions without personas.
func (d SkillDist) sample(n int, r *rand.Rand) []float64 {
	x := make([]float64, n)
	switch d.Dist {
	case "lognormal":
		for i := range x {
			x[i] = math.Exp(d.Mu + d.Sigma*r.NormFloat64())
		}
	case "pareto":
		for i := range x {
			x[i] = d.Min * math.Pow(1-r.Float64(), -1/d.Alpha)
		}
	case "uniform":
		for i := range x {
			x[i] = d.Min + (d.Max-d.Min)*r.Float64()
		}
	case "values":
		for i := range x {
			x[i] = d.Values[i%len(d.Values)]
		}
	case "gb2":
		f := distuv.F{D1: 2 * d.Nu, D2: 2 * d.Tau, Src: r}
		for i := range x {
			x[i] = d.Mu * math.Pow(d.Nu/d.Tau*f.Rand(), 1/d.Sigma) / d.HoursPerYear
		}
	default:
		panic("agents: Sample of unvalidated distribution " + d.Dist)
	}
	slices.Sort(x)
	return x
}
