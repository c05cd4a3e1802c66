package main

import (
	"fmt"
	"io"
)

const validateUsage = `Usage: sim validate FILE.toml [--set key=value]... [--print]

Checks a scenario: unknown keys, wrong types and invalid values are all
reported, each with the file, line and dotted key. Exit status 2 if any.
`

func validateCmd(args []string, getenv func(string) string, stdout, stderr io.Writer) error {
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
	s, err := loadScenario(pos[0], sets, getenv, stderr)
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
	brackets := fmt.Sprintf("%d brackets", len(s.Tax.Cutoffs))
	if len(s.Tax.Cutoffs) == 1 {
		brackets = "one bracket (a flat tax)"
	}
	fmt.Fprintf(stdout, "%s: ok — %d agents, %d rounds, planner %s, %s, output %s\n",
		pos[0], s.Population.Agents, s.Rounds, s.Planner.Kind, brackets, s.OutputDir())
	return nil
}
