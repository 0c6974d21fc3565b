package main

import (
	"context"
	"encoding/json"
	"errors"
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
	"github.com/carebridge/carebridge/bridge/config"
	"github.com/carebridge/carebridge/bridge/daemon"
	"github.com/carebridge/carebridge/bridge/queue"
	"github.com/carebridge/carebridge/configs"
)

// errHelp is a --help answered with the command's usage (exit code 0).
var errHelp = errors.New("help")

// envNote says where the rest of the configuration can come from.
const envNote = `
Every configuration key can also be set by an environment variable
(CAREBRIDGE_CONFIG for --config; the others are listed in
configs/carebridge.example.yaml), and secrets can come from files.
`

func loadConfig(args []string, name string, out io.Writer) (config.Config, []string, error) {
	return loadConfigWith(args, name, out, config.Load)
}

func loadConfigWith(args []string, name string, out io.Writer, load func(string, func(string) string) (config.Config, error)) (config.Config, []string, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(out)
	path := fs.String("config", os.Getenv("CAREBRIDGE_CONFIG"), "configuration file (YAML)")
	var asJSON *bool
	if name == "deadletters" {
		asJSON = fs.Bool("json", false, "list: one JSON object per line, with the admin API's field names")
	}
	fs.Usage = func() {
		fmt.Fprintf(out, "Usage: carebridge %s --config FILE", name)
		if name == "deadletters" {
			fmt.Fprint(out, " [--json] [KEY...]")
		}
		fmt.Fprintln(out)
		fs.PrintDefaults()
		fmt.Fprint(out, envNote)
	}
	if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		return config.Config{}, nil, errHelp
	} else if err != nil {
		return config.Config{}, nil, usageError{err.Error()}
	}
	if *path == "" {
		return config.Config{}, nil, usageError{"--config FILE is required"}
	}
	cfg, err := load(*path, os.Getenv)
	rest := fs.Args()
	if asJSON != nil && *asJSON {
		rest = append([]string{"--json"}, rest...)
	}
	return cfg, rest, err
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

func cmdRun(ctx context.Context, args []string, stderr io.Writer) error {
	cfg, _, err := loadConfig(args, "run", stderr)
	if err != nil {
		return err
	}
	logger := newLogger(stderr, cfg.Log.Level, cfg.Log.Format)
	routeStdLog(logger)
	cfg.Version = version
	d, err := daemon.New(cfg, logger)
	if err != nil {
		return err
	}
	return d.Run(ctx)
}

func cmdCheck(ctx context.Context, args []string, stdout io.Writer) error {
	cfg, _, err := loadConfig(args, "check", stdout)
	if err != nil {
		return err
	}
	logger := newLogger(io.Discard, "error", "text")
	routeStdLog(logger)
	report, ok := daemon.Check(ctx, cfg, logger)
	for _, line := range report {
		fmt.Fprintln(stdout, line)
	}
	if !ok {
		return fmt.Errorf("check failed")
	}
	return nil
}

func cmdDeadLetters(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
		fmt.Fprint(stdout, "Usage: carebridge deadletters list|replay --config FILE [--json] [KEY...]\n"+envNote)
		return errHelp
	}
	if len(args) == 0 || (args[0] != "list" && args[0] != "replay") {
		return usageError{"usage: carebridge deadletters list|replay --config FILE [--json] [KEY...]"}
	}
	// Dead letters live in Redis: the Care and Salesforce settings need not
	// be there.
	cfg, rest, err := loadConfigWith(args[1:], "deadletters", stdout, config.LoadForRedis)
	if err != nil {
		return err
	}
	asJSON := len(rest) > 0 && rest[0] == "--json"
	if asJSON {
		rest = rest[1:]
	}
	if args[0] == "list" {
		dead, err := daemon.ListDeadLetters(ctx, cfg, 1000)
		if err != nil {
			return err
		}
		return printDeadLetters(stdout, dead, asJSON)
	}
	if len(rest) == 0 {
		return usageError{"replay needs at least one KEY (see deadletters list)"}
	}
	if err := daemon.ReplayDeadLetters(ctx, cfg, rest); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "replayed %d key(s); they run again now\n", len(rest))
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

// cmdHealthcheck asks a running daemon's /healthz; it needs no shell or
// curl, so a distroless image can use it as its HEALTHCHECK.
func cmdHealthcheck(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("healthcheck", flag.ContinueOnError)
	fs.SetOutput(out)
	url := fs.String("url", healthURL(os.Getenv("CAREBRIDGE_LISTEN")), "the daemon's health endpoint")
	fs.Usage = func() {
		fmt.Fprintln(out, "Usage: carebridge healthcheck [--url URL]")
		fs.PrintDefaults()
		fmt.Fprint(out, "\nThe default follows CAREBRIDGE_LISTEN (the daemon's listen address).\n")
	}
	if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		return errHelp
	} else if err != nil {
		return usageError{err.Error()}
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, *url, nil)
	if err != nil {
		return usageError{fmt.Sprintf("--url %q: %v", *url, err)}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("%s: %w", *url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: HTTP %d", *url, resp.StatusCode)
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

// cmdAlerts prints the shipped Prometheus alerting rules, their runbook
// links pointing at --runbook-base.
func cmdAlerts(args []string, out, errOut io.Writer) error {
	fs := flag.NewFlagSet("alerts", flag.ContinueOnError)
	fs.SetOutput(errOut)
	base := fs.String("runbook-base", os.Getenv("CAREBRIDGE_RUNBOOK_BASE"),
		"absolute URL of the page with the runbook sections (docs/operations.md); each alert links to URL#<its anchor>")
	fs.Usage = func() {
		fmt.Fprintln(errOut, "Usage: carebridge alerts [--runbook-base URL] > alerts.yaml")
		fs.PrintDefaults()
		fmt.Fprintf(errOut, "\nPrints the shipped Prometheus alerting rules (configs/prometheus/alerts.yaml).\n"+
			"Without --runbook-base (or CAREBRIDGE_RUNBOOK_BASE) the runbook links point at\n%s.\n", configs.RunbookBase)
	}
	if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		return errHelp
	} else if err != nil {
		return usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("unexpected arguments %q", fs.Args())}
	}
	rules, err := configs.AlertRules(*base)
	if err != nil {
		return usageError{err.Error()}
	}
	if _, err := out.Write(rules); err != nil {
		return fmt.Errorf("write rules: %w", err)
	}
	return nil
}
