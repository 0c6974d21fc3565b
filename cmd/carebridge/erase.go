package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/carebridge/carebridge/bridge"
	"github.com/carebridge/carebridge/bridge/config"
	"github.com/carebridge/carebridge/bridge/daemon"
	"github.com/carebridge/carebridge/connectors/care/rules"
)

func eraseCommand() *command {
	return &command{
		name: "erase", args: "--config FILE --platform NAME (--customer-id ID | --handle HANDLE) [--dry-run] [--json]",
		summary: "erase one customer's personal data from the mirror in Salesforce and from Redis",
		about: `Erases one customer's personal data (the right to erasure): every message of
theirs that carebridge mirrored into Salesforce becomes a tombstone (no text,
media, link, handle, name or author key; the thread keeps its place and the
console shows "Erased at the customer's request"), Redis records those
messages so that no later sync brings them back (also when the case reopens),
what Redis held that names them (reply-option stamps, audit and timeline
entries) goes, and one audit entry records the erasure without naming them.

Name the customer by their platform and their id there (Care's customer id,
--customer-id) or their handle (--handle); the handle also finds messages
mirrored before carebridge kept author keys. --dry-run lists what would go
and changes nothing: the Salesforce Cases, Care cases and Care message ids
of their messages and how many history entries name them. Running it again
is safe. Care keeps its own copy: ask Emplifi for an erasure there.
It needs the Salesforce and Redis settings; a running daemon follows at once.
` + envNote,
		setup: func(fs *flag.FlagSet, std stdio) func(context.Context, []string) error {
			platform := fs.String("platform", "", "the customer's `NAME`: facebook, instagram, twitter, linkedin, youtube or tiktok")
			customer := fs.String("customer-id", "", "the customer's `ID` on the platform (Care's customer id)")
			handle := fs.String("handle", "", "the customer's `HANDLE` on the platform (with or without @)")
			dry := fs.Bool("dry-run", false, "list what would go and change nothing")
			asJSON := fs.Bool("json", false, "print the report as JSON, with the admin API's field names")
			return configured(fs, config.Load, noArgs, func(ctx context.Context, cfg config.Config, _ []string) error {
				if *platform == "" || *customer == "" && *handle == "" {
					return usageError{msg: "--platform and --customer-id or --handle are required"}
				}
				logger := newLogger(io.Discard, "error", "text")
				routeStdLog(logger)
				rep, err := daemon.Erase(ctx, cfg, bridge.ErasureRequest{Platform: rules.Platform(*platform), CustomerID: *customer, Handle: *handle, DryRun: *dry}, logger)
				if err != nil {
					return err
				}
				return printErasure(std.out, rep, *asJSON)
			})
		},
	}
}

// printErasure writes an erasure report: one line per Salesforce Case and
// a summary, or the report as JSON.
func printErasure(out io.Writer, rep bridge.ErasureReport, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	if len(rep.Cases) > 0 {
		tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "SALESFORCE CASE\tCARE CASE\tLINKED\tMESSAGES")
		for _, c := range rep.Cases {
			care := c.CareCaseID
			if care == "" {
				care = "(none: not recorded in Redis)"
			}
			fmt.Fprintf(tw, "%s\t%s\t%v\t%d %v\n", c.SalesforceCaseID, care, c.Linked, len(c.Messages), c.Messages)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	verb, ending := "erased", fmt.Sprintf(" (erasure %s, in the audit)", rep.ID)
	if rep.DryRun {
		verb, ending = "would erase", " (dry run: nothing changed)"
	}
	_, err := fmt.Fprintf(out, "%s %d mirrored messages in %d Cases and %d history entries in Redis%s\n", verb, rep.Messages, len(rep.Cases), rep.HistoryEntries, ending)
	return err
}
