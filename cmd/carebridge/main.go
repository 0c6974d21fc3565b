// Command carebridge syncs escalated Emplifi Care cases with Salesforce.
//
//	carebridge run --config FILE        the daemon
//	carebridge demo                     sandboxes + embedded Redis + seeded cases, one command
//	carebridge check --config FILE      validate config and mapping, reach both systems
//	carebridge sandbox care|salesforce  run one sandbox standalone
//	carebridge rules check < scenario   explain a rule decision
//	carebridge deadletters list|replay  inspect and replay dead letters
//	carebridge alerts [--runbook-base URL]  print the Prometheus alerting rules
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
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

const usage = `carebridge keeps escalated Emplifi Care cases and Salesforce Cases in step.

Usage:
  carebridge run --config FILE                  run the daemon
  carebridge demo [--listen ADDR] [--care-listen ADDR] [--salesforce-listen ADDR] [--redis URL]
                                                run everything locally with sandboxes
  carebridge check --config FILE                validate configuration and reach both systems
  carebridge sandbox care [flags]               run the Care sandbox
  carebridge sandbox salesforce [flags]         run the Salesforce sandbox
  carebridge rules check < scenario.json        decide one action scenario
  carebridge deadletters list --config FILE     list dead-lettered keys
  carebridge deadletters replay --config FILE KEY...
  carebridge healthcheck [--url URL]            exit 0 when the daemon's /healthz answers (Docker HEALTHCHECK)
  carebridge alerts [--runbook-base URL]        print the Prometheus alerting rules, runbook links under URL
  carebridge version
`

// run dispatches a command line and returns the exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "run":
		err = cmdRun(ctx, args[1:], stderr)
	case "demo":
		err = cmdDemo(ctx, args[1:], stdout, stderr)
	case "check":
		err = cmdCheck(ctx, args[1:], stdout)
	case "sandbox":
		err = cmdSandbox(ctx, args[1:], stdout)
	case "rules":
		err = cmdRules(args[1:], stdin, stdout)
	case "deadletters":
		err = cmdDeadLetters(ctx, args[1:], stdout)
	case "healthcheck":
		err = cmdHealthcheck(ctx, args[1:], stderr)
	case "alerts":
		err = cmdAlerts(args[1:], stdout, stderr)
	case "version", "--version":
		fmt.Fprintln(stdout, "carebridge", version)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
	default:
		fmt.Fprintf(stderr, "unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	if errors.Is(err, errHelp) {
		return 0
	}
	if err != nil {
		var ue usageError
		if errors.As(err, &ue) {
			fmt.Fprintf(stderr, "carebridge %s: %v\n", args[0], err)
			return 2
		}
		fmt.Fprintf(stderr, "carebridge %s: %v\n", args[0], err)
		return 1
	}
	return 0
}

// usageError is a command-line mistake (exit code 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }
