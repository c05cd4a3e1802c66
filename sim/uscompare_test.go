package sim

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/econsim/econsim/internal/testenv"
	"github.com/econsim/econsim/sim/planner"
	"github.com/econsim/econsim/sim/tax"
)

// TestHowCloseToUS prints the "How close to the US" table (docs/us.md) for the
// baseline of the us-2024 economy (10⁶ workers; 10⁵ under -short) and
// checks its first part: earnings percentiles within 0.5% of the targets
// (TestCalibratedBaseline has the reasoning). The rest is a comparison
// with published figures in other units (tax units, all income), printed
// with its source, not a pass/fail: see docs/us.md.
//
//	go test ./sim -run TestHowCloseToUS -v
func TestHowCloseToUS(t *testing.T) {
	n := 1_000_000
	if !testenv.Long() {
		n = 100_000
	}
	e, err := New(calibratedConfig(n), planner.USFederal())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Step(context.Background()); err != nil {
		t.Fatal(err)
	}
	z := slices.Clone(e.Population().Income)
	slices.Sort(z) // calibrated incomes are in agent order already; sorting is cheap insurance
	sys, rates := tax.US2024Single(), tax.USFederalRates()
	var b strings.Builder
	fmt.Fprintf(&b, "\n| earnings | model (%d workers) | target | difference |\n|---|---|---|---|\n", n)
	p95 := 121470 * math.Pow(2, 1/2.00)
	p99 := p95 * math.Pow(5, 1/1.95)
	for _, tg := range []struct {
		name string
		q, z float64
	}{{"p10", 0.10, 29050}, {"p25", 0.25, 35660}, {"median", 0.50, 48060}, {"p75", 0.75, 76980}, {"p90", 0.90, 121470},
		{"p95", 0.95, p95}, {"p99", 0.99, p99}, {"p99.9", 0.999, p99 * math.Pow(10, 1/1.81)}} {
		got := quantileOf(z, tg.q)
		rel := got/tg.z - 1
		fmt.Fprintf(&b, "| %s | $%s | $%s | %+.2f%% |\n", tg.name, money(got), money(tg.z), 100*rel)
		if tg.q < 0.999 || n >= 1_000_000 {
			if math.Abs(rel) > 0.005 {
				t.Errorf("%s = %.0f, target %.0f (%+.2f%%)", tg.name, got, tg.z, 100*rel)
			}
		}
	}
	var total float64
	for _, x := range z {
		total += x
	}
	fmt.Fprintf(&b, "| mean | $%s | OEWS $65,470 (top-coded), SSA W-2 $61,220 | |\n", money(total/float64(n)))
	fmt.Fprintf(&b, "\n| share of all earnings | model | SSA 2022 (EPI) |\n|---|---|---|\n")
	for _, s := range []struct {
		name string
		q    float64
		pub  string
	}{{"top 10%", 0.90, "39.9%"}, {"top 5%", 0.95, "28.2%"}, {"top 1%", 0.99, "12.9%"}, {"top 0.1%", 0.999, "4.6%"}} {
		var top float64
		for _, x := range z[int(s.q*float64(n)):] {
			top += x
		}
		fmt.Fprintf(&b, "| %s | %.1f%% | %s |\n", s.name, 100*top/total, s.pub)
	}
	// Average federal tax rates by earnings quintile; TPC T20-0037 (2019,
	// all tax units by expanded cash income): individual income tax, and
	// payroll tax, which TPC counts with the employer's half: halved here.
	tpc := []struct {
		name          string
		lo, hi        float64
		income, payTP float64
	}{{"lowest fifth", 0, 0.2, -5.6, 7.2}, {"second", 0.2, 0.4, -1.3, 7.6}, {"middle", 0.4, 0.6, 3.6, 7.8},
		{"fourth", 0.6, 0.8, 6.9, 8.2}, {"top fifth", 0.8, 1, 15.4, 5.7}, {"top 1%", 0.99, 1, 23.3, 2.2}}
	fmt.Fprintf(&b, "\n| average federal tax rate | model: income tax | payroll | − EITC | all | TPC 2019: income tax | ½ payroll | all |\n|---|---|---|---|---|---|---|---|\n")
	for _, g := range tpc {
		var zs, it, pt, cr float64
		for _, x := range z[int(g.lo*float64(n)):int(g.hi*float64(n))] {
			zs += x
			it += sys.IncomeTax(x, rates)
			pt += sys.PayrollTax(x)
			cr += sys.Credit(x)
		}
		fmt.Fprintf(&b, "| %s | %.1f%% | %.1f%% | %.2f%% | %.1f%% | %.1f%% | %.1f%% | %.1f%% |\n", g.name,
			100*it/zs, 100*pt/zs, 100*cr/zs, 100*(it+pt-cr)/zs, g.income, g.payTP/2, g.income+g.payTP/2)
	}
	var it, itBottom float64
	for i, x := range z {
		v := sys.IncomeTax(x, rates)
		it += v
		if i < n/2 {
			itBottom += v
		}
	}
	fmt.Fprintf(&b, "\naverage income-tax rate %.1f%% (IRS 2020, all returns: 13.6%%); bottom half's share of income tax %.1f%% (2.3%%)\n",
		100*it/total, 100*itBottom/it)
	t.Log(b.String())
}

// money formats x with thousands separators, no decimals.
func money(x float64) string {
	s := fmt.Sprintf("%.0f", x)
	var out []byte
	for i, c := range []byte(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, c)
	}
	return string(out)
}
