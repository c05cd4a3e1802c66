package tax

import (
	"fmt"
	"slices"
	"sort"
)

// usFederalRates are the statutory marginal rates of the US federal income
// tax since the 2017 Tax Cuts and Jobs Act, lowest bracket first.
var usFederalRates = [...]float64{0.10, 0.12, 0.22, 0.24, 0.32, 0.35, 0.37}

// USFederalRates returns a fresh copy of those rates.
func USFederalRates() []float64 { return slices.Clone(usFederalRates[:]) }

// presets maps a bracket preset name to its cutoffs.
var presets = map[string][]float64{
	// The AI Economist's table (Zheng et al. 2022): the 2018 single-filer
	// brackets in thousands of dollars.
	"us_federal_2018_scaled": {0, 9.7, 39.475, 84.2, 160.725, 204.1, 510.3},
	// IRS Rev. Proc. 2023-34: 2024 single-filer brackets, dollars of taxable income.
	"us_federal_2024": {0, 11600, 47150, 100525, 191950, 243725, 609350},
}

// Preset returns a copy of the cutoffs of the named bracket preset.
func Preset(name string) ([]float64, error) {
	c, ok := presets[name]
	if !ok {
		return nil, fmt.Errorf("unknown bracket preset %q (known: %v)", name, PresetNames())
	}
	return slices.Clone(c), nil
}

// PresetNames lists the bracket presets in sorted order.
func PresetNames() []string {
	names := make([]string, 0, len(presets))
	for n := range presets {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
