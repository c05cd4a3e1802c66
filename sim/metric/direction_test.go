package metric

import "testing"

// TestSign: the metrics where lower is better are minimised, the others
// maximised; every metric has one direction.
func TestSign(t *testing.T) {
	for name, want := range map[string]float64{
		"equality": 1, "welfare_rawls": 1, "utilitarian": 1, "gini_post": -1, "theil": -1, "wealth_gini": -1,
		"br_regret_max": -1, "revenue": 1, "interest_rate": 1, "no_such_metric": 1,
	} {
		if got := Sign(name); got != want {
			t.Errorf("Sign(%s) = %v, want %v", name, got, want)
		}
	}
	if Direction("revenue") != 0 || Direction("gini_pre") != -1 || Direction("productivity") != 1 {
		t.Error("directions of revenue, gini_pre, productivity")
	}
}
