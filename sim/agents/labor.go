package agents

import (
	"errors"
	"fmt"
	"math"

	"github.com/econsim/econsim/sim/tax"
)

// Labor is the hours of households that save with utility.labor =
// "elastic": period utility u(c) − κ·h^(1+1/e)/(1+1/e), hours h ∈ [0,
// HoursMax] (units of the time endowment, 1 being the inelastic savers'
// hours), paid w·l(s)·h and taxed by the labour schedule.
//
// Given consumption c, the hours solve the static problem
// max_h λ·Net(w·l·h) − κ·h^(1+1/e)/(1+1/e) with λ = u'(c)/(1 + τ_c), the
// marginal utility of a unit of spending: the quasi-linear worker's problem
// with the disutility scale κ/λ. Its exact best response (Response) applies
// with the potential λ^e·(w·l)^(1+e) — on a convex schedule (non-decreasing
// rates), where the quasi-linear optimum has a closed form; other schedules
// are refused.
type Labor struct {
	Wage []float64 // w·l(s) per state
	resp *Response
	u    Utility
}

// NewLabor prepares the hours of savers with disutility scale kappa and
// elasticity e, at most hmax hours, under the labour schedule s, for the
// efficiency wages wage (w·l(s) per state).
func NewLabor(kappa, e, hmax float64, s tax.Schedule, wage []float64) (*Labor, error) {
	if !s.Convex() {
		return nil, errors.New("elastic hours for savers need a labour schedule with non-decreasing rates")
	}
	u := Utility{Kind: Quasilinear, Elasticity: e, Kappa: kappa}
	if err := u.Validate(); err != nil {
		return nil, err
	}
	if !(hmax > 0) || math.IsInf(hmax, 0) {
		return nil, fmt.Errorf("hours cap must be positive and finite, got %v", hmax)
	}
	u.Init()
	return &Labor{Wage: wage, resp: NewResponse(u, s, hmax), u: u}, nil
}

// Choose returns the hours and labour income of a household in state s
// whose marginal utility of spending is lambda.
func (lb *Labor) Choose(s int, lambda float64) (h, y float64) {
	w := lb.Wage[s]
	if w <= 0 {
		return 0, 0
	}
	return lb.resp.Choice(w, math.Pow(lambda, lb.u.Elasticity)*lb.u.Potential(w), 0, 0)
}

// Net is labour income after the labour tax.
func (lb *Labor) Net(y float64) float64 { return lb.resp.Schedule().Net(y) }

// Tax is the labour tax on y.
func (lb *Labor) Tax(y float64) float64 { return lb.resp.Schedule().Tax(y) }

// Disutility is κ·h^(1+1/e)/(1+1/e).
func (lb *Labor) Disutility(h float64) float64 { return lb.u.Disutility(h) }

// HoursMax is the hours cap.
func (lb *Labor) HoursMax() float64 { return lb.resp.HoursMax() }
