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
	"io/fs"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/econsim/econsim/sim/scenario"
)

// Version is the release, recorded in every summary.json.
const Version = "0.1.0"

// commit is the source revision: set with -ldflags "-X main.commit=…" (the
// image build does), else read from the VCS stamp of `go build`.
var commit string

// versionString is what `sim version` prints: the release and, when the
// build knows it, the commit ("+dirty" for uncommitted changes).
func versionString() string {
	c, dirty := commit, ""
	if bi, ok := debug.ReadBuildInfo(); ok && c == "" {
		for _, s := range bi.Settings {
			switch {
			case s.Key == "vcs.revision":
				c = s.Value
			case s.Key == "vcs.modified" && s.Value == "true":
				dirty = "+dirty"
			}
		}
	}
	if c == "" {
		return "sim " + Version
	}
	hash, suffix, _ := strings.Cut(c, "+") // "<hash>+dirty" from the image build
	if suffix != "" {
		dirty = "+" + suffix
	}
	return "sim " + Version + " (commit " + hash[:min(len(hash), 12)] + dirty + ")"
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop() // a second signal ends the process at once
	}()
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	err = permissionHint(err)
	var se scenario.Errors
	switch {
	case errors.As(err, &se):
		fmt.Fprintln(os.Stderr, se.Error()) // file:line: key: message, one per line
	case err != nil:
		fmt.Fprintln(os.Stderr, "sim: "+err.Error())
	}
	os.Exit(exitCode(err))
}

// permissionHint adds to a permission error who this process is: in a
// container or a cluster job, the usual cause is a volume its user cannot
// write.
func permissionHint(err error) error {
	if !errors.Is(err, fs.ErrPermission) {
		return err
	}
	return fmt.Errorf("%w (this process runs as uid %d, gid %d: the folder must be writable by them)", err, os.Getuid(), os.Getgid())
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
  sim calibrate FILE.toml [flags] estimate scenario keys so that the model meets its targets
  sim version                     print the version

Run 'sim COMMAND --help' for a command's flags. Scenario keys, units and
defaults are documented in docs/scenarios.md.
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
	case "calibrate":
		return calibrateCmd(ctx, rest, getenv, stdout, stderr)
	case "version", "--version":
		fmt.Fprintln(stdout, versionString())
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
