# The Sequence-Space Jacobian toolkit (shade-econ/sequence-jacobian) on the
# economy TestTransitionSSJ checks econsim against: Aiyagari's technology,
# beta 0.96, EIS 1/3, Rouwenhorst(0.6, 0.4, 7), agrid(200, 500), and a
# wealth tax tau on beginning-of-period assets rebated lump-sum as tau*K.
# It prints both stationary r and the first rounds of the path after an
# unexpected 1% tax. Run with Debian's python3-numpy, -scipy and -numba and
# the toolkit's src/ folder on the path:
#   SSJ_SRC=/path/to/sequence-jacobian/src python3 scripts/crosscheck/ssj_transition.py
import os, sys, time
sys.path.insert(0, os.environ.get('SSJ_SRC', 'sequence-jacobian/src'))
import numpy as np
from sequence_jacobian import grids, simple, create_model, het, interpolate, misc

def hh_init(a_grid, y, r, eis):
    coh = (1 + r) * a_grid[np.newaxis, :] + y[:, np.newaxis]
    Va = (1 + r) * (0.1 * coh) ** (-1 / eis)
    return Va

@het(exogenous='Pi', policy='a', backward='Va', backward_init=hh_init)
def hh(Va_p, a_grid, y, r, tau, beta, eis):
    R = 1 + r - tau
    c_nextgrid = (beta * Va_p) ** (-eis)
    coh = R * a_grid[np.newaxis, :] + y[:, np.newaxis]
    a = interpolate.interpolate_y(c_nextgrid + a_grid, coh, a_grid)
    misc.setmin(a, a_grid[0])
    c = coh - a
    Va = R * c ** (-1 / eis)
    return Va, a, c

def make_grids(rho, sigma, nS, amax, nA):
    e_grid, _, Pi = grids.markov_rouwenhorst(rho=rho, sigma=sigma, N=nS)
    a_grid = grids.agrid(amax=amax, n=nA)
    return e_grid, Pi, a_grid

def income(w, e_grid, T):
    y = w * e_grid + T
    return y

@simple
def firm(K, alpha, delta, tau):
    r = alpha * K(-1) ** (alpha - 1) - delta
    w = (1 - alpha) * K(-1) ** alpha
    T = tau * K(-1)
    return r, w, T

@simple
def mkt(K, A):
    asset_mkt = A - K
    return asset_mkt

household = hh.add_hetinputs([income, make_grids])
model = create_model([household, firm, mkt])
cal = dict(beta=0.96, eis=1/3, rho=0.6, sigma=0.4, nS=7, amax=200, nA=500, alpha=0.36, delta=0.08)

def steady(tau):
    return model.solve_steady_state(dict(cal, tau=tau, K=5.0), {'K': (5.5, 9.0)}, {'asset_mkt': 0.}, solver='brentq')

start = time.time()
ss0, ss1 = steady(0.0), steady(0.01)
print("steady states in %.2f s" % (time.time() - start))
print("r before %.7f after %.7f  K before %.7f after %.7f" % (ss0['r'], ss1['r'], ss0['K'], ss1['K']))
T = 300
start = time.time()
path = model.solve_impulse_nonlinear(ss1, ['K'], ['asset_mkt'], {'tau': np.zeros(T)}, ss_initial=ss0)
print("transition in %.2f s" % (time.time() - start))
start = time.time()
model.solve_impulse_nonlinear(ss1, ['K'], ['asset_mkt'], {'tau': np.zeros(T)}, ss_initial=ss0)
print("transition again (compiled) in %.2f s" % (time.time() - start))
r = path["r"] + ss1["r"]
print("r0..r5", " ".join("%.7f" % x for x in r[:6]))
