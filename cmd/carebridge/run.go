package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"os"
	"text/tabwriter"
	"time"

	"github.com/carebridge/carebridge/bridge/admin"
	"github.com/carebridge/carebridge/bridge/check"
	"github.com/carebridge/carebridge/bridge/config"
	"github.com/carebridge/carebridge/bridge/daemon"
	"github.com/carebridge/carebridge/bridge/queue"
	"github.com/carebridge/carebridge/configs"
)

// envNote says where the rest of the configuration can come from.
const envNote = `
Every configuration key can also be set by an environment variable
(CAREBRIDGE_CONFIG for --config; the others are listed in
configs/carebridge.example.yaml), and secrets can come from files.
A mistyped key is reported with its line and the nearest valid key.`

// configured declares --config on fs and returns what checks the
// arguments left after the flags with checkArgs, loads the file named by
// --config (default $CAREBRIDGE_CONFIG) with load, and runs do with it.
func configured(fs *flag.FlagSet, load func(string, func(string) string) (config.Config, error), checkArgs func([]string) error,
	do func(ctx context.Context, cfg config.Config, args []string) error) func(context.Context, []string) error {
	path := fs.String("config", os.Getenv("CAREBRIDGE_CONFIG"), "configuration `FILE` (YAML); also CAREBRIDGE_CONFIG")
	return func(ctx context.Context, args []string) error {
		if err := checkArgs(args); err != nil {
			return err
		}
		if *path == "" {
			return usageError{msg: "--config FILE is required (or set CAREBRIDGE_CONFIG)"}
		}
		cfg, err := load(*path, os.Getenv)
		if err != nil {
			return err
		}
		return do(ctx, cfg, args)
	}
}

// noArgs refuses arguments after the flags of a command that takes none.
func noArgs(args []string) error {
	if len(args) > 0 {
		return usageError{msg: fmt.Sprintf("unexpected arguments %q", args)}
	}
	return nil
}

// routeStdLog sends the standard library logger (simpleforce logs failing
// URLs, SOQL and response bodies with it) to slog at debug level, so that
// nothing it prints reaches logs at info level.
func routeStdLog(l *slog.Logger) {
	log.SetFlags(0)
	log.SetOutput(slogWriter{l})
}

type slogWriter struct{ l *slog.Logger }

func (w slogWriter) Write(p []byte) (int, error) {
	w.l.Debug("library log", "msg", string(p))
	return len(p), nil
}

func runCommand() *command {
	return &command{
		name: "run", args: "--config FILE", summary: "run the daemon",
		about: `Runs the daemon: syncs cases and agent actions between Care and Salesforce,
serves /healthz, /readyz, /metrics, /webhooks/care and the admin UI on
listen. SIGTERM or Ctrl-C finishes or releases in-flight work and exits.
To run it against the sandboxes see docs/sandboxes.md.
` + envNote,
		setup: func(fs *flag.FlagSet, std stdio) func(context.Context, []string) error {
			return configured(fs, config.Load, noArgs, func(ctx context.Context, cfg config.Config, _ []string) error {
				logger := newLogger(std.err, cfg.Log.Level, cfg.Log.Format)
				routeStdLog(logger)
				cfg.Version = version
				d, err := daemon.New(cfg, logger)
				if err != nil {
					return err
				}
				return d.Run(ctx)
			})
		},
	}
}

func checkCommand() *command {
	return &command{
		name: "check", args: "--config FILE", summary: "check the configuration and reach both systems",
		about: `Checks the configuration, the mapping, Redis, Care, the Salesforce metadata,
the integration user's permissions (naming any that is missing) and how many
Care agents match a Salesforce user; prints one line per check and exits 1
when one fails.
` + envNote,
		setup: func(fs *flag.FlagSet, std stdio) func(context.Context, []string) error {
			return configured(fs, config.Load, noArgs, func(ctx context.Context, cfg config.Config, _ []string) error {
				logger := newLogger(io.Discard, "error", "text")
				routeStdLog(logger)
				report, ok := check.Run(ctx, cfg, logger)
				for _, line := range report {
					fmt.Fprintln(std.out, line)
				}
				if !ok {
					return fmt.Errorf("check failed")
				}
				return nil
			})
		},
	}
}

// deadLetterNote says why the dead-letter verbs need only Redis.
const deadLetterNote = `
Dead letters live in Redis: the file needs the redis settings only, so this
runs where the Care and Salesforce secrets are not.` + envNote

func deadLettersCommand() *command {
	return &command{
		name: "deadletters", summary: "list and replay agent actions that failed for good",
		about: `Agent actions (Care_Action__c) that failed for good are dead-lettered: sending
a reply again is a person's decision. Cases are never dead-lettered.`,
		verbs: []*command{
			{
				name: "list", args: "--config FILE [--json]", summary: "list the dead letters",
				about: `Lists the dead letters (up to 1000): key, attempts, when and the last error,
as a table, or with --json one JSON object per line with the admin API's
field names (key, error, attempts, at).
` + deadLetterNote,
				setup: func(fs *flag.FlagSet, std stdio) func(context.Context, []string) error {
					asJSON := fs.Bool("json", false, "one JSON object per line, with the admin API's field names")
					return configured(fs, config.LoadForRedis, noArgs, func(ctx context.Context, cfg config.Config, _ []string) error {
						return withQueue(cfg.Redis, func(q *queue.Queue) error {
							dead, err := q.List(ctx, 1000)
							if err != nil {
								return err
							}
							return printDeadLetters(std.out, dead, *asJSON)
						})
					})
				},
			},
			{
				name: "replay", args: "--config FILE KEY...", summary: "run dead-lettered keys again",
				about: `Takes each KEY (as 'deadletters list' prints it, e.g. action:a0X...) out of
the dead letters and queues it again; it runs at once.
` + deadLetterNote,
				setup: func(fs *flag.FlagSet, std stdio) func(context.Context, []string) error {
					return configured(fs, config.LoadForRedis, someKeys, func(ctx context.Context, cfg config.Config, keys []string) error {
						return withQueue(cfg.Redis, func(q *queue.Queue) error {
							for _, k := range keys {
								if err := q.Replay(ctx, k); err != nil {
									return fmt.Errorf("replay %s: %w", k, err)
								}
							}
							fmt.Fprintf(std.out, "replayed %d key(s); they run again now\n", len(keys))
							return nil
						})
					})
				},
			},
		},
	}
}

// withQueue runs f on the queue of the Redis settings, for the dead-letter
// verbs.
func withQueue(cfg config.Redis, f func(q *queue.Queue) error) error {
	rdb, err := cfg.NewClient()
	if err != nil {
		return err
	}
	defer func() { _ = rdb.Close() }()
	q, err := queue.New(rdb, queue.Options{Prefix: cfg.Prefix}, nil)
	if err != nil {
		return err
	}
	return f(q)
}

// someKeys refuses a replay without keys.
func someKeys(keys []string) error {
	if len(keys) == 0 {
		return usageError{msg: "replay needs at least one KEY (see carebridge deadletters list)"}
	}
	return nil
}

// printDeadLetters writes dead letters as a table, or as JSON lines with
// the admin API's field names.
func printDeadLetters(out io.Writer, dead []queue.DeadLetter, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(out)
		for _, d := range dead {
			if err := enc.Encode(admin.DeadLetter{Key: d.Key, Error: d.Error, Attempts: d.Attempts, At: d.At.Format(time.RFC3339)}); err != nil {
				return err
			}
		}
		return nil
	}
	if len(dead) == 0 {
		_, err := fmt.Fprintln(out, "no dead letters")
		return err
	}
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "KEY\tATTEMPTS\tAT\tLAST ERROR")
	for _, d := range dead {
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\n", d.Key, d.Attempts, d.At.Format(time.RFC3339), d.Error)
	}
	return tw.Flush()
}

func healthcheckCommand() *command {
	return &command{
		name: "healthcheck", args: "[--url URL]", summary: "exit 0 when the daemon's /healthz answers (Docker HEALTHCHECK)",
		about: `Asks a running daemon's /healthz and exits 0 when it answers 200, 1 otherwise.
It needs no shell or curl, so a distroless image can use it as its
HEALTHCHECK. The default URL follows CAREBRIDGE_LISTEN (the daemon's listen
address).`,
		setup: func(fs *flag.FlagSet, _ stdio) func(context.Context, []string) error {
			url := fs.String("url", healthURL(os.Getenv("CAREBRIDGE_LISTEN")), "the daemon's health endpoint `URL`")
			return func(ctx context.Context, args []string) error {
				if err := noArgs(args); err != nil {
					return err
				}
				return healthcheck(ctx, *url)
			}
		},
	}
}

// healthcheck asks url and fails unless it answers 200.
func healthcheck(ctx context.Context, url string) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return usageError{msg: fmt.Sprintf("--url %q: %v", url, err)}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("%s: %w", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: HTTP %d", url, resp.StatusCode)
	}
	return nil
}

// healthURL is the /healthz URL of a daemon listening on listen (":8080"
// when empty), asked on the loopback interface.
func healthURL(listen string) string {
	if listen == "" {
		listen = ":8080"
	}
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return "http://127.0.0.1:8080/healthz"
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port) + "/healthz"
}

func decodeJSON(r io.Reader, v any) error {
	return json.NewDecoder(io.LimitReader(r, 1<<20)).Decode(v)
}

func alertsCommand() *command {
	return &command{
		name: "alerts", args: "[--runbook-base URL] > alerts.yaml", summary: "print the Prometheus alerting rules",
		about: fmt.Sprintf(`Prints the shipped Prometheus alerting rules (configs/prometheus/alerts.yaml).
Without --runbook-base (or CAREBRIDGE_RUNBOOK_BASE) the runbook links point at
%s.`, configs.RunbookBase),
		setup: func(fs *flag.FlagSet, std stdio) func(context.Context, []string) error {
			base := fs.String("runbook-base", os.Getenv("CAREBRIDGE_RUNBOOK_BASE"),
				"absolute `URL` of the page with the runbook sections (docs/operations.md); each alert links to URL#<its anchor>; also CAREBRIDGE_RUNBOOK_BASE")
			return func(_ context.Context, args []string) error {
				if err := noArgs(args); err != nil {
					return err
				}
				rules, err := configs.AlertRules(*base)
				if err != nil {
					return usageError{msg: err.Error()}
				}
				if _, err := std.out.Write(rules); err != nil {
					return fmt.Errorf("write rules: %w", err)
				}
				return nil
			}
		},
	}
}
