package scenario

import "fmt"

// Bytes a worker takes, by part: the population's slices and the buffers
// each kind of run adds (a κ per worker, the production market's, a
// model-based planner's scratch rounds, the votes). The estimate adds up
// the parts with some headroom; it exists to refuse a run that cannot fit
// before it allocates, not to predict RSS closely (docs/performance.md
// has the measured peaks).
const (
	bytesPopulation = 64 // skill, potential, hours, income, consumption, utility
	bytesSort       = 24 // the Gini's sort buffers, for incomes out of skill order
	bytesModel      = 56 // the response model's scratch, for planners that ask it
	bytesVote       = 64 // ballots and the candidates' outcomes
	bytesSaver      = 10 // savers' wealth, state and next state
	bytesKappa      = 8  // the calibrated population's κ_i
	bytesBase       = 1 << 26
	// Bytes per point of the households' (state, asset) grid: the policy and
	// its EGM scratch, the histogram and its moves, the warm copies kept
	// between solves. Measured at about 190 (7 states × 10⁵ points, peak RSS
	// 156 MB).
	bytesGridPoint = 256
)

// MemoryEstimate is about how many bytes a run of s needs at its peak: an
// upper estimate from the population size and the parts its kinds use,
// and the households' grid.
func (s *Scenario) MemoryEstimate() uint64 {
	return s.populationBytes() + s.GridBytes()
}

// GridBytes is the part of MemoryEstimate that the households' grid of
// states × asset points takes (0 without households).
func (s *Scenario) GridBytes() uint64 {
	if !s.savers() || s.Agents.GridPoints == nil || s.Population.Productivity == nil {
		return 0
	}
	return uint64(s.productivityStates()) * uint64(max(*s.Agents.GridPoints, 0)) * bytesGridPoint
}

// productivityStates is the households' number of productivity states (0
// without households).
func (s *Scenario) productivityStates() int {
	p := s.Population.Productivity
	if !s.savers() || p == nil {
		return 0
	}
	if p.Process == "ar1" && p.States != nil {
		return max(*p.States, 0)
	}
	return len(p.Levels)
}

func (s *Scenario) populationBytes() uint64 {
	per := uint64(bytesPopulation)
	if s.Agents.Behavior != "rational" {
		per += bytesSort
	}
	if s.Population.Skill.Dist == "us_earnings_2024" {
		per += bytesKappa
	}
	pl := &s.Planner
	switch {
	case s.savers(): // no response model; wealth and states
		per += bytesSaver
	case pl.uses("search") || pl.uses("saez") || pl.ReportGap || s.Market.Kind != "fixed_wage":
		per += bytesModel
	}
	if pl.Kind == "vote" {
		per += bytesVote + bytesModel
	}
	return bytesBase + uint64(max(s.Population.Agents, 0))*per
}

// FormatBytes renders a byte count for a person, in binary units.
func FormatBytes(n uint64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	x, i := float64(n), 0
	for x >= unit && i < 6 {
		x /= unit
		i++
	}
	return fmt.Sprintf("%.1f %ciB", x, "KMGTPE"[i-1])
}
