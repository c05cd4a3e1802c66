package main

import (
	"fmt"
	"io"

	"github.com/econsim/econsim/sim/scenario"
)

const validateUsage = `Usage: sim validate FILE.toml [--set key=value]... [--print]

Checks a scenario: unknown keys, wrong types and invalid values are all
reported, each with the file, line and dotted key. Exit status 2 if any.
`

func validateCmd(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("validate", validateUsage)
	var sets setFlags
	fs.Var(&sets, "set", "override a scenario key, `key=value` (repeatable)")
	printIt := fs.Bool("print", false, "print the resolved scenario (defaults filled, presets expanded)")
	pos, help, err := parseInterleaved(fs, args, stdout)
	if help || err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("validate takes one scenario file, got %d arguments (see 'sim validate --help')", len(pos))
	}
	s, err := scenario.Load(pos[0], sets)
	if err != nil {
		return err
	}
	if *printIt {
		b, err := s.Encode()
		if err != nil {
			return err
		}
		_, err = stdout.Write(b)
		return err
	}
	fmt.Fprintf(stdout, "%s: ok — %d agents, %d rounds, planner %s, %d brackets, output %s\n",
		pos[0], s.Population.Agents, s.Rounds, s.Planner.Kind, len(s.Tax.Cutoffs), s.OutputDir())
	return nil
}
