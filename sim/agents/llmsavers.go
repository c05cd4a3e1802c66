package agents

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/econsim/econsim/sim/llm"
	"github.com/econsim/econsim/sim/tax"
)

// LLMSavers lets a language model decide how much households that save
// consume (agents.saving = "llm").
//
// Archetypes are productivity state × wealth quantile: each state's
// households are cut, by wealth at the start of the round, into Q =
// max(1, Archetypes/states) equal groups, and each group's median wealth is
// its representative's. Each round the model is asked Samples times per
// archetype, as the representative, for the share of its cash on hand to
// spend; every member spends that share of its own cash on hand (one of
// the replies, chosen by a hash of the household's state and wealth), kept
// within its budget and borrowing limit. A reply is JSON {"consume_share":
// number in [0, 1], "reason": string}; after Reasks failed re-asks (or a
// request that fails for good) the client counts a fallback and the
// archetype's members follow their own optimal policy (for that sample).
//
// Money in the prompts is model units times DollarsPerUnit, so that the
// model reads dollar amounts of a plausible size (mean labour income near
// $60,000 in Aiyagari's units).
type LLMSavers struct {
	Client     *llm.Client
	Archetypes int // K, split as states × wealth quantiles
	Samples    int // replies per archetype per round, ≥ 1
	Reasks     int // re-asks after an unusable reply

	q        int         // wealth quantiles per state
	cuts     [][]float64 // per state, the Q−1 wealth cutoffs of this round
	reps     [][]float64 // per state, each quantile's median wealth
	first    [][]int     // per state, each quantile's first member (in wealth order)
	shares   [][]float64 // per archetype (s·Q + k), this round's sampled shares
	limit    float64
	ctax     float64
	samples  int
	fallback Rule
	mix      func(uint64) uint64
}

// DollarsPerUnit converts model units to the dollars LLM savers read.
const DollarsPerUnit = 50000

// SaverInput is what the engine tells LLM savers at the start of a round.
type SaverInput struct {
	Round    int
	Rate     float64 // r this round, before taxes
	Wage     float64 // w per efficiency unit
	Transfer float64 // the lump-sum transfer this round
	Budget   *Budget // cash on hand, per state and wealth
	Chain    *Chain
	Limit    float64 // the lowest wealth allowed, −b
	// Fallback is the optimal policy, which the members of an archetype
	// without a usable reply follow.
	Fallback Rule
	// Mix is the project's seed mix (rng.SplitMix64), which picks a
	// member's reply among several samples.
	Mix func(uint64) uint64
	// Announced, when not "", is a reform households have been told of
	// ("a wealth tax of 1% a year from year 101"), and Ahead the prices and
	// transfers they foresee for the coming years: households that foresee
	// a reform's path are told both.
	Announced string
	Ahead     []Outlook
}

// Outlook is a year's foreseen prices and transfer.
type Outlook struct {
	Round                int
	Rate, Wage, Transfer float64
}

// Ask groups the households and asks the model for every archetype's
// share of cash on hand to spend this round; Decide then applies it. It
// returns an error only for what a fallback cannot mend (a cancelled run, a
// replay miss, a damaged cache).
func (ls *LLMSavers) Ask(ctx context.Context, in SaverInput, pop *Population) error {
	n := in.Chain.States()
	// no state has more groups than households: more would only repeat
	// a representative, and a call
	ls.q = max(1, min(ls.Archetypes/n, len(pop.State)))
	ls.samples = max(ls.Samples, 1)
	ls.limit, ls.ctax, ls.fallback, ls.mix = in.Limit, in.Budget.Tax.Consumption, in.Fallback, in.Mix
	ls.group(pop, n)
	ls.shares = make([][]float64, n*ls.q)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(ls.Client.MaxConcurrency())
	for s := range n {
		for k, a := range ls.reps[s] {
			if math.IsNaN(a) || ls.repeats(s, k) { // nobody in this state, or the group before's members
				continue
			}
			arch := s*ls.q + k
			ls.shares[arch] = make([]float64, ls.samples)
			msgs := ls.prompt(in, s, a)
			for j := range ls.samples {
				g.Go(func() error {
					var reply struct {
						Share *float64 `json:"consume_share"`
					}
					check := func(raw json.RawMessage) error {
						if err := json.Unmarshal(raw, &reply); err != nil {
							return err
						}
						if reply.Share == nil {
							return fmt.Errorf(`the object has no "consume_share"`)
						}
						if x := *reply.Share; math.IsNaN(x) || x < 0 || x > 1 {
							return fmt.Errorf("consume_share must be a number from 0 to 1, got %g", x)
						}
						return nil
					}
					_, ok, err := ls.Client.AskJSON(gctx, msgs, j, ls.Reasks, check)
					if err != nil {
						return fmt.Errorf("llm savers, state %d, wealth group %d: %w", s, k, err)
					}
					if ok {
						ls.shares[arch][j] = *reply.Share
					} else { // its members follow the optimal policy
						ls.shares[arch][j] = math.NaN()
						ls.Client.AddFallback()
					}
					return nil
				})
			}
		}
	}
	if err := g.Wait(); err != nil {
		return err
	}
	for s := range n {
		for k := range ls.q {
			if ls.repeats(s, k) {
				ls.shares[s*ls.q+k] = ls.shares[s*ls.q+k-1]
			}
		}
	}
	return nil
}

// repeats reports whether group k of state s holds the same households as
// group k − 1 (a state with fewer households than groups): its members
// take that group's reply, and no call is made for it.
func (ls *LLMSavers) repeats(s, k int) bool {
	return k > 0 && !math.IsNaN(ls.reps[s][k]) && ls.first[s][k] == ls.first[s][k-1]
}

// group finds, per state, the wealth quantile cutoffs and each quantile's
// median wealth (NaN for a state nobody is in).
func (ls *LLMSavers) group(pop *Population, n int) {
	byState := make([][]float64, n)
	for i, s := range pop.State {
		byState[s] = append(byState[s], pop.Wealth[i])
	}
	ls.cuts, ls.reps, ls.first = make([][]float64, n), make([][]float64, n), make([][]int, n)
	for s, w := range byState {
		slices.Sort(w)
		ls.reps[s], ls.first[s] = make([]float64, ls.q), make([]int, ls.q)
		for k := range ls.q {
			if len(w) == 0 {
				ls.reps[s][k] = math.NaN()
				continue
			}
			lo := k * len(w) / ls.q // < len(w) as k < q
			hi := max((k+1)*len(w)/ls.q, lo+1)
			ls.first[s][k] = lo
			ls.reps[s][k] = w[(lo+hi-1)/2]
			if k > 0 {
				ls.cuts[s] = append(ls.cuts[s], w[lo])
			}
		}
	}
}

var _ Rule = (*LLMSavers)(nil)

// Decide implements Rule for this round: the archetype's share of cash on
// hand, kept within the budget and the limit.
func (ls *LLMSavers) Decide(s int, a, m float64) (float64, float64) {
	cuts := ls.cuts[s]
	k := sort.Search(len(cuts), func(i int) bool { return cuts[i] > a }) // cutoffs at or below a
	sh := ls.shares[s*ls.q+k]
	x := sh[0]
	if len(sh) > 1 { // one of the replies, by a hash of (state, wealth)
		x = sh[ls.mix(math.Float64bits(a)^uint64(s))%uint64(len(sh))]
	}
	if math.IsNaN(x) { // no usable reply: the household's own optimal choice
		return ls.fallback.Decide(s, a, m)
	}
	return clampRule(m, m-x*m, ls.limit, ls.ctax)
}

// prompt is what a representative in state s with wealth a is asked.
func (ls *LLMSavers) prompt(in SaverInput, s int, a float64) []llm.Message {
	usd := func(x float64) string { return "$" + tax.Money(x*DollarsPerUnit) }
	b, ch := in.Budget, in.Chain
	earn := b.Income[s] - in.Transfer
	m := b.Cash(a, s)
	sys := "You are the head of a household in an economy without insurance against losing income. Each year you decide how much of the money you have to spend; " +
		"whatever you do not spend stays in your savings and earns interest. You cannot borrow" +
		func() string {
			if in.Limit < 0 {
				return " more than " + usd(-in.Limit)
			}
			return ""
		}() + `. Answer with only a JSON object: {"consume_share": <number from 0 to 1>, "reason": "<one short sentence>"}.`
	var sb strings.Builder
	fmt.Fprintf(&sb, "Year %d.\n", in.Round+1)
	fmt.Fprintf(&sb, "Your savings: %s, earning %.2f%% interest this year (before tax).\n", usd(a), 100*in.Rate)
	fmt.Fprintf(&sb, "Your earnings this year after tax: %s (your earning power is level %d of %d; the average is %s).\n", usd(earn), s+1, ch.States(), usd(in.Wage))
	if in.Transfer != 0 {
		fmt.Fprintf(&sb, "You receive %s from the redistribution of tax revenue.\n", usd(in.Transfer))
	}
	n := ch.States()
	var up, down float64
	for j, p := range ch.P[s*n : (s+1)*n] {
		switch {
		case j > s:
			up += p
		case j < s:
			down += p
		}
	}
	fmt.Fprintf(&sb, "Next year your earning power rises with probability %.0f%%, falls with probability %.0f%%, and stays the same otherwise.\n", 100*up, 100*down)
	if in.Announced != "" {
		fmt.Fprintf(&sb, "The government has announced %s.\n", in.Announced)
	}
	if len(in.Ahead) > 0 {
		sb.WriteString("Expected in the coming years:")
		for _, o := range in.Ahead {
			fmt.Fprintf(&sb, " year %d: interest %.2f%%, average earnings %s", o.Round+1, 100*o.Rate, usd(o.Wage))
			if math.Abs(o.Transfer*DollarsPerUnit) >= 0.5 { // a path's zero is within its tolerance
				fmt.Fprintf(&sb, ", redistribution %s", usd(o.Transfer))
			}
			sb.WriteString(";")
		}
		sb.WriteString("\n")
	}
	fmt.Fprintf(&sb, "In all you have %s this year. What share of it will you spend?", usd(m))
	return []llm.Message{{Role: "system", Content: sys}, {Role: "user", Content: sb.String()}}
}
