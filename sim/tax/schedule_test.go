package tax

import (
	"math"
	"strings"
	"testing"
	"unsafe"
)

func close(a, b, tol float64) bool { return math.Abs(a-b) <= tol*math.Max(1, math.Abs(b)) }

func TestTaxHandTables(t *testing.T) {
	us2024, _ := Preset("us_federal_2024")
	us2018, _ := Preset("us_federal_2018_scaled")
	cases := []struct {
		name    string
		cutoffs []float64
		rates   []float64
		z, want float64
	}{
		// Hand sums of rate × bracket width; the 609,350 figure is the IRS 2024
		// table's "$183,647.25 plus 37% of the excess".
		{"2024 zero", us2024, USFederalRates(), 0, 0},
		{"2024 negative", us2024, USFederalRates(), -5, 0},
		{"2024 first bracket", us2024, USFederalRates(), 10000, 1000},
		{"2024 at cutoff 1", us2024, USFederalRates(), 11600, 1160},
		{"2024 50k", us2024, USFederalRates(), 50000, 1160 + 4266 + 627},
		{"2024 100k", us2024, USFederalRates(), 100000, 1160 + 4266 + 11627},
		{"2024 at top cutoff", us2024, USFederalRates(), 609350, 183647.25},
		{"2024 700k", us2024, USFederalRates(), 700000, 183647.25 + 0.37*90650},
		// 2018 scaled (thousands): 0.10·9.7 + 0.12·29.775 = 4.543 at 39.475 (the
		// IRS table for these cutoffs says $4,543).
		{"2018 at 39.475", us2018, USFederalRates(), 39.475, 4.543},
		{"2018 50", us2018, USFederalRates(), 50, 4.543 + 0.22*10.525},
		{"explicit mid", []float64{0, 10, 20}, []float64{0, 0.5, 1}, 15, 2.5},
		{"explicit top", []float64{0, 10, 20}, []float64{0, 0.5, 1}, 25, 10},
		{"flat", []float64{0}, []float64{0.3}, 1000, 300},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := MustNew(c.cutoffs, c.rates, DefaultBounds)
			if got := s.Tax(c.z); !close(got, c.want, 1e-12) {
				t.Errorf("Tax(%v) = %v, want %v", c.z, got, c.want)
			}
			if got, want := s.Net(c.z), c.z-c.want; !close(got, want, 1e-12) {
				t.Errorf("Net(%v) = %v, want %v", c.z, got, want)
			}
		})
	}
}

func TestMarginalAndAverage(t *testing.T) {
	c, _ := Preset("us_federal_2024")
	s := MustNew(c, USFederalRates(), DefaultBounds)
	for _, tc := range []struct{ z, marg float64 }{{0, 0.10}, {11599, 0.10}, {11600, 0.12}, {47150, 0.22}, {1e7, 0.37}} {
		if got := s.Marginal(tc.z); got != tc.marg {
			t.Errorf("Marginal(%v) = %v, want %v", tc.z, got, tc.marg)
		}
	}
	if got, want := s.Average(50000), 6053.0/50000; !close(got, want, 1e-12) {
		t.Errorf("Average(50000) = %v, want %v", got, want)
	}
	if got := s.Average(0); got != 0 {
		t.Errorf("Average(0) = %v, want 0", got)
	}
	if !s.Convex() {
		t.Error("US federal schedule should be convex")
	}
	if MustNew([]float64{0, 10}, []float64{0.5, 0.2}, DefaultBounds).Convex() {
		t.Error("falling rates reported convex")
	}
}

func TestNewRejects(t *testing.T) {
	cases := []struct {
		name           string
		cutoffs, rates []float64
		bounds         Bounds
		want           string
	}{
		{"empty", nil, nil, DefaultBounds, "empty"},
		{"first not zero", []float64{1, 2}, []float64{0, 0}, DefaultBounds, "first cutoff must be 0"},
		{"not increasing", []float64{0, 5, 5}, []float64{0, 0, 0}, DefaultBounds, "strictly increasing"},
		{"decreasing", []float64{0, 5, 3}, []float64{0, 0, 0}, DefaultBounds, "strictly increasing"},
		{"nan cutoff", []float64{0, math.NaN()}, []float64{0, 0}, DefaultBounds, "finite"},
		{"inf cutoff", []float64{0, math.Inf(1)}, []float64{0, 0}, DefaultBounds, "finite"},
		{"rate count", []float64{0, 5}, []float64{0}, DefaultBounds, "one rate per bracket"},
		{"rate above", []float64{0}, []float64{1.2}, DefaultBounds, "outside the allowed bounds"},
		{"negative rate", []float64{0}, []float64{-0.1}, DefaultBounds, "outside the allowed bounds"},
		{"nan rate", []float64{0}, []float64{math.NaN()}, DefaultBounds, "finite"},
		{"bad bounds", []float64{0}, []float64{0}, Bounds{Min: 0.5, Max: 0.1}, "Max: must not be below the lowest rate"},
		{"bounds past 1", []float64{0}, []float64{0}, Bounds{Min: 0, Max: 1.5}, "Max: must be at most 1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := New(c.cutoffs, c.rates, c.bounds)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("New error = %v, want one containing %q", err, c.want)
			}
		})
	}
	if _, err := New([]float64{0}, []float64{-0.2}, Bounds{Min: -0.5, Max: 1}); err != nil {
		t.Errorf("negative rate inside explicit bounds rejected: %v", err)
	}
}

func TestPresets(t *testing.T) {
	if _, err := Preset("nope"); err == nil || !strings.Contains(err.Error(), "us_federal_2024") {
		t.Errorf("unknown preset error = %v, want one listing the presets", err)
	}
	for _, n := range PresetNames() {
		c, err := Preset(n)
		if err != nil {
			t.Fatal(err)
		}
		if len(c) != len(USFederalRates()) {
			t.Errorf("%s has %d cutoffs, want %d", n, len(c), len(USFederalRates()))
		}
		if err := ValidateCutoffs(c); err != nil {
			t.Errorf("%s: %v", n, err)
		}
	}
}

// FuzzTax checks, for arbitrary rates in [0, 1] on a three-bracket schedule,
// that 0 ≤ Tax(z) ≤ z, that Tax is non-decreasing and that it is continuous
// (no jump at any cutoff).
func FuzzTax(f *testing.F) {
	f.Add(0.1, 0.2, 0.3, 10.0, 20.0, 15.0, 1.0)
	f.Add(1.0, 0.0, 0.5, 1.0, 2.0, 3.0, 0.5)
	f.Fuzz(func(t *testing.T, r0, r1, r2, w1, w2, z, dz float64) {
		for _, v := range []float64{r0, r1, r2, w1, w2, z, dz} {
			if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > 1e12 {
				t.Skip()
			}
		}
		frac := func(x float64) float64 { return math.Abs(x) - math.Floor(math.Abs(x)) }
		rates := []float64{frac(r0), frac(r1), frac(r2)}
		b1 := 1 + math.Abs(w1)
		cut := []float64{0, b1, b1 + 1 + math.Abs(w2)}
		s := MustNew(cut, rates, DefaultBounds)
		z = math.Abs(z)
		tz := s.Tax(z)
		if tz < 0 || tz > z*(1+1e-12) {
			t.Fatalf("Tax(%v) = %v outside [0, z]", z, tz)
		}
		z2 := z + math.Abs(dz)
		if s.Tax(z2) < tz-1e-9*math.Max(1, tz) {
			t.Fatalf("Tax decreased: Tax(%v) = %v > Tax(%v) = %v", z, tz, z2, s.Tax(z2))
		}
		for _, b := range cut[1:] {
			eps := 1e-9 * b
			if d := math.Abs(s.Tax(b+eps) - s.Tax(b-eps)); d > 3*eps {
				t.Fatalf("Tax jumps by %v at cutoff %v", d, b)
			}
		}
	})
}

// TestHSV: by hand. λ 0.8, τ 0.5: T(4) = 4 − 0.8·2 = 2.4; T(0.25) = 0.25 −
// 0.8·0.5 = −0.15 (a transfer); τ = 0 is a flat tax of 1 − λ.
func TestHSV(t *testing.T) {
	h := HSV{Lambda: 0.8, Progressivity: 0.5}
	for _, c := range []struct{ y, want float64 }{{4, 2.4}, {0.25, -0.15}, {0, 0}, {-3, 0}} {
		if got := h.Tax(c.y); math.Abs(got-c.want) > 1e-15 {
			t.Errorf("T(%v) = %v, want %v", c.y, got, c.want)
		}
	}
	if got := (HSV{Lambda: 0.7}).Tax(10); math.Abs(got-3) > 1e-14 {
		t.Errorf("flat: T(10) = %v, want 3", got)
	}
	if (HSV{Lambda: 0, Progressivity: 1}).Validate() == nil {
		t.Error("λ 0, τ 1: no error")
	}
}

// BracketFrom finds Bracket's bracket from any start: incomes at, just
// below and just above every cutoff, between them, negative, zero and
// +Inf, from every bracket.
func TestBracketFrom(t *testing.T) {
	s := MustNew([]float64{0, 11600, 47150, 100525, 191950, 243725, 609350}, USFederalRates(), DefaultBounds)
	zs := []float64{-5, 0, 1, 1e300, math.Inf(1)}
	for k := range s.Brackets() {
		b := s.Cutoff(k)
		zs = append(zs, b, math.Nextafter(b, math.Inf(-1)), math.Nextafter(b, math.Inf(1)), b+123.4)
	}
	for _, z := range zs {
		want := s.Bracket(z)
		for k := range s.Brackets() {
			if got := s.BracketFrom(z, k); got != want {
				t.Errorf("BracketFrom(%v, %d) = %d, Bracket says %d", z, k, got, want)
			}
		}
	}
}

// The zero Schedule has no brackets and says so without panicking; a
// Schedule is one word, so that methods inlined through a *Schedule do
// not copy its table (the reason it is a pointer).
func TestScheduleZeroAndSize(t *testing.T) {
	var s Schedule
	if s.Brackets() != 0 || s.Cutoffs() != nil || s.Rates() != nil || s.String() != "" || !s.Convex() {
		t.Errorf("zero schedule: %d brackets, cutoffs %v, rates %v, %q, convex %v", s.Brackets(), s.Cutoffs(), s.Rates(), s.String(), s.Convex())
	}
	if s.Tax(-1) != 0 || s.Net(-1) != -1 || s.Average(0) != 0 {
		t.Errorf("zero schedule at z ≤ 0: tax %v, net %v, average %v", s.Tax(-1), s.Net(-1), s.Average(0))
	}
	if got := unsafe.Sizeof(s); got != unsafe.Sizeof(uintptr(0)) {
		t.Errorf("a Schedule is %d bytes, want one word", got)
	}
	// Schedules built from one another share nothing a caller can change.
	a := MustNew([]float64{0, 10}, []float64{0.1, 0.2}, DefaultBounds)
	c := a.Cutoffs()
	c[1] = 99
	b, err := a.WithRates([]float64{0.3, 0.4}, DefaultBounds)
	if err != nil || a.Cutoff(1) != 10 || b.Cutoff(1) != 10 || a.Rate(0) != 0.1 || b.Rate(0) != 0.3 {
		t.Errorf("copies leak: a %v, b %v, err %v", a, b, err)
	}
}
