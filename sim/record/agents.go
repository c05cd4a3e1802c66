package record

import (
	"bytes"
	"path/filepath"
	"strconv"
)

// AgentsFile holds a sample of the workers at the end of a run.
const AgentsFile = "agents.csv"

// AgentSample is the most rows agents.csv holds.
const AgentSample = 10000

// Agents are the workers' columns agents.csv samples, each by agent id.
type Agents struct {
	Skill, Hours, Income, Consumption, Utility []float64
	// Households that save only (nil otherwise): the wealth each carries out
	// of the last round, and the productivity it earned with in that round.
	Wealth       []float64
	Productivity func(i int) float64
	// Kappa is each worker's disutility scale, for a calibrated population
	// (nil otherwise).
	Kappa []float64
	// CEV is each household's consumption-equivalent gain from a reform it
	// foresaw, from its state and wealth at the announcement (nil without).
	CEV []float64
	// Discount is each household's discount factor, for households of
	// several patience types (nil otherwise).
	Discount func(i int) float64
}

// WriteAgents writes dir/agents.csv: the final round of min(N, AgentSample)
// workers taken at evenly spaced ids i = ⌊(j + ½)·N/M⌋ — since workers are
// stored in order of potential income, an exact quantile sample of it —
// with their skill, hours, income, consumption and utility (and, for
// savers, wealth and productivity; for a calibrated population, kappa;
// after a foreseen reform, cev; with patience types, discount).
func WriteAgents(dir string, a Agents) error {
	skill, hours, income, cons, util := a.Skill, a.Hours, a.Income, a.Consumption, a.Utility
	n := len(skill)
	m := min(n, AgentSample)
	var b bytes.Buffer
	b.WriteString("id,skill,hours,income,consumption,utility")
	if a.Wealth != nil {
		b.WriteString(",wealth,productivity")
	}
	if a.Kappa != nil {
		b.WriteString(",kappa")
	}
	if a.CEV != nil {
		b.WriteString(",cev")
	}
	if a.Discount != nil {
		b.WriteString(",discount")
	}
	b.WriteByte('\n')
	f := func(x float64) { b.WriteByte(','); b.WriteString(strconv.FormatFloat(x, 'g', -1, 64)) }
	for j := range m {
		i := int((float64(j) + 0.5) * float64(n) / float64(m))
		b.WriteString(strconv.Itoa(i))
		f(skill[i])
		f(hours[i])
		f(income[i])
		f(cons[i])
		f(util[i])
		if a.Wealth != nil {
			f(a.Wealth[i])
			f(a.Productivity(i))
		}
		if a.Kappa != nil {
			f(a.Kappa[i])
		}
		if a.CEV != nil {
			f(a.CEV[i])
		}
		if a.Discount != nil {
			f(a.Discount(i))
		}
		b.WriteByte('\n')
	}
	return WriteFile(filepath.Join(dir, AgentsFile), b.Bytes())
}
