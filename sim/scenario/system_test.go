package scenario

import (
	"reflect"
	"strings"
	"testing"
)

const systemDoc = "[tax]\nsystem = \"us_2024_single\"\nrate_max = 0.8\n"

// TestSystemErrors: the system's keys are checked at their lines, with the
// key's name, and refused without a system.
func TestSystemErrors(t *testing.T) {
	cases := []struct {
		name, doc string
		sets      []string
		want      string
	}{
		{"unknown", "[tax]\nsystem = \"uk_2024\"\n", nil, "f.toml:2: tax.system: unknown tax system \"uk_2024\""},
		{"key without system", "[tax]\nstandard_deduction = 1000.0\n", nil, "f.toml:2: tax.standard_deduction: does not apply without tax.system"},
		{"bool without system", "[tax]\npayroll = false\n", nil, "tax.payroll: does not apply without tax.system"},
		{"negative deduction", systemDoc + "standard_deduction = -1.0\n", nil, "f.toml:4: tax.standard_deduction: must be non-negative"},
		{"rate above 1", systemDoc, []string{"tax.ss_rate=1.5"}, "--set: tax.ss_rate: must be in [0, 1]"},
		{"huge base", systemDoc, []string{"tax.ss_wage_base=1e309"}, "tax.ss_wage_base"},
		{"phase-out before phase-in ends", systemDoc, []string{"tax.eitc_phase_out_start=5000"}, "tax.eitc_phase_out_start: must not be below the end of the phase-in"},
		{"rate_min below", systemDoc + "rate_min = -1.0\npayroll = false\n", nil, "tax.rate_min: must be at least -0.9235"},
		{"savers", saverDoc, []string{"tax.system=us_2024_single", "tax.cutoffs=[0]"}, "tax.system: applies to workers"},
		{"payroll past 1", systemDoc, []string{"tax.ss_rate=0.95"}, "--set: tax.ss_rate: the system's payroll taxes and credit phase-out reach a marginal rate of 1.041"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("f.toml", []byte(c.doc), c.sets)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want an error containing %q", err, c.want)
			}
			if strings.Contains(err.Error(), "rate_max") && !strings.Contains(c.want, "rate_max") {
				t.Errorf("an error names tax.rate_max, which the user did not write: %v", err)
			}
		})
	}
}

// TestSystemResolved: every parameter is filled with 2024's, overrides are
// kept, and a rate_max that a combined rate would pass is lowered with a note.
func TestSystemResolved(t *testing.T) {
	s, err := Parse("f.toml", []byte("[tax]\nsystem = \"us_2024_single\"\npayroll = false\nstandard_deduction = 20000.0\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	sys := s.EngineConfig(1).System
	if sys == nil || sys.Payroll || sys.StandardDeduction != 20000 || sys.EITCMax != 632 || sys.SSWageBase != 168600 || !sys.EITC {
		t.Fatalf("resolved system %+v", sys)
	}
	// Without payroll the phase-out's 7.65% is all that adds to a rate.
	if want := 1 - 0.0765; s.Tax.RateMax != want {
		t.Errorf("rate_max %v, want %v", s.Tax.RateMax, want)
	}
	if len(s.Notes()) != 1 || !strings.Contains(s.Notes()[0], "tax.rate_max lowered from 1 to 0.9235") {
		t.Errorf("notes %q, want one saying rate_max was lowered", s.Notes())
	}
	b, err := s.Encode()
	if err != nil {
		t.Fatal(err)
	}
	again, err := Parse("again.toml", b, nil)
	if err != nil {
		t.Fatalf("the resolved scenario does not parse: %v\n%s", err, b)
	}
	if !reflect.DeepEqual(again.EngineConfig(1).System, sys) {
		t.Errorf("the resolved scenario's system differs")
	}
}

// TestCalibratedErrors: the calibrated population's requirements are
// refused at their keys.
func TestCalibratedErrors(t *testing.T) {
	doc := "[population]\nskill = { dist = \"us_earnings_2024\" }\n[tax]\nsystem = \"us_2024_single\"\nrate_max = 0.8\n"
	for _, c := range []struct{ set, want string }{
		{"utility.kind=isoelastic", "utility.kind: the calibrated population"},
		{"market.kind=production", "market.kind: the calibrated population"},
		{"population.hours_max=1000", "population.hours_max: must be at least the calibrated population's target hours"},
		{"population.skill.mu=3", "population.skill.mu: does not apply"},
	} {
		if _, err := Parse("f.toml", []byte(doc), []string{c.set}); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("--set %s: error %v, want %q", c.set, err, c.want)
		}
	}
	if _, err := Parse("f.toml", []byte(doc), nil); err != nil {
		t.Errorf("the calibrated population refused: %v", err)
	}
}

// Switching the system off with --set drops the file's system keys (a
// resolved scenario.toml states them all), as other kind changes do; a key
// set alongside is kept, and then refused without a system.
func TestSystemOffDropsItsKeys(t *testing.T) {
	s, err := Parse("f.toml", []byte(systemDoc), nil)
	if err != nil {
		t.Fatal(err)
	}
	resolved, err := s.Encode()
	if err != nil {
		t.Fatal(err)
	}
	off, err := Parse("resolved.toml", resolved, []string{"tax.system="})
	if err != nil {
		t.Fatalf("--set tax.system= on a resolved us_2024_single scenario: %v", err)
	}
	if off.EngineConfig(1).System != nil || off.Tax.StandardDeduction != nil || off.Tax.Payroll != nil {
		t.Errorf("system keys kept: %+v", off.Tax)
	}
	if _, err := Parse("resolved.toml", resolved, []string{"tax.system=", "tax.eitc_max=700"}); err == nil || !strings.Contains(err.Error(), "tax.eitc_max: does not apply without tax.system") {
		t.Errorf("a system key set with the system off: %v", err)
	}
}
