package sfsim

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strings"
	"time"

	"github.com/carebridge/carebridge/connectors/salesforce/metadata"
	"github.com/carebridge/carebridge/internal/httpserve"
)

// RunCommand runs `carebridge sandbox salesforce`: it serves the sandbox on
// --listen until ctx is done and prints its URL and credentials.
func RunCommand(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("sandbox salesforce", flag.ContinueOnError)
	fs.SetOutput(stdout)
	start := Command(fs)
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("sandbox salesforce: %w", err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("sandbox salesforce: unexpected arguments %q", fs.Args())
	}
	return start(ctx, stdout)
}

// Command declares the flags of `carebridge sandbox salesforce` on fs and
// returns what serves the sandbox with them once fs is parsed.
func Command(fs *flag.FlagSet) func(ctx context.Context, stdout io.Writer) error {
	listen := fs.String("listen", "127.0.0.1:0", "listen on `ADDR` (host:port; port 0: any free port)")
	clientID := fs.String("client-id", "carebridge-sandbox", "connected app consumer key `ID`")
	clientSecret := fs.String("client-secret", "", "consumer `SECRET` (random when empty)")
	username := fs.String("username", "integration@carebridge.example", "integration user's `USERNAME`")
	password := fs.String("password", "", "the integration user's `PASSWORD`: enables the password grant and SOAP login")
	agentPassword := fs.String("agent-password", "", "the agents' `PASSWORD`: they sign in with it to the console at / and with the password grant")
	jwtKey := fs.String("jwt-public-key", "", "PEM `FILE` with the RSA public key (or certificate) for the JWT bearer grant")
	dailyLimit := fs.Int("daily-limit", 100000, "daily API request quota (`N` requests)")
	tokenTTL := fs.Duration("token-ttl", 2*time.Hour, "access token lifetime")
	pubsubListen := fs.String("pubsub-listen", "", "serve the Pub/Sub API (gRPC, plaintext) on `ADDR`; empty: not served")
	retention := fs.Duration("event-retention", 72*time.Hour, "how long change events stay replayable")
	keepAlive := fs.Duration("pubsub-keepalive", 270*time.Second, "interval of the empty keep-alive FetchResponses")
	return func(ctx context.Context, stdout io.Writer) error {
		return serve(ctx, stdout, *listen, *pubsubListen, *jwtKey, Options{
			ClientID: *clientID, ClientSecret: *clientSecret, Username: *username, Password: *password, AgentPassword: *agentPassword,
			DailyLimit: *dailyLimit, TokenTTL: *tokenTTL, EventRetention: *retention, PubSubKeepAlive: *keepAlive,
		})
	}
}

// serve runs the sandbox with opts on listen (and the Pub/Sub API on
// pubsubListen, when set) until ctx is done.
func serve(ctx context.Context, stdout io.Writer, listen, pubsubListen, jwtKey string, opts Options) error {
	if opts.ClientSecret == "" {
		opts.ClientSecret = randomToken(24)
	}
	opts.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	if jwtKey != "" {
		key, err := readPublicKey(jwtKey)
		if err != nil {
			return fmt.Errorf("sandbox salesforce: %w", err)
		}
		opts.JWTPublicKey = key
	}
	srv, err := New(opts)
	if err != nil {
		return fmt.Errorf("sandbox salesforce: %w", err)
	}
	defer srv.Close()
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", listen)
	if err != nil {
		return fmt.Errorf("sandbox salesforce: listen %s: %w", listen, err)
	}
	url := "http://" + ln.Addr().String()
	fmt.Fprintf(stdout, "Salesforce sandbox listening on %s\n", url)
	fmt.Fprintf(stdout, "  token endpoint:  %s/services/oauth2/token\n", url)
	fmt.Fprintf(stdout, "  client id:       %s\n", opts.ClientID)
	fmt.Fprintf(stdout, "  client secret:   %s\n", opts.ClientSecret)
	fmt.Fprintf(stdout, "  username:        %s\n", opts.Username)
	fmt.Fprintf(stdout, "  refresh token:   %s\n", srv.IssueRefreshToken())
	if opts.AgentPassword != "" {
		fmt.Fprintf(stdout, "  agents' console: %s/ (sign in as %s with the agent password)\n", url, strings.Join(srv.agentUsernames(), ", "))
	}
	fmt.Fprintf(stdout, "  fault controls:  %s/sandbox/faults, call counts: %s/sandbox/calls\n", url, url)
	fmt.Fprintf(stdout, "  permissions:     %s/sandbox/permissions (the integration user holds %s)\n", url, IntegrationPermissionSet)
	fmt.Fprintf(stdout, "  change events:   %s/sandbox/changes (gap, overflow, wildcard, merged), %s/sandbox/automations, %s/sandbox/streams/stall and /reset\n", url, url, url)

	pubsubDone := make(chan error, 1)
	pctx, stopPubSub := context.WithCancel(ctx)
	defer stopPubSub()
	if pubsubListen != "" {
		pln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", pubsubListen)
		if err != nil {
			ln.Close()
			return fmt.Errorf("sandbox salesforce: listen %s: %w", pubsubListen, err)
		}
		fmt.Fprintf(stdout, "  pub/sub api:     %s (gRPC, plaintext; tenantid %s; topics such as %s and %s)\n",
			pln.Addr().String(), srv.OrgID(), metadata.ChannelTopic("Carebridge__chn"), ChangeEventTopic("Case"))
		go func() { pubsubDone <- srv.ServePubSub(pctx, pln) }()
	} else {
		pubsubDone <- nil
	}

	// Closing the sandbox first releases hanging calls (fault injection).
	err = httpserve.Serve(ctx, ln, srv, srv.Close)
	stopPubSub()
	if perr := <-pubsubDone; perr != nil && err == nil {
		err = perr
	}
	if err != nil {
		return fmt.Errorf("sandbox salesforce: %w", err)
	}
	return nil
}

// readPublicKey reads an RSA public key or certificate from a PEM file.
func readPublicKey(path string) (*rsa.PublicKey, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read JWT public key: %w", err)
	}
	block, _ := pem.Decode(raw)
	if block == nil {
		return nil, fmt.Errorf("read JWT public key %s: no PEM block", path)
	}
	var key any
	switch block.Type {
	case "CERTIFICATE":
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("read JWT public key %s: %w", path, err)
		}
		key = cert.PublicKey
	case "RSA PUBLIC KEY":
		key, err = x509.ParsePKCS1PublicKey(block.Bytes)
	default:
		key, err = x509.ParsePKIXPublicKey(block.Bytes)
	}
	if err != nil {
		return nil, fmt.Errorf("read JWT public key %s: %w", path, err)
	}
	rk, ok := key.(*rsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("read JWT public key %s: not an RSA key", path)
	}
	return rk, nil
}
