package tax

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// This file is the one home of how a schedule and its money are written
// for people: the short form of summaries and reports (String, Describe),
// the plain words of LLM prompts (Prose), and amounts with thousands
// separators (Money).

// String is the short form "0+ 10% · 11,600+ 12% · …" (rates rounded to
// 0.01 percentage points).
func (s Schedule) String() string { t := s.tab(); return Describe(t.cutoffs, t.rates) }

// Describe is String for cutoffs and rates read back from a file.
func Describe(cutoffs, rates []float64) string {
	parts := make([]string, len(cutoffs))
	for k, c := range cutoffs {
		pct := math.Round(1e4*rates[k]) / 100
		parts[k] = Amount(c) + "+ " + strconv.FormatFloat(pct, 'f', -1, 64) + "%"
	}
	return strings.Join(parts, " · ")
}

// Prose puts the schedule in plain words: "10% of income up to $11,600;
// 12% of income from $11,600 to $47,150; …" (rates to 0.1 point).
func (s Schedule) Prose() string {
	k := s.Brackets()
	if k == 1 {
		return fmt.Sprintf("a flat %s%% of all income", percent(s.Rate(0)))
	}
	var parts []string
	for i := range k {
		switch {
		case i == 0:
			parts = append(parts, fmt.Sprintf("%s%% of income up to $%s", percent(s.Rate(i)), Money(s.Cutoff(1))))
		case i == k-1:
			parts = append(parts, fmt.Sprintf("%s%% of income above $%s", percent(s.Rate(i)), Money(s.Cutoff(i))))
		default:
			parts = append(parts, fmt.Sprintf("%s%% of income from $%s to $%s", percent(s.Rate(i)), Money(s.Cutoff(i)), Money(s.Cutoff(i+1))))
		}
	}
	return strings.Join(parts, "; ")
}

func percent(r float64) string { return fmt.Sprint(math.Round(r*1000) / 10) }

// FormatRates writes marginal rates as a list to three decimals,
// "[0.100, 0.120]".
func FormatRates(r []float64) string {
	parts := make([]string, len(r))
	for i, v := range r {
		parts[i] = fmt.Sprintf("%.3f", v)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// Money writes an amount rounded to whole units with thousands separators:
// 1234567.4 → "1,234,567".
func Money(x float64) string {
	s := fmt.Sprintf("%.0f", math.Abs(x))
	var b strings.Builder
	if x < -0.5 {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// Amount is Money for numbers that may be small fractions (cutoffs in
// thousands, say): below 10 in size a non-integer keeps three significant
// digits.
func Amount(x float64) string {
	if math.Abs(x) < 10 && x != math.Round(x) {
		return strconv.FormatFloat(x, 'g', 3, 64)
	}
	return Money(math.Round(x))
}
