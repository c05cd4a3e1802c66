package scenario

import (
	"github.com/econsim/econsim/sim"
	"github.com/econsim/econsim/sim/agents"
	"github.com/econsim/econsim/sim/household"
	"github.com/econsim/econsim/sim/llm"
	"github.com/econsim/econsim/sim/market"
)

// Scenario is the TOML file's shape. Comments give each key's meaning, unit
// and default; docs/scenarios.md has the same reference for users.
type Scenario struct {
	Name       string     `toml:"name"`   // label used in output paths; default the file name
	Seed       uint64     `toml:"seed"`   // root of every random stream; default 1
	Rounds     int        `toml:"rounds"` // rounds to run (a round is a year); default 50
	Population Population `toml:"population"`
	Utility    Utility    `toml:"utility"`
	Agents     Agents     `toml:"agents"`
	Tax        Tax        `toml:"tax"`
	Planner    Planner    `toml:"planner"`
	Market     Market     `toml:"market"`
	LLM        *LLM       `toml:"llm,omitempty"` // needed by agents.behavior = "llm" and planner.kind = "llm"
	Output     Output     `toml:"output"`

	client *llm.Client     // set by Build for the LLM planner
	notes  []string        // things the user should hear about a valid scenario
	file   string          // the file it was read from, named in Build's errors
	lines  map[string]int  // each key's line in file
	setBy  map[string]bool // the keys --set gave
	sets   []string        // the --set arguments, in order
}

// Notes are remarks on a valid scenario a user should see (on stderr): for
// example that its file set no keys at all.
func (s *Scenario) Notes() []string { return s.notes }

// LLM is the language-model endpoint and how to use it.
type LLM struct {
	BaseURL           string   `toml:"base_url"`            // OpenAI-compatible endpoint, e.g. https://api.openai.com/v1
	Model             string   `toml:"model"`               // model name
	APIKeyEnv         string   `toml:"api_key_env"`         // NAME of the environment variable holding the key; "" for none
	Temperature       *float64 `toml:"temperature"`         // default 0.7
	MaxTokens         int      `toml:"max_tokens"`          // reply limit; default 300
	Timeout           *float64 `toml:"timeout"`             // seconds per request; default 60
	MaxConcurrency    int      `toml:"max_concurrency"`     // requests in flight; default 8
	RequestsPerMinute *float64 `toml:"requests_per_minute"` // rate limit; default 0 (none)
	Retries           *int     `toml:"retries"`             // retries after a failed request; default 3
	JSONMode          *bool    `toml:"json_mode"`           // ask for response_format json_object; default true
	Cache             string   `toml:"cache,omitempty"`     // reply cache folder; default none
	CacheMode         string   `toml:"cache_mode"`          // off | read_write | replay; default read_write with a cache, else off
	Archetypes        *int     `toml:"archetypes"`          // LLM workers: archetypes (0: one call per worker); default 32
	Samples           int      `toml:"samples"`             // LLM workers: replies per archetype per round; default 1
	Reasks            *int     `toml:"reasks"`              // re-asks after an unusable reply; default 2
	MaxCost           *float64 `toml:"max_cost"`            // stop before exceeding this cost; default 0 (no limit)
	TokenLimitField   string   `toml:"token_limit_field"`   // the reply limit's request field: max_tokens | max_completion_tokens (newer OpenAI models); default max_tokens
	// MaxFallbackShare stops the run when more than this share of a round's
	// decisions fell back to the heuristic; default 0.5 (1: never stop).
	MaxFallbackShare *float64 `toml:"max_fallback_share"`
	// MaxConnectionFailures stops the run after this many requests in a row
	// got no answer; default 10 (0: never stop).
	MaxConnectionFailures *int  `toml:"max_connection_failures"`
	Price                 Price `toml:"price"`
}

// Price is the endpoint's price list, in currency per million tokens.
type Price struct {
	InputPerMillion  float64 `toml:"input_per_million"`  // prompt tokens; default 0
	OutputPerMillion float64 `toml:"output_per_million"` // completion tokens; default 0
}

// Population describes the workers.
type Population struct {
	Agents   int     `toml:"agents"`    // number of workers N; default 1000
	HoursMax float64 `toml:"hours_max"` // hours cap per round; default 5000
	Skill    Skill   `toml:"skill"`     // wage distribution; default lognormal(3, 0.6); savers: values = [1]
	// Productivity is savers' idiosyncratic productivity (a Markov chain);
	// default Aiyagari's ar1 with rho 0.6, sigma 0.4, 7 Tauchen states.
	Productivity *Productivity `toml:"productivity,omitempty"`
}

// Skill is the wage distribution (currency units per hour). Only the keys of
// the chosen dist may be given.
type Skill struct {
	Dist         string    `toml:"dist"`                     // lognormal | pareto | uniform | values | gb2 | us_occupations
	Preset       string    `toml:"preset,omitempty"`         // gb2 only: us_acs_2023
	Mu           *float64  `toml:"mu,omitempty"`             // lognormal: mean of log wage; gb2: scale (annual income)
	Sigma        *float64  `toml:"sigma,omitempty"`          // lognormal: sd of log wage; gb2: shape
	Alpha        *float64  `toml:"alpha,omitempty"`          // pareto: tail index
	Min          *float64  `toml:"min,omitempty"`            // pareto: minimum wage; uniform: lower end
	Max          *float64  `toml:"max,omitempty"`            // uniform: upper end
	Nu           *float64  `toml:"nu,omitempty"`             // gb2 shape ν
	Tau          *float64  `toml:"tau,omitempty"`            // gb2 shape τ
	HoursPerYear *float64  `toml:"hours_per_year,omitempty"` // gb2: annual income → hourly wage divisor; default 2080
	Values       []float64 `toml:"values,omitempty"`         // values: one wage per agent, cycled
}

// Utility is the workers' utility function.
type Utility struct {
	Kind       string   `toml:"kind"`                // quasilinear | isoelastic | crra (savers); default quasilinear, crra for savers
	Elasticity float64  `toml:"elasticity,omitzero"` // labour-supply elasticity e > 0; default 0.5 (none for savers with fixed hours)
	Kappa      *float64 `toml:"kappa"`               // disutility scale κ > 0; default 4e-6 (quasilinear), 1.25e-10 (isoelastic)
	Eta        *float64 `toml:"eta,omitempty"`       // isoelastic only: curvature η ≥ 0; default 1 (log)
	// crra (savers) only: u(c) = (c^(1−μ) − 1)/(1 − μ), ln c when μ = 1.
	RiskAversion *float64  `toml:"risk_aversion,omitempty"` // μ ∈ [0.1, 50]; default 3
	Discount     *Discount `toml:"discount,omitempty"`      // β ∈ (0, 1) per round, or patience types; default 0.96
	Labor        string    `toml:"labor,omitempty"`         // savers: inelastic | elastic (hours chosen, disutility kappa·h^(1+1/e)/(1+1/e)); default inelastic
}

// Agents is how workers decide.
type Agents struct {
	Behavior   string   `toml:"behavior"`             // rational | noisy | adaptive | llm | saver; default rational
	Noise      *float64 `toml:"noise,omitempty"`      // noisy only: log-scale σ of the error; default 0.1
	Adjustment *float64 `toml:"adjustment,omitempty"` // adaptive only: α ∈ (0, 1]; default 0.5
	// Savers only.
	BorrowingLimit *float64              `toml:"borrowing_limit,omitempty"` // wealth never below −limit (currency units); default 0
	GridPoints     *int                  `toml:"grid_points,omitempty"`     // points of the asset grid; default 500
	GridMax        *float64              `toml:"grid_max,omitempty"`        // top of the asset grid; default: set by the solver (widened until no mass is near it)
	InitialWealth  household.WealthStart `toml:"initial_wealth,omitempty"`  // stationary | zero | value; default stationary
	InitialValue   *float64              `toml:"initial_value,omitempty"`   // initial_wealth = "value": everyone's wealth
	Saving         agents.SavingRule     `toml:"saving,omitempty"`          // optimal | fixed_rate | buffer_stock | llm; default optimal
	SavingRate     *float64              `toml:"saving_rate,omitempty"`     // fixed_rate: share σ ∈ [0, 1) of gross income saved; default 0.25
	TargetRatio    *float64              `toml:"target_ratio,omitempty"`    // buffer_stock: target wealth in years of labour income; default 3
	Speed          *float64              `toml:"speed,omitempty"`           // buffer_stock: share of the gap closed each round, (0, 1]; default 0.2
	// Expectations: perfect_foresight | adaptive; default perfect_foresight
	// for optimal savers under a planner that sets its schedules in advance
	// (none, flat, fixed, us_federal), adaptive otherwise.
	Expectations      household.Expectations `toml:"expectations,omitempty"`
	TransitionHorizon *int                   `toml:"transition_horizon,omitempty"` // perfect_foresight: rounds a reform's transition is solved over, 2–2000; default 300
}

// Productivity is savers' productivity process. Only the keys of the chosen
// process may be given.
type Productivity struct {
	Process string   `toml:"process"`          // ar1 | markov
	Preset  string   `toml:"preset,omitempty"` // ar1: an estimated process (agents.EarningsPresets) in place of rho and sigma
	Rho     *float64 `toml:"rho,omitempty"`    // ar1: persistence ρ ∈ (−1, 1)
	Sigma   *float64 `toml:"sigma,omitempty"`  // ar1: unconditional sd of log productivity
	// ar1: the sd of the innovation ε in log l' = ρ·log l + ε, in place of sigma
	SigmaInnovation *float64    `toml:"sigma_innovation,omitempty"`
	States          *int        `toml:"states,omitempty"`     // ar1: number of states; default 7
	Method          string      `toml:"method,omitempty"`     // ar1: tauchen | rouwenhorst; default tauchen
	Width           *float64    `toml:"width,omitempty"`      // ar1, tauchen: grid half-width in sds; default 3
	Levels          []float64   `toml:"levels,omitempty"`     // markov: productivity per state (scaled to stationary mean 1)
	Transition      [][]float64 `toml:"transition,omitempty"` // markov: row-stochastic matrix
	TopState        *TopState   `toml:"top_state,omitempty"`  // a rare, very productive state added to the chain
}

// TopState is a rare, very productive state (agents.TopState).
type TopState struct {
	Level *float64 `toml:"level"` // times the chain's mean level, > 1
	Entry *float64 `toml:"entry"` // probability a round of entering it from any other state
	Stay  *float64 `toml:"stay"`  // probability a round of staying in it
}

// Tax is the bracket structure and what happens to revenue.
type Tax struct {
	Brackets       string                 `toml:"brackets,omitempty"` // a preset: us_federal_2024 | us_federal_2018_scaled; default us_federal_2024 when no cutoffs
	Cutoffs        []float64              `toml:"cutoffs,omitempty"`  // explicit cutoffs, first 0, strictly increasing (currency per round)
	Period         int                    `toml:"period"`             // rounds between planner decisions; default 10
	Redistribution sim.RedistributionKind `toml:"redistribution"`     // lump_sum | none | targeted; default lump_sum
	Share          *float64               `toml:"share,omitempty"`    // targeted only: bottom share q ∈ (0, 1] that receives revenue; default 0.2
	RateMin        float64                `toml:"rate_min"`           // lowest allowed marginal rate, ≥ −1; default 0
	RateMax        float64                `toml:"rate_max"`           // highest allowed marginal rate, ≤ 1; default 1 (with a system, lowered so no combined rate exceeds 1)
	// A tax system the planner's rates are part of (docs/us.md, "How close to
	// the US"): the rates are the income tax's on the brackets (taxable
	// income), compiled each period with the system's other parts into the
	// schedule of gross earnings workers face. Every other key below
	// overrides one of the system's parameters (system only); defaults are
	// tax year 2024's.
	System            string   `toml:"system,omitempty"`                  // "" (rates apply to gross earnings) | us_2024_single; default ""
	StandardDeduction *float64 `toml:"standard_deduction,omitempty"`      // $ of earnings untaxed by the income tax; default 14600
	Payroll           *bool    `toml:"payroll,omitempty"`                 // include the employee's Social Security and Medicare taxes; default true
	SSRate            *float64 `toml:"ss_rate,omitempty"`                 // Social Security rate; default 0.062
	SSWageBase        *float64 `toml:"ss_wage_base,omitempty"`            // $ of earnings Social Security applies to; default 168600
	MedicareRate      *float64 `toml:"medicare_rate,omitempty"`           // default 0.0145
	AddlMedicareRate  *float64 `toml:"addl_medicare_rate,omitempty"`      // Additional Medicare Tax rate; default 0.009
	AddlMedicareFrom  *float64 `toml:"addl_medicare_threshold,omitempty"` // $ of earnings above which it applies; default 200000
	EITC              *bool    `toml:"eitc,omitempty"`                    // include the EITC for workers without qualifying children; default true
	EITCPhaseInRate   *float64 `toml:"eitc_phase_in_rate,omitempty"`      // default 0.0765
	EITCMax           *float64 `toml:"eitc_max,omitempty"`                // $; default 632
	EITCPhaseOutStart *float64 `toml:"eitc_phase_out_start,omitempty"`    // $ of earnings; default 10330
	EITCPhaseOutRate  *float64 `toml:"eitc_phase_out_rate,omitempty"`     // default 0.0765
	EITCMinAge        *float64 `toml:"eitc_min_age,omitempty"`            // youngest age the credit reaches, where workers have ages; default 25
	EITCMaxAge        *float64 `toml:"eitc_max_age,omitempty"`            // oldest; default 64
	// Savers only: taxes beside the labour schedule (docs/households.md, "Households
	// that save").
	Kind            string   `toml:"kind,omitempty"`             // brackets | hsv (labour tax T(y) = y − λ·y^(1−τ), added to the brackets'); default brackets
	Lambda          *float64 `toml:"lambda,omitempty"`           // hsv: level λ > 0
	Progressivity   *float64 `toml:"progressivity,omitempty"`    // hsv: τ ∈ (−1, 1)
	CapitalRate     *float64 `toml:"capital_rate,omitempty"`     // τ_k ∈ [0, 1] on positive returns r·a; default 0
	WealthRate      *float64 `toml:"wealth_rate,omitempty"`      // τ_w ∈ [0, 1) per round on wealth above the exemption; default 0
	WealthExemption *float64 `toml:"wealth_exemption,omitempty"` // wealth untaxed by wealth_rate; default 0
	ConsumptionRate *float64 `toml:"consumption_rate,omitempty"` // τ_c ∈ [0, 5] on consumption; default 0
}

// Planner chooses the schedule. Which keys apply depends on kind (and, for
// vote, on the candidate kinds).
type Planner struct {
	Kind          string               `toml:"kind"`                            // none | flat | fixed | us_federal | saez | search | learn | llm | vote; default us_federal
	Objective     string               `toml:"objective"`                       // the metric optimising planners maximise; default utilitarian
	Rate          *float64             `toml:"rate,omitempty"`                  // flat only: the one marginal rate
	Rates         []float64            `toml:"rates,omitempty"`                 // fixed only: one marginal rate per bracket
	Budget        int                  `toml:"budget,omitempty,omitzero"`       // search and report_gap: model evaluations per tax period; default 400
	ReportGap     bool                 `toml:"report_gap,omitempty"`            // compute stackelberg_gap for planners other than search; default false
	Weights       string               `toml:"weights,omitempty"`               // saez: welfare weights, inv_income | uniform; default inv_income
	Elasticity    *float64             `toml:"elasticity,omitempty"`            // saez: a fixed elasticity; absent: estimated from the history
	Start         []float64            `toml:"start,omitempty"`                 // learn: initial rates, one or one per bracket; default 0
	Step          *float64             `toml:"step,omitempty"`                  // learn: SPSA gain a; default 0.2
	Perturbation  *float64             `toml:"perturbation,omitempty"`          // learn: SPSA perturbation c; default 0.05
	Candidates    []string             `toml:"candidates,omitempty"`            // vote: planner kinds whose proposals are on the ballot
	Rule          string               `toml:"rule,omitempty"`                  // vote: plurality | borda; default plurality
	Perturbations *int                 `toml:"perturbations,omitempty"`         // vote: perturbed status-quo candidates; default 2
	SwitchRound   int                  `toml:"switch_round,omitempty,omitzero"` // fixed: the round from which `after` applies (a multiple of tax.period); default 0 (never)
	After         []float64            `toml:"after,omitempty"`                 // fixed: the rates from switch_round on
	AnnounceRound *int                 `toml:"announce_round,omitempty"`        // fixed, savers with perfect foresight: the round households learn of the reform, ≤ switch_round; default switch_round
	Instrument    household.Instrument `toml:"instrument,omitempty"`            // savers: what the rates set: labor | capital_rate | wealth_rate | consumption_rate; default labor
}

// Market turns hours into income. All keys but kind are production only.
type Market struct {
	Kind           string           `toml:"kind"`                      // fixed_wage | production; default fixed_wage
	Alpha          *float64         `toml:"alpha,omitempty"`           // capital share α ∈ (0, 1); default 0.33
	TFP            *float64         `toml:"tfp,omitempty"`             // total factor productivity > 0; default 1
	Capital        *float64         `toml:"capital,omitempty"`         // initial capital per worker (currency units) > 0; default 200000
	Ownership      market.Ownership `toml:"ownership,omitempty"`       // who gets profits: equal | skill; default equal
	OwnershipPower *float64         `toml:"ownership_power,omitempty"` // skill: shares ∝ skill^power, ≥ 0; default 1
	TaxCapital     bool             `toml:"tax_capital,omitempty"`     // tax capital income with labour income; default false
	Depreciation   *float64         `toml:"depreciation,omitempty"`    // δ ∈ [0, 1] per round; default 0
	Saving         *float64         `toml:"saving,omitempty"`          // s ∈ [0, 1] of output invested; default 0 (constant capital)
	Tolerance      *float64         `toml:"tolerance,omitempty"`       // clearing tolerance on |S − L_d|/L_d; default 1e-10
}

// Output says where a run writes.
type Output struct {
	Dir string `toml:"dir"` // run folder; {name} and {seed} are replaced; default results/{name}/seed-{seed}
}

// defaults returns a scenario holding every scalar default; kind-dependent
// defaults are filled by resolve after decoding.
func defaults() Scenario {
	return Scenario{
		Seed:       1,
		Rounds:     50,
		Population: Population{Agents: 1000, HoursMax: 5000},
		Utility:    Utility{Kind: "quasilinear", Elasticity: 0.5},
		Agents:     Agents{Behavior: "rational"},
		Tax:        Tax{Period: 10, Redistribution: sim.LumpSum, RateMin: 0, RateMax: 1},
		Planner:    Planner{Kind: "us_federal", Objective: sim.DefaultObjective},
		Market:     Market{Kind: "fixed_wage"},
		Output:     Output{Dir: "results/{name}/seed-{seed}"},
	}
}

// Default kind-dependent values.
const (
	defaultKappaQuasilinear = 4e-6     // √(0.8·20/4e-6) = 2000 hours for a $20/h worker at a 20% rate
	defaultKappaIsoelastic  = 1.25e-10 // log utility without transfers: l = κ^(−e/(1+e)) = 2000 hours at e = 0.5
	defaultEta              = 1.0
	defaultNoise            = 0.1
	defaultAdjustment       = 0.5
	defaultShare            = 0.2
	defaultHoursPerYear     = 2080.0
	defaultBrackets         = "us_federal_2024"
	defaultAlpha            = 0.33
	defaultTFP              = 1.0
	defaultCapital          = 200000.0 // with α = 0.33 and tfp 1, ω ≈ 1 for the quickstart population
	defaultTolerance        = 1e-10

	defaultMaxConnectionFailures = 10
)

func ptr(v float64) *float64 { return &v }
