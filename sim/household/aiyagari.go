package household

import (
	"github.com/econsim/econsim/sim/agents"
	"github.com/econsim/econsim/sim/market"
)

// Aiyagari returns the households of Aiyagari's (1994) benchmark: β 0.96,
// risk aversion mu, log productivity an AR(1) with persistence rho and
// innovation s.d. sigma on 7 states (discretised by method, "tauchen" or
// "rouwenhorst", Tauchen's over ±3 unconditional s.d.), no borrowing, and
// starting from their stationary distribution.
func Aiyagari(mu, rho, sigma float64, method string) *Config {
	return &Config{
		Saver:         agents.Saver{RiskAversion: mu, Discount: 0.96},
		Productivity:  agents.Productivity{Process: "ar1", Rho: rho, Sigma: sigma, States: 7, Method: method, Width: 3},
		InitialWealth: StartStationary,
	}
}

// AiyagariMarket is the technology of Aiyagari's (1994) benchmark:
// Cobb–Douglas with α 0.36 and TFP 1, δ 0.08, capital rented from households.
var AiyagariMarket = market.Config{Kind: market.Production, Alpha: 0.36, TFP: 1, Depreciation: 0.08, Rented: true}
