package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"os"

	"github.com/carebridge/carebridge/bridge/config"
	"github.com/carebridge/carebridge/bridge/daemon"
)

func loadConfig(args []string, name string, stderr io.Writer) (config.Config, []string, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("config", os.Getenv("CAREBRIDGE_CONFIG"), "configuration file (YAML)")
	if err := fs.Parse(args); err != nil {
		return config.Config{}, nil, usageError{err.Error()}
	}
	if *path == "" {
		return config.Config{}, nil, usageError{"--config FILE is required"}
	}
	cfg, err := config.Load(*path, os.Getenv)
	return cfg, fs.Args(), err
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
	if len(args) == 0 || (args[0] != "list" && args[0] != "replay") {
		return usageError{"usage: carebridge deadletters list|replay --config FILE [KEY...]"}
	}
	cfg, rest, err := loadConfig(args[1:], "deadletters", stdout)
	if err != nil {
		return err
	}
	if args[0] == "list" {
		dead, err := daemon.ListDeadLetters(ctx, cfg, 1000)
		if err != nil {
			return err
		}
		enc := json.NewEncoder(stdout)
		for _, d := range dead {
			if err := enc.Encode(d); err != nil {
				return err
			}
		}
		return nil
	}
	if len(rest) == 0 {
		return usageError{"replay needs at least one KEY (see deadletters list)"}
	}
	return daemon.ReplayDeadLetters(ctx, cfg, rest)
}

func decodeJSON(r io.Reader, v any) error {
	return json.NewDecoder(io.LimitReader(r, 1<<20)).Decode(v)
}
