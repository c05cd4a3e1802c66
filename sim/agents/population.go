package agents

// Population is the workers as a struct of arrays: one slice per attribute,
// all of length N, indexed by agent id. Agents are stored in ascending order
// of potential: of skill, unless each has its own disutility scale (a
// calibrated population, in the order of its target earnings). Slices are
// owned by the engine; read them between rounds only.
type Population struct {
	Skill     []float64 // wage, currency units per hour
	Potential []float64 // cache of Skill^(1+e)·(κ/κ_i)^e (see Utility.Potential, Response.ChoiceK)
	// Kappa is each worker's disutility scale κ_i, for a calibrated
	// population (8 bytes a worker); nil when every worker has the
	// utility's κ.
	Kappa       []float64
	Hours       []float64 // hours worked this round
	Income      []float64 // pre-tax income z this round
	Consumption []float64 // c = z − Tax(z) + transfer this round
	Utility     []float64 // u(c, l) this round

	// Households that save only (nil otherwise): wealth at the start of the
	// round (currency units; at the end of a round, what it carries into the
	// next) and the productivity state, an index into the chain's levels.
	Wealth []float64
	State  []uint8

	// Personas, for skill dist us_occupations only (nil otherwise): index
	// into Occupations() and age in years.
	Occupation []uint8
	Age        []uint8
}

// NewPopulation returns a population with the given skills (sorted ascending,
// not copied) and potentials computed for u. Hours start at zero.
func NewPopulation(skill []float64, u *Utility) *Population {
	n := len(skill)
	p := &Population{
		Skill:       skill,
		Potential:   make([]float64, n),
		Hours:       make([]float64, n),
		Income:      make([]float64, n),
		Consumption: make([]float64, n),
		Utility:     make([]float64, n),
	}
	for i, w := range skill {
		p.Potential[i] = u.Potential(w)
	}
	return p
}

// Population returns the calibrated workers as a population (taking c's
// slices, not copying them). Hours start at zero.
func (c Calibrated) Population() *Population {
	n := len(c.Skill)
	return &Population{
		Skill:       c.Skill,
		Potential:   c.Potential,
		Kappa:       c.Kappa,
		Hours:       make([]float64, n),
		Income:      make([]float64, n),
		Consumption: make([]float64, n),
		Utility:     make([]float64, n),
	}
}

// Len returns N.
func (p *Population) Len() int { return len(p.Skill) }
