package caresim

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"

	"github.com/carebridge/carebridge/internal/httpserve"
)

// RunCommand runs `carebridge sandbox care`: it serves a seeded sandbox on
// --listen until ctx is done and prints its URL and credentials. args are the
// flags after "sandbox care".
func RunCommand(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("sandbox care", flag.ContinueOnError)
	fs.SetOutput(stdout)
	start := Command(fs)
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("sandbox care: %w", err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("sandbox care: unexpected arguments %q", fs.Args())
	}
	return start(ctx, stdout)
}

// Command declares the flags of `carebridge sandbox care` on fs and returns
// what serves the sandbox with them once fs is parsed.
func Command(fs *flag.FlagSet) func(ctx context.Context, stdout io.Writer) error {
	listen := fs.String("listen", "127.0.0.1:8701", "listen on `ADDR` (host:port)")
	token := fs.String("token", "", "API `TOKEN` (Basic auth user); random when empty")
	secret := fs.String("secret", "", "API `SECRET` (Basic auth password); random when empty")
	bearer := fs.String("bearer-token", "", "bearer `TOKEN` also accepted (optional)")
	hookURL := fs.String("webhook-url", "", "`URL` to POST signed webhook events to, e.g. http://127.0.0.1:8080/webhooks/care (optional)")
	hookSecret := fs.String("webhook-secret", "", "HMAC `SECRET` of X-Care-Signature (required with --webhook-url)")
	seed := fs.Bool("seed", true, "seed demo agents, profiles and cases")
	return func(ctx context.Context, stdout io.Writer) error {
		if *token == "" {
			*token = randomHex(8)
		}
		if *secret == "" {
			*secret = randomHex(16)
		}
		logger := slog.New(slog.NewTextHandler(stdout, &slog.HandlerOptions{Level: slog.LevelInfo}))
		srv, err := New(Options{Token: *token, Secret: *secret, BearerToken: *bearer,
			WebhookURL: *hookURL, WebhookSecret: *hookSecret, Logger: logger})
		if err != nil {
			return fmt.Errorf("sandbox care: %w", err)
		}
		defer srv.Close()
		if *seed {
			if err := srv.SeedDemo(); err != nil {
				return fmt.Errorf("sandbox care: %w", err)
			}
		}
		ln, err := net.Listen("tcp", *listen)
		if err != nil {
			return fmt.Errorf("sandbox care: listen on %s: %w", *listen, err)
		}
		fmt.Fprintf(stdout, "Care sandbox listening on http://%s\n", ln.Addr())
		fmt.Fprintf(stdout, "  token:  %s\n  secret: %s\n", *token, *secret)
		if *hookURL != "" {
			fmt.Fprintf(stdout, "  webhooks to %s\n", *hookURL)
		}
		fmt.Fprintf(stdout, "  controls: http://%s/sandbox/ (docs/sandboxes.md)\n", ln.Addr())
		if err := httpserve.Serve(ctx, ln, srv, nil); err != nil {
			return fmt.Errorf("sandbox care: %w", err)
		}
		return nil
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return hex.EncodeToString(b)
}
