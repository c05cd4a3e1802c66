// Command sim runs econsim scenarios: an agent-based simulator of workers
// choosing how much to work under a tax schedule chosen by a planner.
//
//	sim run FILE.toml [--set key=value]... [--out DIR] [--workers N] [--json] [--quiet] [--force]
//	sim validate FILE.toml [--set key=value]...
//	sim sweep FILE.toml [--out DIR] [--workers N] [--shard K/N]
//	sim merge DIR...
//	sim compare DIR [--by KEY] [--baseline VALUE] [--metrics a,b,...] [--format table|csv|json|md]
//	sim report DIR
//	sim pareto FILE.toml [--objectives a,b,...] [--mode exact|amortised|both] [--out DIR]
//	sim version
//
// Exit status: 0 success, 2 bad usage or a bad scenario, 1 any other failure.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"syscall"

	"github.com/econsim/econsim/sim/scenario"
)

// Version is the version `sim version` prints.
const Version = "0.1.0"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	var se scenario.Errors
	switch {
	case errors.As(err, &se):
		fmt.Fprintln(os.Stderr, se.Error()) // file:line: key: message, one per line
	case err != nil:
		fmt.Fprintln(os.Stderr, "sim: "+err.Error())
	}
	os.Exit(exitCode(err))
}

// usageError is bad usage of the command line (exit status 2).
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{fmt.Sprintf(format, args...)}
}

// exitCode maps an error to the exit status of the design: 2 for bad usage
// or a bad scenario, 1 for anything else.
func exitCode(err error) int {
	var ue *usageError
	var se scenario.Errors
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ue), errors.As(err, &se):
		return 2
	}
	return 1
}

const topUsage = `sim — econsim, an agent-based simulator for tax-policy design

Usage:
  sim run FILE.toml [flags]       run a scenario and write its outputs
  sim validate FILE.toml [flags]  check a scenario without running it
  sim sweep FILE.toml [flags]     run a sweep: variants × grid × seeds, resumable, shardable
  sim merge DIR...                join a sweep's shards into results.csv and results.parquet
  sim compare DIR... [flags]      statistics across seeds: means, CIs, paired tests, Pareto front
  sim report DIR                  plots and a self-contained report.html of a run or a sweep
  sim pareto FILE.toml [flags]    the Pareto front of tax schedules for two or more objectives
  sim version                     print the version

Run 'sim COMMAND --help' for a command's flags. Scenario keys, units and
defaults are documented in README.md.
`

// run is the command: args without the program's name; getenv reads the
// environment (the LLM key, scheduler variables, SIM_MEMORY_LIMIT), so
// tests pass their own.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, topUsage)
		return usagef("no command given")
	}
	switch cmd, rest := args[0], args[1:]; cmd {
	case "run":
		return runCmd(ctx, rest, getenv, stdout, stderr)
	case "validate":
		return validateCmd(rest, getenv, stdout, stderr)
	case "sweep":
		return sweepCmd(ctx, rest, getenv, stdout, stderr)
	case "merge":
		return mergeCmd(rest, stdout, stderr)
	case "compare":
		return compareCmd(rest, stdout, stderr)
	case "report":
		return reportCmd(rest, stdout, stderr)
	case "pareto":
		return paretoCmd(ctx, rest, getenv, stdout, stderr)
	case "version", "--version":
		fmt.Fprintf(stdout, "sim %s\n", Version)
		return nil
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, topUsage)
		return nil
	default:
		fmt.Fprint(stderr, topUsage)
		return usagef("unknown command %q", cmd)
	}
}

func numCPU() int { return runtime.GOMAXPROCS(0) }
