package agents

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/econsim/econsim/sim/llm"
	"github.com/econsim/econsim/sim/tax"
)

// LLMWorkers lets a language model decide how much workers work.
//
// Archetypes (see group): K skill quantiles, or, with US personas,
// occupation × skill quantile; the median member of each is its
// representative, with its own persona (occupation and age). Each round the model is asked Samples times per
// archetype, as the representative; every member then draws one of those
// replies (uniformly, from the stream the engine passes) and scales it to its
// own wage: hours_i = hours_rep·(w_i/w_rep)^e, e the utility's elasticity
// (how a worker with quasi-linear utility scales its hours with its wage),
// capped at hours_max. So a round costs K × Samples calls (plus re-asks and
// retries) whatever the population. Archetypes = 0 asks once per worker.
//
// A reply is JSON {"hours": number, "reason": string} with hours in
// [0, hours_max]; after Reasks failed re-asks (or a request that fails for
// good) the representative falls back to the heuristic best response and the
// client counts a fallback.
type LLMWorkers struct {
	Client     *llm.Client
	Archetypes int     // K; 0: one archetype per worker
	Samples    int     // replies per archetype per round, ≥ 1
	Reasks     int     // re-asks after an unusable reply
	HoursMax   float64 // hours per round
	Elasticity float64 // e of the hours scaling

	k      int
	n      int
	assign []int32       // archetype of each worker, when they are not skill quantiles
	reps   []int         // representative of each archetype
	sizes  []int         // workers in each archetype
	hist   [][]histEntry // per archetype, the representative's recent rounds
	hours  [][]float64   // per archetype, this round's sampled hours
}

type histEntry struct {
	round                      int
	hours, income, consumption float64
}

// DecideInput is what the engine tells the workers at the start of a round.
type DecideInput struct {
	Round    int
	Schedule tax.Schedule
	Wage     float64             // the wage index they decide at (1 under a fixed wage)
	Transfer func(i int) float64 // the transfer worker i expects
	Fallback func(i int) float64 // the heuristic best-response hours of worker i
}

// Groups returns the number of archetypes for a population of n.
func (w *LLMWorkers) Groups(n int) int {
	if w.Archetypes <= 0 || w.Archetypes > n {
		return n
	}
	return w.Archetypes
}

// Archetype returns the archetype of worker i.
func (w *LLMWorkers) Archetype(i int) int {
	if w.assign != nil {
		return int(w.assign[i])
	}
	return int(int64(i) * int64(w.k) / int64(w.n))
}

// Representative returns archetype a's representative worker.
func (w *LLMWorkers) Representative(a int) int { return w.reps[a] }

// size returns the number of workers in archetype a.
func (w *LLMWorkers) size(a int) int { return w.sizes[a] }

// group builds the archetypes of a population of n. Without personas they
// are K skill quantiles: worker i (workers are sorted by skill) belongs to
// ⌊i·K/N⌋. With personas (skill dist us_occupations) and K at least the
// number of occupations present, they are occupation × skill quantile: each
// occupation gets archetypes in proportion to its workers (at least one, by
// largest remainders), and its workers, in skill order, are cut into that
// many equal groups — so a representative speaks for workers of its own
// occupation and wage level. The representative is each group's median
// member.
func (w *LLMWorkers) group(pop *Population) {
	n := pop.Len()
	k := w.Groups(n)
	w.n, w.k, w.assign = n, k, nil
	var members [][]int // per archetype, its workers in skill order
	if occ := pop.Occupation; occ != nil {
		byOcc := map[uint8][]int{}
		var order []uint8
		for i, o := range occ {
			if _, ok := byOcc[o]; !ok {
				order = append(order, o)
			}
			byOcc[o] = append(byOcc[o], i)
		}
		slices.Sort(order)
		if k >= len(order) {
			alloc := apportion(k, order, byOcc, n)
			for _, o := range order {
				ws := byOcc[o]
				for q := range alloc[o] {
					lo, hi := q*len(ws)/alloc[o], (q+1)*len(ws)/alloc[o]
					members = append(members, ws[lo:hi])
				}
			}
		}
	}
	if members == nil {
		for a := range k {
			lo := int((int64(a)*int64(n) + int64(k) - 1) / int64(k))
			hi := int((int64(a+1)*int64(n) + int64(k) - 1) / int64(k))
			members = append(members, seq(lo, hi))
		}
	} else {
		w.assign = make([]int32, n)
		for a, ws := range members {
			for _, i := range ws {
				w.assign[i] = int32(a)
			}
		}
	}
	w.k = len(members)
	w.reps, w.sizes = make([]int, w.k), make([]int, w.k)
	for a, ws := range members {
		w.reps[a], w.sizes[a] = ws[(len(ws)-1)/2], len(ws)
	}
	w.hist = make([][]histEntry, w.k)
	w.hours = make([][]float64, w.k)
}

// apportion gives k archetypes to the occupations in proportion to their
// workers, at least one each, by largest remainders (ties to the lower code).
func apportion(k int, order []uint8, byOcc map[uint8][]int, n int) map[uint8]int {
	alloc := map[uint8]int{}
	left := k - len(order)
	type rem struct {
		o uint8
		r float64
	}
	var rems []rem
	for _, o := range order {
		exact := float64(left) * float64(len(byOcc[o])) / float64(n)
		alloc[o] = 1 + int(exact)
		rems = append(rems, rem{o, exact - math.Floor(exact)})
	}
	given := 0
	for _, a := range alloc {
		given += a
	}
	slices.SortStableFunc(rems, func(a, b rem) int {
		switch {
		case a.r > b.r:
			return -1
		case a.r < b.r:
			return 1
		}
		return 0
	})
	for i := 0; given < k; i++ {
		alloc[rems[i%len(rems)].o]++
		given++
	}
	return alloc
}

func seq(lo, hi int) []int {
	s := make([]int, hi-lo)
	for i := range s {
		s[i] = lo + i
	}
	return s
}

// Decide asks the model for this round's hours of every archetype. It
// returns an error only for what a fallback cannot mend (a cancelled run, a
// replay miss, a damaged cache).
func (w *LLMWorkers) Decide(ctx context.Context, in DecideInput, pop *Population) error {
	w.ensure(pop)
	samples := max(w.Samples, 1)
	if in.Round > 0 {
		for a := range w.k {
			r := w.Representative(a)
			h := append(w.hist[a], histEntry{in.Round - 1, pop.Hours[r], pop.Income[r], pop.Consumption[r]})
			w.hist[a] = h[max(0, len(h)-3):]
		}
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(w.Client.MaxConcurrency())
	for a := range w.k {
		w.hours[a] = append(w.hours[a][:0], make([]float64, samples)...)
		r := w.Representative(a)
		msgs := w.prompt(in, pop, a, r)
		for s := range samples {
			g.Go(func() error {
				var reply struct {
					Hours *float64 `json:"hours"`
				}
				check := func(raw json.RawMessage) error {
					if err := json.Unmarshal(raw, &reply); err != nil {
						return err
					}
					if reply.Hours == nil {
						return fmt.Errorf(`the object has no "hours"`)
					}
					if h := *reply.Hours; math.IsNaN(h) || h < 0 || h > w.HoursMax {
						return fmt.Errorf("hours must be a number from 0 to %g, got %g", w.HoursMax, h)
					}
					return nil
				}
				_, ok, err := w.Client.AskJSON(gctx, msgs, s, w.Reasks, check)
				if err != nil {
					return fmt.Errorf("llm workers, archetype %d: %w", a, err)
				}
				if ok {
					w.hours[a][s] = *reply.Hours
				} else {
					w.hours[a][s] = in.Fallback(r)
					w.Client.AddFallback()
				}
				return nil
			})
		}
	}
	return g.Wait()
}

func (w *LLMWorkers) ensure(pop *Population) {
	if w.n != pop.Len() || w.reps == nil {
		w.group(pop)
	}
}

// Hours returns worker i's hours this round: a sample of its archetype's
// replies, scaled to its skill. r may be nil when Samples ≤ 1.
func (w *LLMWorkers) Hours(i int, pop *Population, r *rand.Rand) float64 {
	a := w.Archetype(i)
	hs := w.hours[a]
	h := hs[0]
	if len(hs) > 1 {
		h = hs[r.IntN(len(hs))]
	}
	if rep := w.Representative(a); rep != i {
		if sr := pop.Skill[rep]; sr > 0 {
			h *= math.Pow(pop.Skill[i]/sr, w.Elasticity)
		}
	}
	return min(max(h, 0), w.HoursMax)
}

// prompt is what archetype a's representative r is asked.
func (w *LLMWorkers) prompt(in DecideInput, pop *Population, a, r int) []llm.Message {
	wage := pop.Skill[r] * in.Wage
	sys := w.system(pop, r, in.Wage, hoursReply)
	var b strings.Builder
	fmt.Fprintf(&b, "Year %d.\nIncome tax: %s.\n", in.Round+1, in.Schedule.Prose())
	tr := in.Transfer(r)
	if tr != 0 {
		fmt.Fprintf(&b, "You also expect to receive about $%s this year from the redistribution of tax revenue; it does not depend on your hours.\n", tax.Money(tr))
	}
	b.WriteString("Take-home pay (income minus tax, plus that transfer) at your wage:\n")
	for _, f := range []float64{0.2, 0.4, 0.6} {
		h := math.Round(f * w.HoursMax)
		z := wage * h
		fmt.Fprintf(&b, "- %g hours: income $%s, tax $%s, take-home $%s\n", h, tax.Money(z), tax.Money(in.Schedule.Tax(z)), tax.Money(z-in.Schedule.Tax(z)+tr))
	}
	if hs := w.hist[a]; len(hs) > 0 {
		b.WriteString("Your recent years:\n")
		for _, h := range hs {
			fmt.Fprintf(&b, "- year %d: %g hours, income $%s, take-home $%s\n", h.round+1, math.Round(h.hours), tax.Money(h.income), tax.Money(h.consumption))
		}
	}
	fmt.Fprintf(&b, "How many hours will you work in year %d?", in.Round+1)
	return []llm.Message{{Role: "system", Content: sys}, {Role: "user", Content: b.String()}}
}

// hoursReply is the reply format of an hours decision.
const hoursReply = `{"hours": <number>, "reason": "<one short sentence>"}`

// system is the representative's persona and the reply format asked for.
func (w *LLMWorkers) system(pop *Population, r int, wageIndex float64, reply string) string {
	who := "a worker in the United States"
	if pop.Occupation != nil {
		o := Occupations()[pop.Occupation[r]]
		who = fmt.Sprintf("a %d-year-old US worker in %s", pop.Age[r], strings.ToLower(o.Title))
	}
	return fmt.Sprintf("You are %s. You earn $%.2f an hour. Each year you decide how many hours to work, "+
		"from 0 to %g, weighing the money against your time. Answer with only a JSON object: %s.", who, pop.Skill[r]*wageIndex, w.HoursMax, reply)
}
