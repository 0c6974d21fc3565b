// Command carebridge syncs escalated Emplifi Care cases with Salesforce.
//
//	carebridge run --config FILE        the daemon
//	carebridge demo                     sandboxes + embedded Redis + seeded cases, one command
//	carebridge check --config FILE      validate config and mapping, reach both systems
//	carebridge sandbox care|salesforce  run one sandbox standalone
//	carebridge rules check < scenario   explain a rule decision
//	carebridge deadletters list|replay  inspect and replay dead letters
//	carebridge erase --platform P --handle H  erase one customer's data
//	carebridge alerts [--runbook-base URL]  print the Prometheus alerting rules
//
// Every command and verb answers --help (or -h) with its usage, what it
// does and its flags (commands.go).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

// version is set at build time (-ldflags "-X main.version=...").
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// root is the whole command line.
func root() *command {
	return &command{
		name: "carebridge",
		about: `carebridge keeps escalated Emplifi Care cases and Salesforce Cases in step.
Start with 'carebridge demo': both sandboxes, an embedded Redis and seeded cases.`,
		verbs: []*command{
			runCommand(), demoCommand(), checkCommand(), sandboxCommand(), rulesCommand(),
			deadLettersCommand(), eraseCommand(), healthcheckCommand(), alertsCommand(), versionCommand(),
		},
	}
}

// run dispatches a command line and returns the exit code: 0 done (or help
// printed), 1 failed, 2 a mistake on the command line.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	top, path := root(), []string{"carebridge"}
	if len(args) == 0 {
		printHelp(stderr, top, path)
		return 2
	}
	if args[0] == "--version" {
		args = []string{"version"}
	}
	err := dispatch(ctx, top, path, args, stdio{in: stdin, out: stdout, err: stderr})
	if err == nil || errors.Is(err, errHelp) {
		return 0
	}
	var ue usageError
	if errors.As(err, &ue) {
		name := strings.Join(ue.path, " ")
		fmt.Fprintf(stderr, "%s: %s\nRun '%s --help' for usage.\n", name, ue.msg, name)
		return 2
	}
	fmt.Fprintf(stderr, "carebridge %s: %v\n", args[0], err)
	return 1
}

// errHelp is a --help answered with the command's help (exit code 0).
var errHelp = errors.New("help")

// usageError is a command-line mistake (exit code 2). dispatch fills in the
// path of the command it was made in.
type usageError struct {
	path []string
	msg  string
}

func (e usageError) Error() string { return e.msg }

func versionCommand() *command {
	return &command{
		name: "version", summary: "print the version",
		about: "Prints the version of this build (also: carebridge --version).",
		setup: func(fs *flag.FlagSet, std stdio) func(context.Context, []string) error {
			return func(_ context.Context, args []string) error {
				if len(args) > 0 {
					return usageError{msg: fmt.Sprintf("unexpected arguments %q", args)}
				}
				_, err := fmt.Fprintln(std.out, "carebridge", version)
				return err
			}
		},
	}
}
