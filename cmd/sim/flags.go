package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// setFlags collects repeated --set key=value flags.
type setFlags []string

func (s *setFlags) String() string { return strings.Join(*s, " ") }

func (s *setFlags) Set(v string) error {
	if !strings.Contains(v, "=") {
		return fmt.Errorf("want key=value, got %q", v)
	}
	*s = append(*s, v)
	return nil
}

// parseInterleaved parses flags that may come before or after positional
// arguments (sim run FILE --set a=b) and returns the positional ones. For
// -h/--help it prints the usage to stdout and reports help = true: the
// command then returns at once, successfully.
func parseInterleaved(fs *flag.FlagSet, args []string, stdout io.Writer) (pos []string, help bool, err error) {
	fs.SetOutput(io.Discard)
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fs.SetOutput(stdout)
				fs.Usage()
				return nil, true, nil
			}
			return nil, false, usagef("%s: %v (see 'sim %s --help')", fs.Name(), err, fs.Name())
		}
		if fs.NArg() == 0 {
			return pos, false, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// newFlagSet returns a flag set whose usage starts with the given text.
func newFlagSet(name, usage string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usage)
		fmt.Fprintln(fs.Output(), "\nFlags:")
		fs.PrintDefaults()
	}
	return fs
}
