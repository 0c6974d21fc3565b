package main

import (
	"context"
	"fmt"
	"io"

	"github.com/carebridge/carebridge/connectors/care/caresim"
	"github.com/carebridge/carebridge/connectors/care/rules"
	"github.com/carebridge/carebridge/connectors/salesforce/sfsim"
)

func cmdSandbox(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return usageError{"which sandbox? care or salesforce"}
	}
	switch args[0] {
	case "care":
		return caresim.RunCommand(ctx, args[1:], stdout)
	case "salesforce":
		return sfsim.RunCommand(ctx, args[1:], stdout)
	default:
		return usageError{fmt.Sprintf("unknown sandbox %q: care or salesforce", args[0])}
	}
}

func cmdRules(args []string, stdin io.Reader, stdout io.Writer) error {
	if len(args) != 1 || args[0] != "check" {
		return usageError{"usage: carebridge rules check < scenario.json"}
	}
	return rules.RunCheck(stdin, stdout, rules.Default())
}
