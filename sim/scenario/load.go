package scenario

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/econsim/econsim/sim/field"
)

// Load reads the scenario file at path, applies the overrides in sets
// ("key=value"), and returns the resolved, validated scenario. Problems are
// returned together as Errors.
func Load(path string, sets []string) (*Scenario, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, Errors{{File: path, Msg: "cannot read the scenario: " + err.Error()}}
	}
	return Parse(path, data, sets)
}

// Parse is Load on the contents of a file; file names it in errors.
func Parse(file string, data []byte, sets []string) (*Scenario, error) {
	s := defaults()
	s.file = file
	lines := keyLines(data)
	md, err := toml.Decode(string(data), &s)
	if err != nil {
		var pe toml.ParseError
		if !errors.As(err, &pe) { // a type error: list every one
			if errs := typeErrors(file, data, lines); len(errs) > 0 {
				return nil, errs
			}
		}
		return nil, Errors{decodeError(file, data, lines, err)}
	}
	var errs Errors
	if len(md.Keys()) == 0 {
		s.notes = append(s.notes, file+": sets no keys, so every default is used (see 'sim validate --print')")
	}
	if md.IsDefined("base") && (md.IsDefined("variant") || md.IsDefined("grid") || md.IsDefined("replicates")) {
		return nil, Errors{{File: file, Line: lineOf(lines, "base"), Key: "base",
			Msg: "this is a sweep file (base, grid, variant, replicates): run it with 'sim sweep'"}}
	}
	if md.IsDefined("scenario") && (md.IsDefined("estimate") || md.IsDefined("target")) {
		return nil, Errors{{File: file, Line: lineOf(lines, "scenario"), Key: "scenario",
			Msg: "this is a calibration file (scenario, estimate, target): run it with 'sim calibrate'"}}
	}
	for _, k := range md.Undecoded() {
		key := k.String()
		errs = append(errs, &Error{File: file, Line: lineOf(lines, key), Key: key, Msg: "unknown key" + suggest(key)})
	}
	fileKinds := s.kinds()
	setKeys := map[string]bool{}
	for _, kv := range sets {
		key, err := s.Set(kv)
		if err != nil {
			errs = append(errs, &Error{File: "--set", Key: key, Msg: err.Error()})
			continue
		}
		setKeys[key] = true
		s.sets = append(s.sets, kv)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	s.dropStale(fileKinds, setKeys)
	// An override of the brackets replaces the file's, whichever way they
	// were given.
	if setKeys["tax.cutoffs"] && !setKeys["tax.brackets"] {
		s.Tax.Brackets = ""
	}
	if setKeys["tax.brackets"] && !setKeys["tax.cutoffs"] {
		s.Tax.Cutoffs = nil
	}
	if s.Name == "" {
		s.Name = strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
	}
	s.lines, s.setBy = lines, setKeys
	v := &validator{}
	s.resolve(v)
	s.validate(v)
	if len(v.errs) == 0 {
		return &s, nil
	}
	return nil, s.locate(v.errs)
}

// given reports whether the file or --set gave key.
func (s *Scenario) given(key string) bool {
	_, inFile := s.lines[key]
	return inFile || s.setBy[key]
}

// locate names each error's file ("--set" for an override) and line.
func (s *Scenario) locate(errs Errors) Errors {
	for _, e := range errs {
		e.File = s.file
		key, _, _ := strings.Cut(e.Key, "[") // planner.rates[2] is planner.rates's
		switch {
		case s.setBy[key]:
			e.File = "--set"
		default:
			e.Line = lineOf(s.lines, key)
		}
	}
	sort.SliceStable(errs, func(i, j int) bool { return errs[i].Line < errs[j].Line })
	return errs
}

// Locate returns an error of building or starting the scenario's engine
// with the field errors in it (sim.Config's, such as a calibration that
// the scenario's elasticity cannot reach) named by the scenario's keys and
// located in its file, as Errors, the message led by what failed; any
// other error is returned as it is.
func (s *Scenario) Locate(err error) error {
	var fe *field.Error
	if !errors.As(err, &fe) {
		return err
	}
	v := &validator{}
	v.addFields(configPart, err)
	lead := ""
	if msg := err.Error(); strings.HasSuffix(msg, fe.Error()) {
		lead = strings.TrimSuffix(msg, fe.Error())
	}
	for _, e := range v.errs {
		e.Msg = lead + e.Msg
	}
	return s.locate(v.errs)
}

var decodeMsg = regexp.MustCompile(`^toml: (?:line (\d+) )?\(last key "([^"]*)"\): (.*)$`)

// decodeError turns the TOML decoder's error into an Error with a line.
func decodeError(file string, data []byte, lines map[string]int, err error) *Error {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		// The decoder counts an unexpected end of line as the next line;
		// the line holding the offending byte is what a user wants.
		ln := pe.Position.Line
		if st := pe.Position.Start; st > 0 && st <= len(data) {
			if st == len(data) {
				st-- // an error at the end of input belongs to the last line
			}
			ln = 1 + bytes.Count(data[:st], []byte("\n"))
		}
		return &Error{File: file, Line: ln, Key: pe.LastKey, Msg: pe.Message}
	}
	if m := decodeMsg.FindStringSubmatch(err.Error()); m != nil {
		ln, _ := strconv.Atoi(m[1])
		if ln == 0 {
			ln = lineOf(lines, m[2])
		}
		msg := strings.Replace(m[3], "incompatible types: ", "wrong type: ", 1)
		return &Error{File: file, Line: ln, Key: m[2], Msg: msg}
	}
	return &Error{File: file, Msg: strings.TrimPrefix(err.Error(), "toml: ")}
}

// validator collects keyed problems.
type validator struct{ errs Errors }

func (v *validator) add(key, format string, args ...any) {
	v.errs = append(v.errs, &Error{Key: key, Msg: fmt.Sprintf(format, args...)})
}
