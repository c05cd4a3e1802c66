package record

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/econsim/econsim/sim"
)

var _ sim.Recorder = (*Rounds)(nil)

// Rounds is a sim.Recorder that streams rounds.csv to a temporary file,
// renamed into place by Close. (The statistics of the summary are
// sim.History's.)
type Rounds struct {
	path   string
	f      *os.File
	w      *bufio.Writer
	names  []string
	n      int
	buf    []byte
	closed bool
}

// NewRounds starts dir/rounds.csv with the given columns after "round"
// (sim.Engine.Columns).
func NewRounds(dir string, columns []string) (*Rounds, error) {
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
