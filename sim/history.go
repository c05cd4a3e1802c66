package sim

import (
	"math"
	"strings"
)

var _ Recorder = (*History)(nil)

// History is a Recorder that keeps the statistics of a run its summary
// reports: the last round, the mean over the last tax period, and when the
// objective and the rates settled (ConvergedRound).
type History struct {
	names []string
	from  int // first round of the last tax period
	last  []float64
	sums  []float64
	nSum  int
	n     int
	// The objective and rates of every round, for ConvergedRound.
	track  []int       // column indices of "objective" and "rate_*"
	traces [][]float64 // traces[r] = the tracked values of round r
}

// NewHistory starts the history of a run of the given rounds and tax
// period, whose rounds have the given columns (Engine.Columns). The last
// tax period starts at round ⌊(rounds − 1)/period⌋·period.
func NewHistory(rounds, period int, columns []string) *History {
	h := &History{names: columns, from: (rounds - 1) / period * period, sums: make([]float64, len(columns))}
	for i, n := range columns {
		if n == "objective" || strings.HasPrefix(n, "rate_") {
			h.track = append(h.track, i)
		}
	}
	return h
}

// Record implements Recorder.
func (h *History) Record(s *RoundStats) error {
	v := s.Values()
	h.last = v
	tr := make([]float64, len(h.track))
	for j, i := range h.track {
		tr[j] = v[i]
	}
	h.traces = append(h.traces, tr)
	if s.Round >= h.from {
		for i, x := range v {
			h.sums[i] += x
		}
		h.nSum++
	}
	h.n++
	return nil
}

// Rounds returns the number of rounds recorded.
func (h *History) Rounds() int { return h.n }

// Convergence tolerances of ConvergedRound.
const (
	ObjectiveTolerance = 1e-3 // relative to the final objective's magnitude
	RateTolerance      = 1e-3 // absolute, per marginal rate
)

// ConvergedRound returns the first round from which the objective stayed
// within ObjectiveTolerance (relative) and every rate within RateTolerance of
// their final values until the end. It is the last round when nothing
// settled, and -1 when no round was recorded.
func (h *History) ConvergedRound() int {
	if len(h.traces) == 0 {
		return -1
	}
	final := h.traces[len(h.traces)-1]
	within := func(tr []float64) bool {
		for j, i := range h.track {
			tol := RateTolerance
			if h.names[i] == "objective" {
				tol = ObjectiveTolerance * math.Abs(final[j])
			}
			if !(math.Abs(tr[j]-final[j]) <= tol) {
				return false
			}
		}
		return true
	}
	t := len(h.traces) - 1
	for t > 0 && within(h.traces[t-1]) {
		t--
	}
	return t
}

// Final maps each column to its value in the last recorded round.
func (h *History) Final() map[string]float64 {
	m := map[string]float64{}
	for i, n := range h.names {
		if h.last != nil {
			m[n] = h.last[i]
		}
	}
	return m
}

// MeanLastPeriod maps each column to its mean over the recorded rounds of
// the last tax period.
func (h *History) MeanLastPeriod() map[string]float64 {
	m := map[string]float64{}
	if h.nSum == 0 {
		return m
	}
	for i, n := range h.names {
		m[n] = h.sums[i] / float64(h.nSum)
	}
	return m
}
