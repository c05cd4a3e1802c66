// Package field is the error of an invalid configuration value: which field
// of the validated struct is wrong and why. Model packages return these from
// their Validate methods and know nothing of file formats; a caller that
// reads a file (the scenario package) maps each field to its own name for
// it — a TOML key and line — without parsing a message.
package field

import (
	"errors"
	"fmt"
)

// Error says that the field Name (a Go field name, a dotted path such as
// "Market.Alpha" from an enclosing struct, and an index such as
// "Values[2]" for an element) holds a value that is not allowed.
type Error struct {
	Name string
	Msg  string // lower case, no final punctuation: "must be positive, got 0"
}

func (e *Error) Error() string { return e.Name + ": " + e.Msg }

// Errorf returns the error of the named field.
func Errorf(name, format string, args ...any) *Error {
	return &Error{Name: name, Msg: fmt.Sprintf(format, args...)}
}

// Within prefixes the name of every field error in err with prefix and a
// dot (a struct validating one of its parts); an error without a field
// becomes the error of the field prefix.
func Within(prefix string, err error) error {
	var out []error
	for _, e := range All(err) {
		name := prefix
		if e.Name != "" {
			name += "." + e.Name
		}
		out = append(out, &Error{Name: name, Msg: e.Msg})
	}
	return errors.Join(out...)
}

// All returns the field errors in err, which may join several (errors.Join);
// an error that is not a field error is returned as one without a name.
func All(err error) []*Error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []*Error
		for _, e := range j.Unwrap() {
			out = append(out, All(e)...)
		}
		return out
	}
	var fe *Error
	if errors.As(err, &fe) {
		return []*Error{fe}
	}
	return []*Error{{Msg: err.Error()}}
}
