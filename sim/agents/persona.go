package agents

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"sync"

	"gonum.org/v1/gonum/stat/distuv"
)

// The US occupation data (BLS OEWS May 2023, CPS 2025 table 11b; public
// domain, provenance in data/PROVENANCE.md).
var (
	//go:embed data/us_occupations_oews.csv
	oewsCSV []byte
	//go:embed data/us_employed_by_age_cps2025.csv
	cpsCSV []byte
)

// Occupation is one SOC major group with its wage quantiles and age mix.
type Occupation struct {
	Code, Title string
	Employment  float64      // OEWS jobs
	Quantiles   [][2]float64 // (probability, annual wage $) pairs, ascending
	AgeShares   []float64    // shares of the CPS age bands
}

// AgeBands are the CPS bands [lo, hi] in years (65+ is drawn from 65–74);
// an array, so no caller can change it.
var AgeBands = [...][2]int{{16, 19}, {20, 24}, {25, 34}, {35, 44}, {45, 54}, {55, 64}, {65, 74}}

// Occupations returns the 22 SOC major groups, parsed once from the
// embedded data.
var Occupations = sync.OnceValue(func() []Occupation {
	occ, err := parseOccupations()
	if err != nil {
		panic("agents: embedded occupation data: " + err.Error())
	}
	return occ
})

func parseOccupations() ([]Occupation, error) {
	rows, err := csv.NewReader(bytes.NewReader(oewsCSV)).ReadAll()
	if err != nil {
		return nil, err
	}
	ages, err := csv.NewReader(bytes.NewReader(cpsCSV)).ReadAll()
	if err != nil {
		return nil, err
	}
	byCode := map[string][]string{}
	for _, r := range ages[1:] {
		byCode[r[0]] = r
	}
	var out []Occupation
	for _, r := range rows[1:] {
		num := func(i int) (float64, bool) {
			v, err := strconv.ParseFloat(r[i], 64)
			return v, err == nil
		}
		o := Occupation{Code: r[0], Title: r[1]}
		o.Employment, _ = num(2)
		// Columns: annual_median 4, p10 6, p25 7, p75 8, p90 9.
		for _, q := range []struct {
			p   float64
			col int
		}{{0.10, 6}, {0.25, 7}, {0.50, 4}, {0.75, 8}, {0.90, 9}} {
			if v, ok := num(q.col); ok {
				o.Quantiles = append(o.Quantiles, [2]float64{q.p, v})
			}
		}
		a, ok := byCode[o.Code]
		if !ok {
			return nil, fmt.Errorf("no CPS age row for %s", o.Code)
		}
		var total float64
		for i := range AgeBands {
			v, err := strconv.ParseFloat(a[3+i], 64)
			if err != nil {
				return nil, err
			}
			o.AgeShares = append(o.AgeShares, v)
			total += v
		}
		for i := range o.AgeShares {
			o.AgeShares[i] /= total
		}
		out = append(out, o)
	}
	return out, nil
}

// Wage returns the annual wage at probability u ∈ (0, 1): piecewise linear
// in log wage against the standard normal quantile through the published
// quantiles (a lognormal between each pair), extended beyond p10 and p90
// with the slopes of the end segments.
func (o Occupation) Wage(u float64) float64 {
	u = min(max(u, 0.001), 0.999)
	z := distuv.UnitNormal.Quantile(u)
	q := o.Quantiles
	zs := func(i int) float64 { return distuv.UnitNormal.Quantile(q[i][0]) }
	i := sort.Search(len(q), func(i int) bool { return zs(i) >= z })
	i = min(max(i, 1), len(q)-1)
	z0, z1 := zs(i-1), zs(i)
	l0, l1 := math.Log(q[i-1][1]), math.Log(q[i][1])
	return math.Exp(l0 + (l1-l0)*(z-z0)/(z1-z0))
}

// SamplePersonas draws n workers: an occupation by OEWS employment share, an
// annual wage within that occupation's quantiles (Occupation.Wage), and an
// age from the occupation's CPS age mix (uniform within the band). Skill is
// the hourly wage, annual/hoursPerYear. The three slices are sorted together
// by skill, ascending (the population's order).
func SamplePersonas(n int, hoursPerYear float64, r *rand.Rand) (skill []float64, occ, age []uint8) {
	occs := Occupations()
	cum := make([]float64, len(occs))
	var total float64
	for i, o := range occs {
		total += o.Employment
		cum[i] = total
	}
	type p struct {
		s      float64
		oc, ag uint8
	}
	ps := make([]p, n)
	for i := range ps {
		k := min(sort.SearchFloat64s(cum, r.Float64()*total), len(occs)-1)
		o := occs[k]
		w := o.Wage(r.Float64()) / hoursPerYear
		band := len(AgeBands) - 1
		u := r.Float64()
		for b, sh := range o.AgeShares {
			if u < sh {
				band = b
				break
			}
			u -= sh
		}
		lo, hi := AgeBands[band][0], AgeBands[band][1]
		ps[i] = p{w, uint8(k), uint8(lo + r.IntN(hi-lo+1))}
	}
	slices.SortStableFunc(ps, func(a, b p) int {
		switch {
		case a.s < b.s:
			return -1
		case a.s > b.s:
			return 1
		}
		return 0
	})
	skill, occ, age = make([]float64, n), make([]uint8, n), make([]uint8, n)
	for i, v := range ps {
		skill[i], occ[i], age[i] = v.s, v.oc, v.ag
	}
	return skill, occ, age
}
