package agents

import (
	"errors"
	"fmt"
	"math"

	"github.com/econsim/econsim/sim/field"
)

// Productivity is a household's idiosyncratic labour productivity l: a
// finite Markov chain, either the discretisation of an AR(1) in logs,
//
//	log l' = ρ·log l + σ·√(1−ρ²)·ε,  ε ~ N(0, 1),
//
// (σ is the unconditional standard deviation of log l, as in Aiyagari 1994,
// eq. 14) or explicit levels and a transition matrix. Levels are scaled so
// that the chain's stationary mean of l is 1.
type Productivity struct {
	Process string  // "ar1" or "markov"
	Rho     float64 // ar1: persistence ρ ∈ (−1, 1)
	Sigma   float64 // ar1: unconditional sd of log l, ≥ 0
	States  int     // ar1: number of states, 1 … MaxStates; default 7
	Method  string  // ar1: "tauchen" (default) or "rouwenhorst"
	Width   float64 // ar1, tauchen: grid half-width in unconditional sds; default 3

	Levels     []float64   // markov: productivity of each state, > 0
	Transition [][]float64 // markov: row-stochastic matrix, Transition[s][s'] = P(s' | s)

	// TopState, when not nil, adds a rare, very productive state to the
	// chain (Castañeda, Díaz-Giménez and Ríos-Rull 2003's lever on the top
	// of the wealth distribution).
	TopState *TopState
}

// MaxStates bounds the chain: a household's state is a uint8.
const MaxStates = 255

// rowTolerance is how far a transition row's sum may be from 1.
const rowTolerance = 1e-9

// Validate checks the process; errors are field errors.
func (p Productivity) Validate() error {
	switch p.Process {
	case "ar1":
		var errs []error
		if !(p.Rho > -1 && p.Rho < 1) {
			errs = append(errs, field.Errorf("Rho", "must be in (-1, 1), got %v", p.Rho))
		}
		if !(p.Sigma >= 0) || p.Sigma > 10 {
			errs = append(errs, field.Errorf("Sigma", "must be in [0, 10], got %v", p.Sigma))
		}
		if p.States < 1 || p.States > MaxStates {
			errs = append(errs, field.Errorf("States", "must be between 1 and %d, got %d", MaxStates, p.States))
		}
		switch p.Method {
		case "tauchen":
			if !(p.Width > 0) || p.Width > 10 {
				errs = append(errs, field.Errorf("Width", "must be in (0, 10], got %v", p.Width))
			}
		case "rouwenhorst":
		default:
			errs = append(errs, field.Errorf("Method", "must be tauchen or rouwenhorst, got %q", p.Method))
		}
		return errors.Join(append(errs, p.validateTop())...)
	case "markov":
		return errors.Join(p.validateMarkov(), p.validateTop())
	}
	return field.Errorf("Process", "must be ar1 or markov, got %q", p.Process)
}

func (p Productivity) validateMarkov() error {
	n := len(p.Levels)
	if n < 1 || n > MaxStates {
		return field.Errorf("Levels", "must have between 1 and %d levels, got %d", MaxStates, n)
	}
	for i, l := range p.Levels {
		if !(l > 0) || math.IsInf(l, 0) {
			return field.Errorf("Levels", "level %d must be positive and finite, got %v", i, l)
		}
	}
	if len(p.Transition) != n {
		return field.Errorf("Transition", "must have %d rows (one per level), got %d", n, len(p.Transition))
	}
	for i, row := range p.Transition {
		if len(row) != n {
			return field.Errorf("Transition", "row %d must have %d entries, got %d", i, n, len(row))
		}
		sum := 0.0
		for j, x := range row {
			if !(x >= 0 && x <= 1) {
				return field.Errorf("Transition", "entry [%d][%d] must be a probability in [0, 1], got %v", i, j, x)
			}
			sum += x
		}
		if math.Abs(sum-1) > rowTolerance {
			return field.Errorf("Transition", "row %d sums to %.12g, not 1", i, sum)
		}
	}
	return ergodic(p.Transition)
}

// ergodic returns an error unless the chain with transition rows P has one
// stationary distribution that every start converges to: every state
// reaches every other (irreducible) and returns at times with no common
// divisor above 1 (aperiodic). Households' wealth distribution is solved as
// the limit of the chain's, so both are needed.
func ergodic(P [][]float64) error {
	n := len(P)
	// breadth-first levels from state 0; every state reached, and state 0
	// reached back from every state, make the chain irreducible
	level := make([]int, n)
	for i := range level {
		level[i] = -1
	}
	level[0] = 0
	queue := []int{0}
	for len(queue) > 0 {
		i := queue[0]
		queue = queue[1:]
		for j, x := range P[i] {
			if x > 0 && level[j] < 0 {
				level[j] = level[i] + 1
				queue = append(queue, j)
			}
		}
	}
	back := make([]bool, n)
	back[0] = true
	for changed := true; changed; {
		changed = false
		for i := range n {
			for j, x := range P[i] {
				if x > 0 && back[j] && !back[i] {
					back[i], changed = true, true
				}
			}
		}
	}
	for i := range n {
		if level[i] < 0 || !back[i] {
			return field.Errorf("Transition", "states 0 and %d do not both reach each other: households would stay apart forever, so there is no single stationary distribution; give every state a path to every other", i)
		}
	}
	// the period is the gcd of level[i] + 1 − level[j] over the edges i → j
	period := 0
	for i := range n {
		for j, x := range P[i] {
			if x > 0 {
				period = gcd(period, abs(level[i]+1-level[j]))
			}
		}
	}
	if period > 1 {
		return field.Errorf("Transition", "the chain is periodic (it returns to a state only every %d rounds), so the households' distribution cycles and never settles; give some state a chance to stay or a path of another length", period)
	}
	return nil
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

func abs(x int) int { return max(x, -x) }

// Chain is a validated productivity process ready for use: levels with
// stationary mean 1, the transition matrix (row-major) and its rows'
// cumulative sums for draws.
type Chain struct {
	Levels     []float64 // l(s), Σ Stationary[s]·Levels[s] = 1
	P          []float64 // P[s·n + s'] = P(s' | s)
	Stationary []float64 // the stationary distribution
	cum        []float64 // cum[s·n + k] = Σ_{j ≤ k} P(j | s), last entry of a row 1
}

// States returns the number of states.
func (c *Chain) States() int { return len(c.Levels) }

// Chain builds the process's chain. It fails when the chain has no unique
// stationary distribution it can find (a reducible explicit matrix).
func (p Productivity) Chain() (*Chain, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	var logs, P []float64
	switch {
	case p.Process == "markov":
		n := len(p.Levels)
		logs = make([]float64, n)
		P = make([]float64, n*n)
		for i, l := range p.Levels {
			logs[i] = math.Log(l)
			copy(P[i*n:], p.Transition[i])
		}
	case p.Sigma == 0 || p.States == 1: // no risk: one state
		logs, P = []float64{0}, []float64{1}
	case p.Method == "rouwenhorst":
		logs, P = Rouwenhorst(p.Rho, p.Sigma, p.States)
	default:
		logs, P = Tauchen(p.Rho, p.Sigma, p.States, p.Width)
	}
	if p.TopState != nil {
		var err error
		if logs, P, err = withTop(logs, P, p.TopState); err != nil {
			return nil, err
		}
	}
	return newChain(logs, P)
}

// newChain normalises rows, finds the stationary distribution and scales
// the levels exp(logs) to stationary mean 1.
func newChain(logs, P []float64) (*Chain, error) {
	n := len(logs)
	for s := range n { // rows sum to 1 within rowTolerance; make it exact
		row := P[s*n : (s+1)*n]
		sum := 0.0
		for _, x := range row {
			sum += x
		}
		for j := range row {
			row[j] /= sum
		}
	}
	pi, err := stationary(P, n)
	if err != nil {
		return nil, err
	}
	c := &Chain{Levels: make([]float64, n), P: P, Stationary: pi, cum: make([]float64, n*n)}
	mean := 0.0
	for s, lg := range logs {
		c.Levels[s] = math.Exp(lg)
		mean += pi[s] * c.Levels[s]
	}
	for s := range c.Levels {
		c.Levels[s] /= mean
	}
	for s := range n {
		acc := 0.0
		for j := range n {
			acc += P[s*n+j]
			c.cum[s*n+j] = acc
		}
		c.cum[s*n+n-1] = 1 // a draw u < 1 always lands in the row
	}
	return c, nil
}

// Next returns the state that follows s for a uniform draw u ∈ [0, 1): the
// first s' whose cumulative probability exceeds u.
func (c *Chain) Next(s uint8, u float64) uint8 {
	n := len(c.Levels)
	row := c.cum[int(s)*n : int(s)*n+n]
	for j, x := range row {
		if u < x {
			return uint8(j)
		}
	}
	return uint8(n - 1)
}

// Tauchen discretises log l' = ρ·log l + σ·√(1−ρ²)·ε on n equally spaced
// points spanning ±width unconditional sds (Tauchen 1986): the probability of
// moving to point j is the normal mass of the half-way interval around it,
// the end points taking the tails. It returns the log levels and the
// row-major transition matrix.
func Tauchen(rho, sigma float64, n int, width float64) (logs, P []float64) {
	logs, P = make([]float64, n), make([]float64, n*n)
	top := width * sigma
	step := 2 * top / float64(n-1)
	for j := range logs {
		logs[j] = -top + float64(j)*step
	}
	se := sigma * math.Sqrt(1-rho*rho)
	cdf := func(x float64) float64 { return 0.5 * math.Erfc(-x/(se*math.Sqrt2)) }
	for i := range n {
		mean := rho * logs[i]
		for j := range n {
			var p float64
			switch j {
			case 0:
				p = cdf(logs[0] - mean + step/2)
			case n - 1:
				p = 1 - cdf(logs[n-1]-mean-step/2)
			default:
				p = cdf(logs[j]-mean+step/2) - cdf(logs[j]-mean-step/2)
			}
			P[i*n+j] = p
		}
	}
	return logs, P
}

// Rouwenhorst discretises the same AR(1) by Rouwenhorst's (1995) recursion
// with p = q = (1+ρ)/2 on n equally spaced points spanning ±σ·√(n−1) (Kopecky
// & Suen 2010): the chain's unconditional variance and autocorrelation equal
// the process's exactly, which Tauchen's only approximate when ρ is near 1.
func Rouwenhorst(rho, sigma float64, n int) (logs, P []float64) {
	p := (1 + rho) / 2
	m := []float64{p, 1 - p, 1 - p, p} // the 2-state matrix
	for k := 3; k <= n; k++ {
		next := make([]float64, k*k)
		add := func(i, j int, x float64) { next[i*k+j] += x }
		for i := range k - 1 {
			for j := range k - 1 {
				x := m[i*(k-1)+j]
				add(i, j, p*x)
				add(i, j+1, (1-p)*x)
				add(i+1, j, (1-p)*x)
				add(i+1, j+1, p*x)
			}
		}
		for i := 1; i < k-1; i++ { // the middle rows were counted twice
			for j := range k {
				next[i*k+j] /= 2
			}
		}
		m = next
	}
	if n == 1 {
		m = []float64{1}
	}
	logs = make([]float64, n)
	top := sigma * math.Sqrt(float64(n-1))
	for j := range logs {
		if n > 1 {
			logs[j] = -top + 2*top*float64(j)/float64(n-1)
		}
	}
	return logs, m
}

// stationary solves π = π·P, Σπ = 1 by Gaussian elimination with partial
// pivoting (n ≤ 255, so O(n³) is nothing). A reducible chain has no unique
// solution: the system is singular and this fails.
func stationary(P []float64, n int) ([]float64, error) {
	// Rows of A are the equations Σ_s π_s (P[s][j] − δ_sj) = 0 for j < n−1,
	// and Σ π_s = 1 replaces the last (redundant) one.
	A := make([]float64, n*(n+1))
	for j := range n {
		for s := range n {
			v := P[s*n+j]
			if s == j {
				v--
			}
			A[j*(n+1)+s] = v
		}
	}
	for s := range n {
		A[(n-1)*(n+1)+s] = 1
	}
	A[(n-1)*(n+1)+n] = 1
	for col := range n {
		piv := col
		for r := col + 1; r < n; r++ {
			if math.Abs(A[r*(n+1)+col]) > math.Abs(A[piv*(n+1)+col]) {
				piv = r
			}
		}
		if math.Abs(A[piv*(n+1)+col]) < 1e-13 {
			return nil, errors.New("the transition matrix has no unique stationary distribution (its states do not all communicate)")
		}
		if piv != col {
			for k := range n + 1 {
				A[col*(n+1)+k], A[piv*(n+1)+k] = A[piv*(n+1)+k], A[col*(n+1)+k]
			}
		}
		for r := range n {
			if r == col {
				continue
			}
			f := A[r*(n+1)+col] / A[col*(n+1)+col]
			if f == 0 {
				continue
			}
			for k := col; k <= n; k++ {
				A[r*(n+1)+k] -= f * A[col*(n+1)+k]
			}
		}
	}
	pi := make([]float64, n)
	for s := range n {
		pi[s] = max(A[s*(n+1)+n]/A[s*(n+1)+s], 0)
	}
	return pi, nil
}

// String describes the chain for logs.
func (c *Chain) String() string {
	return fmt.Sprintf("%d states, levels %.4g … %.4g", len(c.Levels), c.Levels[0], c.Levels[len(c.Levels)-1])
}
