package record

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/econsim/econsim/sim"
)

var _ sim.Recorder = (*Rounds)(nil)

// Rounds is a sim.Recorder that streams rounds.csv to a temporary file and
// keeps what summary.json needs: the last round and the running mean over
// the last tax period.
type Rounds struct {
	path   string
	f      *os.File
	w      *bufio.Writer
	names  []string
	from   int // first round of the last tax period
	last   []float64
	sums   []float64
	nSum   int
	n      int
	buf    []byte
	closed bool
	// History of the objective and rates, for ConvergedRound.
	track  []int       // column indices of "objective" and "rate_*"
	traces [][]float64 // traces[r] = the tracked values of round r
}

// NewRounds starts dir/rounds.csv for a run of the given rounds and tax
// period, with the given columns after "round" (sim.Engine.Columns).
func NewRounds(dir string, rounds, period int, columns []string) (*Rounds, error) {
	path := filepath.Join(dir, "rounds.csv")
	f, err := os.CreateTemp(dir, ".rounds.csv.tmp-*")
	if err != nil {
		return nil, err
	}
	r := &Rounds{
		path:  path,
		f:     f,
		w:     bufio.NewWriter(f),
		names: columns,
		from:  (rounds - 1) / period * period,
	}
	r.sums = make([]float64, len(r.names))
	for i, n := range columns {
		if n == "objective" || strings.HasPrefix(n, "rate_") {
			r.track = append(r.track, i)
		}
	}
	r.w.WriteString("round")
	for _, n := range r.names {
		r.w.WriteString("," + n)
	}
	r.w.WriteString("\n")
	return r, nil
}

// Record implements sim.Recorder. Numbers are written in the shortest form
// that reads back to the same float64, so equal runs give equal bytes.
func (r *Rounds) Record(s *sim.RoundStats) error {
	v := s.Values()
	if len(v) != len(r.names) {
		return fmt.Errorf("record: %d values for %d columns", len(v), len(r.names))
	}
	r.buf = strconv.AppendInt(r.buf[:0], int64(s.Round), 10)
	for _, x := range v {
		r.buf = append(r.buf, ',')
		r.buf = strconv.AppendFloat(r.buf, x, 'g', -1, 64)
	}
	r.buf = append(r.buf, '\n')
	if _, err := r.w.Write(r.buf); err != nil {
		return err
	}
	r.last = v
	tr := make([]float64, len(r.track))
	for j, i := range r.track {
		tr[j] = v[i]
	}
	r.traces = append(r.traces, tr)
	if s.Round >= r.from {
		for i, x := range v {
			r.sums[i] += x
		}
		r.nSum++
	}
	r.n++
	return nil
}

// Rows returns the number of rounds recorded.
func (r *Rounds) Rows() int { return r.n }

// Close flushes the rows recorded so far and renames the file into place.
// It is safe to call more than once.
func (r *Rounds) Close() error {
	if r.closed {
		return nil
	}
	r.closed = true
	if err := r.w.Flush(); err != nil {
		r.f.Close()
		os.Remove(r.f.Name())
		return err
	}
	return commit(r.f, r.path)
}

// Convergence tolerances of ConvergedRound.
const (
	ObjectiveTolerance = 1e-3 // relative to the final objective's magnitude
	RateTolerance      = 1e-3 // absolute, per marginal rate
)

// ConvergedRound returns the first round from which the objective stayed
// within ObjectiveTolerance (relative) and every rate within RateTolerance of
// their final values until the end. It is the last round when nothing
// settled, and -1 when no round was recorded.
func (r *Rounds) ConvergedRound() int {
	if len(r.traces) == 0 {
		return -1
	}
	final := r.traces[len(r.traces)-1]
	within := func(tr []float64) bool {
		for j, i := range r.track {
			tol := RateTolerance
			if r.names[i] == "objective" {
				tol = ObjectiveTolerance * math.Abs(final[j])
			}
			if !(math.Abs(tr[j]-final[j]) <= tol) {
				return false
			}
		}
		return true
	}
	t := len(r.traces) - 1
	for t > 0 && within(r.traces[t-1]) {
		t--
	}
	return t
}

// Final maps each metric to its value in the last recorded round.
func (r *Rounds) Final() map[string]Float {
	m := map[string]Float{}
	for i, n := range r.names {
		if r.last != nil {
			m[n] = Float(r.last[i])
		}
	}
	return m
}

// MeanLastPeriod maps each metric to its mean over the recorded rounds of
// the last tax period.
func (r *Rounds) MeanLastPeriod() map[string]Float {
	m := map[string]Float{}
	if r.nSum == 0 {
		return m
	}
	for i, n := range r.names {
		m[n] = Float(r.sums[i] / float64(r.nSum))
	}
	return m
}

// Float is a float64 that encodes NaN and infinities as JSON null rather
// than failing the whole summary.
type Float float64

// MarshalJSON implements json.Marshaler.
func (f Float) MarshalJSON() ([]byte, error) {
	x := float64(f)
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, x, 'g', -1, 64), nil
}

// UnmarshalJSON implements json.Unmarshaler: null (a NaN or an infinity in
// the run) reads back as NaN, never as 0.
func (f *Float) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*f = Float(math.NaN())
		return nil
	}
	x, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return fmt.Errorf("record: not a number: %s", b)
	}
	*f = Float(x)
	return nil
}
