package tax_test

import (
	"fmt"

	"github.com/econsim/econsim/sim/tax"
)

func ExampleSchedule_Tax() {
	cutoffs, _ := tax.Preset("us_federal_2024")
	s := tax.MustNew(cutoffs, tax.USFederalRates(), tax.DefaultBounds)
	fmt.Printf("tax on $50,000: $%.2f (average %.2f%%, marginal %.0f%%)\n",
		s.Tax(50000), 100*s.Average(50000), 100*s.Marginal(50000))
	// Output: tax on $50,000: $6053.00 (average 12.11%, marginal 22%)
}
