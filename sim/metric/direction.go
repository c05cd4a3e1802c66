// Package metric says which way each metric is better: the one home of that
// fact, used by compare's best and worst runs, the Pareto front's default
// objectives and the planners' objectives. It imports nothing of ours.
package metric

// Direction says which way a metric is better: +1 when higher is better
// (productivity, equality, welfare), −1 when lower is better (inequality
// indices, distance from equilibrium, wealth concentration), and 0 when
// neither (prices, quantities, tax rates and revenues, whose best value
// depends on the question).
func Direction(name string) int {
	switch name {
	case "productivity", "equality", "eq_x_prod", "welfare_utilitarian", "welfare_inv_income", "welfare_rawls",
		"utilitarian", "inv_income", "rawls", "objective", "consumption_mean",
		"cev_utilitarian", "cev_mean", "share_gaining",
		"reform_mean_cev", "reform_utilitarian_cev", "reform_share_gaining", "reform_steady_state_cev":
		return 1
	case "gini_pre", "gini_post", "atkinson_1", "theil", "br_regret_mean", "br_regret_max", "labor_change",
		"market_residual", "stackelberg_gap", "wealth_gini", "wealth_top1_share", "wealth_top10_share",
		"llm_cost", "llm_fallbacks":
		return -1
	}
	return 0
}

// Sign is what a planner or the Pareto front multiplies a metric by to
// maximise it: −1 where lower is better (the metric is minimised), +1
// otherwise (a metric with no direction, such as revenue, is maximised).
func Sign(name string) float64 {
	if Direction(name) < 0 {
		return -1
	}
	return 1
}
