package sim

import "testing"

// TestHistoryLastPeriod: five rounds, period 3 → the last period starts at
// ⌊(5−1)/3⌋·3 = 3: rounds 3 and 4, productivity 30 and 40, mean 35.
func TestHistoryLastPeriod(t *testing.T) {
	h := NewHistory(5, 3, MetricNames(1))
	for i := range 5 {
		h.Record(&RoundStats{Round: i, Productivity: float64(10 * i), Rates: []float64{0.25}})
	}
	if got := h.MeanLastPeriod()["productivity"]; got != 35 {
		t.Errorf("mean over rounds 3 and 4 = %v, want 35", got)
	}
	if got := h.Final()["productivity"]; got != 40 || h.Rounds() != 5 {
		t.Errorf("final = %v after %d rounds, want 40 after 5", got, h.Rounds())
	}
	if len(NewHistory(5, 3, MetricNames(1)).MeanLastPeriod()) != 0 {
		t.Error("an empty history has a last-period mean")
	}
}

// TestConvergedRound: objective 10, 12, 11, 11.005, 11.004 with a rate that
// last moves at round 2 → the tail from round 2 is within 1e-3 relative of
// 11.004, so the answer is 2; a rate moving at round 4 makes it 4.
func TestConvergedRound(t *testing.T) {
	for _, c := range []struct {
		rates []float64
		want  int
	}{
		{[]float64{0.1, 0.2, 0.3, 0.3, 0.3}, 2},
		{[]float64{0.3, 0.3, 0.3, 0.3, 0.31}, 4},
	} {
		h := NewHistory(5, 1, MetricNames(1))
		for i, obj := range []float64{10, 12, 11, 11.005, 11.004} {
			h.Record(&RoundStats{Round: i, Objective: obj, Rates: []float64{c.rates[i]}})
		}
		if got := h.ConvergedRound(); got != c.want {
			t.Errorf("rates %v: converged round %d, want %d", c.rates, got, c.want)
		}
	}
	if NewHistory(5, 1, MetricNames(1)).ConvergedRound() != -1 {
		t.Error("an empty history converged")
	}
}
