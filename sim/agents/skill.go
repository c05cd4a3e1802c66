package agents

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/econsim/econsim/internal/radix"
	"github.com/econsim/econsim/sim/field"
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
//	us_earnings_2024: no parameters — the calibrated US population
//	           (Calibrate): target earnings (USEarnings2024) over target
//	           hours (USHours2016); the engine also sets each worker's
//	           disutility scale. Draw returns the wages alone.
type SkillDist struct {
	Dist              string
	Mu, Sigma, Alpha  float64
	Min, Max, Nu, Tau float64
	HoursPerYear      float64
	Values            []float64
}

// USEarnings names the calibrated US earnings population.
const USEarnings = "us_earnings_2024"

// GB2Preset returns the named GB2 parameters. "us_acs_2023" is the fit to
// ACS 2023 US incomes used by the LLM Economist (Karten et al. 2025).
func GB2Preset(name string) (mu, sigma, nu, tau float64, err error) {
	if name == "us_acs_2023" {
		return 72402.78, 2.07211, 0.486519, 1.14104, nil
	}
	return 0, 0, 0, 0, fmt.Errorf("unknown gb2 preset %q (known: us_acs_2023)", name)
}

func positive(name string, v float64) error {
	if !(v > 0) || math.IsInf(v, 0) {
		return field.Errorf(name, "must be positive and finite, got %v", v)
	}
	return nil
}

func finite(name string, v float64) error {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return field.Errorf(name, "must be finite, got %v", v)
	}
	return nil
}

// Validate checks the parameters of the chosen distribution; errors are
// field errors naming the field ("Sigma", "Values[2]", …).
func (d SkillDist) Validate() error {
	switch d.Dist {
	case "lognormal":
		if err := finite("Mu", d.Mu); err != nil {
			return err
		}
		return positive("Sigma", d.Sigma)
	case "pareto":
		if err := positive("Alpha", d.Alpha); err != nil {
			return err
		}
		return positive("Min", d.Min)
	case "uniform":
		if err := finite("Min", d.Min); err != nil {
			return err
		}
		if err := finite("Max", d.Max); err != nil {
			return err
		}
		if d.Min < 0 || d.Max <= d.Min {
			return field.Errorf("Max", "must be above min ≥ 0, got min %v, max %v", d.Min, d.Max)
		}
	case "values":
		if len(d.Values) == 0 {
			return field.Errorf("Values", "must list at least one skill")
		}
		for i, v := range d.Values {
			if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
				return field.Errorf(fmt.Sprintf("Values[%d]", i), "must be a finite, non-negative wage, got %v", v)
			}
		}
	case "us_occupations":
		return positive("HoursPerYear", d.HoursPerYear)
	case USEarnings:
	case "gb2":
		for _, p := range []struct {
			k string
			v float64
		}{{"Mu", d.Mu}, {"Sigma", d.Sigma}, {"Nu", d.Nu}, {"Tau", d.Tau}, {"HoursPerYear", d.HoursPerYear}} {
			if err := positive(p.k, p.v); err != nil {
				return err
			}
		}
	default:
		return field.Errorf("Dist", "unknown dist %q (want lognormal, pareto, uniform, values, gb2, us_occupations or us_earnings_2024)", d.Dist)
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
	if d.Dist == USEarnings { // wages only: the calibration is the engine's
		t, h := USEarnings2024(), USHours2016()
		x := make([]float64, n)
		for i := range x {
			q := (float64(i) + r.Float64()) / float64(n)
			x[i] = t.Quantile(q) / h.Hours(q)
		}
		return x, nil, nil
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
	radix.Floats(x, make([]float64, n)) // linear, where slices.Sort dominates a large set-up (BenchmarkNew)
	return x
}
