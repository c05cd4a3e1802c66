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
}

// WriteAgents writes dir/agents.csv: the final round of min(N, AgentSample)
// workers taken at evenly spaced ids i = ⌊(j + ½)·N/M⌋ — since workers are
// stored in order of skill, an exact quantile sample of skill — with their
// skill, hours, income, consumption and utility.
func WriteAgents(dir string, a Agents) error {
	skill, hours, income, cons, util := a.Skill, a.Hours, a.Income, a.Consumption, a.Utility
	n := len(skill)
	m := min(n, AgentSample)
	var b bytes.Buffer
	b.WriteString("id,skill,hours,income,consumption,utility\n")
	f := func(x float64) { b.WriteByte(','); b.WriteString(strconv.FormatFloat(x, 'g', -1, 64)) }
	for j := range m {
		i := int((float64(j) + 0.5) * float64(n) / float64(m))
		b.WriteString(strconv.Itoa(i))
		f(skill[i])
		f(hours[i])
		f(income[i])
		f(cons[i])
		f(util[i])
		b.WriteByte('\n')
	}
	return WriteFile(filepath.Join(dir, AgentsFile), b.Bytes())
}
