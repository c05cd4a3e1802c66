package tax

import "testing"

func TestDescriptions(t *testing.T) {
	s := MustNew([]float64{0, 11600, 47150}, []float64{0.1, 0.12, 0.2234}, DefaultBounds)
	for _, c := range []struct{ got, want string }{
		{s.String(), "0+ 10% · 11,600+ 12% · 47,150+ 22.34%"},
		{s.Prose(), "10% of income up to $11,600; 12% of income from $11,600 to $47,150; 22.3% of income above $47,150"},
		{MustNew([]float64{0}, []float64{0.3}, DefaultBounds).Prose(), "a flat 30% of all income"},
		{Describe([]float64{0, 9.7, 39.475}, []float64{0.1, 0.12, 0.22}), "0+ 10% · 9.7+ 12% · 39+ 22%"},
		{FormatRates([]float64{0.1, 0.12345}), "[0.100, 0.123]"},
		{Money(1234567.4), "1,234,567"},
		{Money(-1000), "-1,000"},
		{Money(999), "999"},
		{Money(0.4), "0"},
		{Amount(2.345), "2.35"},
		{Amount(-12.6), "-13"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}
