package tax

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestUS2024SingleByHand: income tax + payroll − EITC on a single filer's
// wage, computed by hand at every kink and inside each segment (to half a
// cent). With I the income tax on z − 14,600, P = 6.2%·min(z, 168,600) +
// 1.45%·z + 0.9%·max(z − 200,000, 0) and E the EITC:
//
//	5,000:   P 382.50, E 382.50 (phase-in)                → 0
//	8,260:   P 631.89, E 631.89                           → 0
//	10,330:  P 790.245, E 632                             → 158.245
//	14,600:  P 1,116.90, E 632 − 0.0765·4,270 = 305.345   → 811.555
//	18,591:  I 399.10, P 1,422.2115, E 0.0335             → 1,821.278
//	26,200:  I 1,160, P 2,004.30                          → 3,164.30
//	61,750:  I 5,426, P 4,723.875                         → 10,149.875
//	115,125: I 17,168.50, P 8,807.0625                    → 25,975.5625
//	168,600: I 17,168.50 + 0.24·53,475 = 30,002.50, P 12,897.90       → 42,900.40
//	200,000: I 17,168.50 + 0.24·84,875 = 37,538.50, P 13,353.20       → 50,891.70
//	206,550: I 39,110.50, P 10,453.20 + 2,994.975 + 58.95             → 52,617.625
//	258,325: I 55,678.50, P 10,453.20 + 3,745.7125 + 524.925          → 70,402.3375
//	623,950: I 183,647.25, P 10,453.20 + 9,047.275 + 3,815.55         → 206,963.275
//	1,000,000: I 183,647.25 + 0.37·376,050, P 10,453.20 + 14,500 + 7,200 → 354,938.95
func TestUS2024SingleByHand(t *testing.T) {
	p := US2024Single()
	rates := USFederalRates()
	s, err := p.Compile(rates, Bounds{Min: -1, Max: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ z, want float64 }{
		{0, 0}, {5000, 0}, {8260, 0}, {10330, 158.245}, {14600, 811.555}, {18591, 1821.278},
		{26200, 3164.30}, {61750, 10149.875}, {115125, 25975.5625}, {168600, 42900.40}, {200000, 50891.70},
		{206550, 52617.625}, {258325, 70402.3375}, {623950, 206963.275}, {1000000, 354938.95},
	} {
		if got := p.Total(c.z, rates); math.Abs(got-c.want) > 0.005 {
			t.Errorf("Total(%v) = %.4f, want %.4f", c.z, got, c.want)
		}
		if got := s.Tax(c.z); math.Abs(got-c.want) > 0.005 {
			t.Errorf("compiled Tax(%v) = %.4f, want %.4f", c.z, got, c.want)
		}
	}
}

// TestUS2024SingleRates: the compiled marginal rates, segment by segment
// (income tax + payroll ± EITC), from the parameters by hand.
func TestUS2024SingleRates(t *testing.T) {
	s, err := US2024Single().Compile(USFederalRates(), Bounds{Min: -1, Max: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ z, want float64 }{
		{4000, 0},                       // payroll 7.65% − phase-in 7.65%
		{9000, 0.0765},                  // the credit at its maximum
		{12000, 0.153},                  // phase-out
		{16000, 0.10 + 0.0765 + 0.0765}, // income tax starts, still phasing out
		{20000, 0.10 + 0.0765},          // credit gone
		{40000, 0.12 + 0.0765},          //
		{80000, 0.22 + 0.0765},          //
		{150000, 0.24 + 0.0765},         //
		{180000, 0.24 + 0.0145},         // above the Social Security wage base
		{203000, 0.24 + 0.0145 + 0.009}, // Additional Medicare Tax
		{230000, 0.32 + 0.0235},         //
		{400000, 0.35 + 0.0235},         //
		{2000000, 0.37 + 0.0235},        //
	} {
		if got := s.Marginal(c.z); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("marginal rate at %v = %.6f, want %.6f", c.z, got, c.want)
		}
	}
}

// TestUS2024SingleCompiles: the compiled schedule equals the parts' direct
// sum at 10,000 random earnings, for the statutory rates and for other
// rates a planner might propose, and with parts switched off.
func TestUS2024SingleCompiles(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	variants := []func(*USSingle){
		func(*USSingle) {},
		func(p *USSingle) { p.Payroll = false },
		func(p *USSingle) { p.EITC = false },
		func(p *USSingle) { p.StandardDeduction = 30000 },
		func(p *USSingle) { p.EITCMax = 600 },
	}
	for v, change := range variants {
		p := US2024Single()
		change(&p)
		for _, rates := range [][]float64{USFederalRates(), {0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3}, {0.5, 0.1, 0.4, 0, 0.2, 0.6, 0.05}} {
			s, err := p.Compile(rates, Bounds{Min: -1, Max: 1})
			if err != nil {
				t.Fatalf("variant %d: %v", v, err)
			}
			for range 2000 {
				z := math.Exp(r.Float64() * math.Log(3e6))
				if got, want := s.Tax(z), p.Total(z, rates); math.Abs(got-want) > 1e-6*max(1, want) {
					t.Fatalf("variant %d, rates %v: Tax(%v) = %v, parts %v", v, rates, z, got, want)
				}
			}
		}
	}
}

// TestCreditWithoutPayroll: without payroll the credit makes the first
// marginal rate negative (−7.65%) and the tax negative — the schedule takes
// both, and refuses them when the bounds do not allow negative rates.
func TestCreditWithoutPayroll(t *testing.T) {
	p := US2024Single()
	p.Payroll = false
	s, err := p.Compile(USFederalRates(), Bounds{Min: -1, Max: 1})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Marginal(1000); math.Abs(got+0.0765) > 1e-15 {
		t.Errorf("first marginal rate %v, want −0.0765", got)
	}
	if got := s.Tax(8261.4379); math.Abs(got+632) > 0.01 {
		t.Errorf("Tax at the phase-in's end = %v, want −632", got)
	}
	if got := s.Net(5000); math.Abs(got-5382.5) > 1e-9 {
		t.Errorf("Net(5,000) = %v, want 5,382.50", got)
	}
	if _, err := p.Compile(USFederalRates(), DefaultBounds); err == nil {
		t.Error("negative rate inside bounds [0, 1]: no error")
	}
}

func TestUSSingleValidate(t *testing.T) {
	p := US2024Single()
	p.EITCPhaseOutStart = 5000 // before the phase-in ends
	if _, err := p.Compile(USFederalRates(), Bounds{Min: -1, Max: 1}); err == nil {
		t.Error("phase-out before the phase-in's end: no error")
	}
	p = US2024Single()
	if _, err := p.Compile([]float64{0.1}, Bounds{Min: -1, Max: 1}); err == nil {
		t.Error("one rate for seven brackets: no error")
	}
}

// FuzzUSSingle: for any parameters Compile accepts, the compiled schedule
// equals the parts' direct sum.
func FuzzUSSingle(f *testing.F) {
	f.Add(14600.0, 168600.0, 200000.0, 632.0, 10330.0, 0.0765, 0.0765, 50000.0)
	f.Fuzz(func(t *testing.T, sd, base, addl, emax, estart, ein, eout, z float64) {
		p := US2024Single()
		p.StandardDeduction, p.SSWageBase, p.AddlMedicareFrom = sd, base, addl
		p.EITCMax, p.EITCPhaseOutStart, p.EITCPhaseInRate, p.EITCPhaseOutRate = emax, estart, ein, eout
		for _, x := range []float64{sd, base, addl, emax, estart, z} {
			if math.Abs(x) > 1e12 {
				return
			}
		}
		s, err := p.Compile(USFederalRates(), Bounds{Min: -1, Max: 1})
		if err != nil {
			return
		}
		if got, want := s.Tax(z), p.Total(z, USFederalRates()); math.Abs(got-want) > 1e-6*max(1, math.Abs(want), math.Abs(z)) {
			t.Fatalf("%+v: Tax(%v) = %v, parts %v", p, z, got, want)
		}
	})
}

// PartsIn sums the payroll tax and the credit from per-bracket tallies of
// the compiled schedule: the same as summing them worker by worker, on
// random earnings across every bracket (relative 1e-12).
func TestPartsIn(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, p := range []USSingle{US2024Single(), func() USSingle { q := US2024Single(); q.Payroll = false; return q }()} {
		s, err := p.Compile(USFederalRates(), Bounds{Min: -1, Max: 1})
		if err != nil {
			t.Fatal(err)
		}
		n, sum := make([]float64, s.Brackets()), make([]float64, s.Brackets())
		var pay, cred float64
		for range 20000 {
			z := math.Exp(rng.Float64() * math.Log(2e6))
			k := s.Bracket(z)
			n[k]++
			sum[k] += z
			pay += p.PayrollTax(z)
			cred += p.Credit(z)
		}
		gp, gc := p.PartsIn(s, n, sum)
		if math.Abs(gp-pay) > 1e-12*pay || math.Abs(gc-cred) > 1e-12*max(cred, 1) {
			t.Errorf("PartsIn = %v, %v; worker by worker %v, %v", gp, gc, pay, cred)
		}
	}
}
