package agents

// AssetTaxes are the taxes on a household's wealth and spending beside the
// labour tax: the one home of their formulas.
type AssetTaxes struct {
	Capital         float64 // τ_k on positive returns r·a
	Wealth          float64 // τ_w on wealth above WealthExemption
	WealthExemption float64 // X, wealth untaxed by τ_w, ≥ 0
	Consumption     float64 // τ_c on consumption, ≥ 0
}

// CapitalTax is τ_k·max(r·a, 0).
func (t *AssetTaxes) CapitalTax(r, a float64) float64 { return t.Capital * max(r*a, 0) }

// WealthTax is τ_w·max(a − X, 0).
func (t *AssetTaxes) WealthTax(a float64) float64 {
	return t.Wealth * max(a-t.WealthExemption, 0)
}

// Untaxed reports whether none of the three is levied, so that revenue does
// not depend on the households' wealth or choices.
func (t *AssetTaxes) Untaxed() bool { return t.Capital == 0 && t.Wealth == 0 && t.Consumption == 0 }

// Budget is what a household's cash on hand is made of this round: the
// prices, the taxes, the transfer. Labour income after tax is per state.
type Budget struct {
	Rate   float64 // r, the net return on wealth before taxes, per round
	Tax    AssetTaxes
	Income []float64 // per state: w·l(s) − T(w·l(s)) + transfer; with Labor, the transfer only
	// Labor, when not nil, makes hours a choice: labour income is then
	// earned on top of Cash (Policy.Choose).
	Labor *Labor
}

// Wealth returns what wealth a is worth at the end of the round, after the
// return and the taxes on capital and wealth:
// a + r·a − τ_k·max(r·a, 0) − τ_w·max(a − X, 0).
func (b *Budget) Wealth(a float64) float64 {
	return a + b.Rate*a - b.Tax.CapitalTax(b.Rate, a) - b.Tax.WealthTax(a)
}

// Return is dWealth/da, the gross after-tax return on a marginal unit of
// wealth a (a step function).
func (b *Budget) Return(a float64) float64 {
	R := 1 + b.Rate
	if b.Rate*a > 0 {
		R -= b.Tax.Capital * b.Rate
	}
	if a > b.Tax.WealthExemption {
		R -= b.Tax.Wealth
	}
	return R
}

// Cash is cash on hand m(a, s) = Wealth(a) + Income[s].
func (b *Budget) Cash(a float64, s int) float64 { return b.Wealth(a) + b.Income[s] }
