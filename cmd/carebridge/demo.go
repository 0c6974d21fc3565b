package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/carebridge/carebridge/bridge/config"
	"github.com/carebridge/carebridge/bridge/daemon"
	"github.com/carebridge/carebridge/connectors/care/caresim"
	"github.com/carebridge/carebridge/connectors/salesforce/sfsim"
)

// Demo credentials: the sandboxes accept them, nothing else does.
const (
	demoCareToken     = "demo-token"
	demoCareSecret    = "demo-secret"
	demoWebhookSecret = "demo-webhook-secret"
	demoSFClientID    = "carebridge-demo"
	demoSFSecret      = "demo-client-secret"
)

// demoUsers are the Salesforce users of the demo org, matched to the Care
// sandbox's demo agents by e-mail. They sign in to the Salesforce sandbox's
// console with their Username and the demo's agent password.
var demoUsers = []map[string]any{
	{"Username": "ana.novak@example.com.demo", "Email": "ana.novak@example.com", "LastName": "Novak", "FirstName": "Ana", "Name": "Ana Novak", "IsActive": true},
	{"Username": "ben.okafor@example.com.demo", "Email": "ben.okafor@example.com", "LastName": "Okafor", "FirstName": "Ben", "Name": "Ben Okafor", "IsActive": true},
	{"Username": "chloe.martin@example.com.demo", "Email": "chloe.martin@example.com", "LastName": "Martin", "FirstName": "Chloe", "Name": "Chloe Martin", "IsActive": true},
}

func demoCommand() *command {
	return &command{
		name: "demo", args: "[flags]", summary: "run everything locally: both sandboxes, an embedded Redis, seeded cases",
		about: `Starts the Care sandbox, the Salesforce sandbox (with three users matching the
Care agents by e-mail), an embedded Redis and the daemon, seeds escalated
cases on all six platforms, and prints the URLs, credentials, an admin token,
an agent's sign-in to the Salesforce console with the link of her Case, and
copy-paste curl commands that change one side and show the other follow.
Nothing to install; stops on Ctrl-C. To run the pieces apart (your own Redis,
'carebridge run' with a config file) see docs/sandboxes.md.`,
		setup: func(fs *flag.FlagSet, std stdio) func(context.Context, []string) error {
			f := demoFlags{
				listen:       fs.String("listen", "127.0.0.1:8080", "carebridge's HTTP `ADDR` (metrics, health, webhooks, admin UI)"),
				careListen:   fs.String("care-listen", "127.0.0.1:8081", "the Care sandbox's `ADDR`"),
				sfListen:     fs.String("salesforce-listen", "127.0.0.1:8082", "the Salesforce sandbox's `ADDR`"),
				pubsubListen: fs.String("pubsub-listen", "127.0.0.1:8083", "the Salesforce sandbox's Pub/Sub API (gRPC) `ADDR`: its change events"),
				redisURL:     fs.String("redis", "", "Redis `URL` (default: an embedded in-memory Redis, for the demo only)"),
				logLevel:     fs.String("log-level", "info", "`LEVEL`: debug, info, warn or error"),
			}
			return func(ctx context.Context, args []string) error {
				if err := noArgs(args); err != nil {
					return err
				}
				return cmdDemo(ctx, f, std.out, std.err)
			}
		},
	}
}

// demoFlags are the demo's flags.
type demoFlags struct {
	listen, careListen, sfListen, pubsubListen, redisURL, logLevel *string
}

func cmdDemo(ctx context.Context, f demoFlags, stdout, stderr io.Writer) error {
	listen, careListen, sfListen, pubsubListen, redisURL, logLevel := f.listen, f.careListen, f.sfListen, f.pubsubListen, f.redisURL, f.logLevel
	log := newLogger(stderr, *logLevel, "text")

	if *redisURL == "" {
		mr := miniredis.NewMiniRedis()
		if err := mr.Start(); err != nil {
			return fmt.Errorf("start embedded Redis: %w", err)
		}
		defer mr.Close()
		*redisURL = "redis://" + mr.Addr() + "/0"
	}

	sfl, err := net.Listen("tcp", *sfListen)
	if err != nil {
		return fmt.Errorf("salesforce sandbox: %w", err)
	}
	agent := demoAgent{Name: "Ana Novak", Username: str(demoUsers[0]["Username"]), Password: demoAgentPassword(), CareCase: "case_fb_1"}
	sf, err := sfsim.New(sfsim.Options{ClientID: demoSFClientID, ClientSecret: demoSFSecret, AgentPassword: agent.Password,
		TokenTTL: 24 * time.Hour, Logger: log.With("sandbox", "salesforce")})
	if err != nil {
		return fmt.Errorf("salesforce sandbox: %w", err)
	}
	for i, u := range demoUsers {
		id, err := sf.Insert("User", u)
		if err != nil {
			return fmt.Errorf("seed Salesforce users: %w", err)
		}
		if i == 0 {
			agent.userID = id
		}
	}
	sfURL := "http://" + sfl.Addr().String()
	psl, err := net.Listen("tcp", *pubsubListen)
	if err != nil {
		return fmt.Errorf("salesforce sandbox pubsub: %w", err)
	}
	pubsub := sf.PubSubServer()
	go func() {
		if err := pubsub.Serve(psl); err != nil {
			log.Error("salesforce sandbox pubsub stopped", "addr", psl.Addr().String(), "err", err)
		}
	}()
	defer pubsub.Stop()

	cl, err := net.Listen("tcp", *careListen)
	if err != nil {
		return fmt.Errorf("care sandbox: %w", err)
	}
	bl, err := net.Listen("tcp", *listen)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	bridgeURL := "http://" + bl.Addr().String()
	careURL := "http://" + cl.Addr().String()
	cs, err := caresim.New(caresim.Options{
		Token: demoCareToken, Secret: demoCareSecret,
		WebhookURL: bridgeURL + "/webhooks/care", WebhookSecret: demoWebhookSecret,
		Logger: log.With("sandbox", "care"),
	})
	if err != nil {
		return fmt.Errorf("care sandbox: %w", err)
	}
	defer cs.Close()

	serve := func(l net.Listener, h http.Handler) *http.Server {
		srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
		go func() {
			if err := srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
				log.Error("sandbox server stopped", "addr", l.Addr().String(), "err", err)
			}
		}()
		return srv
	}
	sfSrv, careSrv := serve(sfl, sf), serve(cl, cs)
	defer sfSrv.Close()
	defer careSrv.Close()

	cfg := config.Defaults()
	cfg.Listen = bl.Addr().String()
	cfg.Redis.URL = *redisURL
	cfg.Care.BaseURL, cfg.Care.Token, cfg.Care.Secret, cfg.Care.WebhookSecret = careURL, demoCareToken, demoCareSecret, demoWebhookSecret
	cfg.Salesforce.LoginURL, cfg.Salesforce.ClientID, cfg.Salesforce.ClientSecret = sfURL, demoSFClientID, demoSFSecret
	// Salesforce pushes its changes; the 2 s poll is the fallback while a
	// stream is down.
	cfg.Salesforce.Changes, cfg.Salesforce.PubSubEndpoint, cfg.Salesforce.PubSubInsecure = "pubsub", psl.Addr().String(), true
	cfg.Schedule.PollCare, cfg.Schedule.PollSalesforce, cfg.Schedule.Sweep = "@every 2s", "@every 2s", "@every 1m"
	cfg.Workers = 16
	cfg.Admin.Token = demoAdminToken()
	if err := cfg.Validate(); err != nil {
		return err
	}
	cfg.Version = version
	d, err := daemon.New(cfg, log)
	if err != nil {
		bl.Close()
		return err
	}
	// The daemon serves on the address bound above (a port 0 gets a free
	// port, which the printed links show).
	if err := d.Serve(bl); err != nil {
		bl.Close()
		return err
	}
	if err := cs.SeedDemo(); err != nil {
		return err
	}

	token, err := sandboxToken(ctx, sfURL, url.Values{"grant_type": {"client_credentials"}})
	if err != nil {
		return err
	}
	code, err := d.AdminSignInCode(ctx, demoSignInTTL)
	if err != nil {
		return fmt.Errorf("admin sign-in link: %w", err)
	}
	if agent.Token, err = sandboxToken(ctx, sfURL, url.Values{"grant_type": {"password"}, "username": {agent.Username}, "password": {agent.Password}}); err != nil {
		return err
	}
	ran := make(chan error, 1)
	go func() { ran <- d.Run(ctx) }()
	// The console link names the agent's Case in Salesforce: wait until the
	// bridge has created it (a second or two).
	agent.CaseID, err = awaitAgentCase(ctx, sf, agent, ran)
	if err != nil {
		return err
	}
	if ctx.Err() != nil { // stopped before the instructions were printed
		return <-ran
	}
	printDemo(stdout, bridgeURL, careURL, sfURL, token, cfg.Admin.Token, code, agent)
	return <-ran
}

// demoAgent is the agent the demo walks through the Salesforce console:
// her sign-in, her access token for the REST example, and her Case.
type demoAgent struct {
	Name, Username, Password string
	Token                    string // from the password grant
	CareCase                 string // the Care case the demo points at
	CaseID                   string // its Salesforce Case ("" if it has not arrived)
	userID                   string
}

// agentCaseWait bounds how long the demo waits for the agent's Case
// before it prints its instructions without the Case's link.
const agentCaseWait = time.Minute

// awaitAgentCase waits until the agent's Care case is a Salesforce Case she
// owns and returns its Id; "" when it has not arrived within agentCaseWait
// or ctx ended. An error of the daemon (ran) ends the wait and is returned;
// ran then holds it again for the caller.
func awaitAgentCase(ctx context.Context, sf *sfsim.Server, agent demoAgent, ran chan error) (string, error) {
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(agentCaseWait)
	for {
		for _, c := range sf.Records("Case") {
			if c["Care_Case_Id__c"] == agent.CareCase && c["OwnerId"] == agent.userID {
				return str(c["Id"]), nil
			}
		}
		select {
		case err := <-ran:
			ran <- err // the caller returns it too
			return "", err
		case <-ctx.Done():
			return "", nil
		case <-deadline:
			return "", nil
		case <-tick.C:
		}
	}
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

// demoAgentPassword is a fresh password for the demo's agents, one a run.
func demoAgentPassword() string {
	return "agent-" + rand.Text()[:10]
}

// sandboxToken gets an access token from the Salesforce sandbox for the
// printed commands: grant_type and its parameters in form.
func sandboxToken(ctx context.Context, sfURL string, form url.Values) (string, error) {
	form.Set("client_id", demoSFClientID)
	form.Set("client_secret", demoSFSecret)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, sfURL+"/services/oauth2/token", strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", fmt.Errorf("demo token: %w", err)
	}
	defer resp.Body.Close()
	var body struct {
		AccessToken string `json:"access_token"`
	}
	if err := decodeJSON(resp.Body, &body); err != nil || body.AccessToken == "" {
		return "", fmt.Errorf("demo token: HTTP %d", resp.StatusCode)
	}
	return body.AccessToken, nil
}

// demoSignInTTL is how long the printed admin sign-in link works (once).
const demoSignInTTL = time.Hour

// demoAdminToken is a fresh admin token for one demo run.
func demoAdminToken() string {
	return "demo-" + rand.Text()
}

func printDemo(w io.Writer, bridgeURL, careURL, sfURL, token, adminToken, signInCode string, agent demoAgent) {
	q := func(soql string) string { return sfURL + "/services/data/v62.0/query?q=" + url.QueryEscape(soql) }
	fmt.Fprintf(w, `
carebridge demo is running. Seeded escalated Care cases on Facebook, Instagram, X/Twitter,
LinkedIn, YouTube and TikTok are being copied to Salesforce now.

  carebridge        %[1]s/metrics   %[1]s/readyz
  Admin UI          %[1]s/admin/signin#code=%[13]s
                    (signs you in once, within the hour; or sign in at %[1]s/admin/ with the admin token %[12]s)
  Care sandbox      %[2]s   (Basic auth %[4]s:%[5]s)
  Salesforce        %[3]s   (client credentials %[6]s / %[7]s)
  Salesforce token  %[8]s

See the Salesforce Cases:
  curl -s -H 'Authorization: Bearer %[8]s' '%[9]s'

1. Close a case in Salesforce and watch Care follow (status done):
  curl -s -X PATCH -H 'Authorization: Bearer %[8]s' -H 'Content-Type: application/json' \
    -d '{"Status":"Closed"}' "%[3]s/services/data/v62.0/sobjects/Case/Care_Case_Id__c/case_fb_1"
  curl -s -u %[4]s:%[5]s %[2]s/3/care/cases/case_fb_1

2. Put a case on hold in Care and watch Salesforce follow (Status "On Hold"):
  curl -s -u %[4]s:%[5]s -X POST -d '{"status":"pending"}' %[2]s/sandbox/cases/case_tt_1/ui-status
  curl -s -H 'Authorization: Bearer %[8]s' '%[10]s'

3. Write an internal note in Care and find it as a private Case comment:
  curl -s -u %[4]s:%[5]s -X POST -d '{"author_id":"agent_ana","text":"Customer called the store too."}' %[2]s/sandbox/cases/case_fb_1/ui-notes
  curl -s -H 'Authorization: Bearer %[8]s' '%[11]s'

4. Edit the field mapping in the admin UI (validate, preview it on case_fb_2, publish, roll back),
   watch sync health at %[1]s/admin/health, see who matches whom at %[1]s/admin/identities,
   follow one case at %[1]s/admin/cases?case=case_fb_1, or read the status as JSON:
  curl -s -H 'Authorization: Bearer %[12]s' %[1]s/admin/api/status
`, bridgeURL, careURL, sfURL, demoCareToken, demoCareSecret, demoSFClientID, demoSFSecret, token,
		q("SELECT Id, Care_Case_Id__c, Subject, Status, Care_Platform__c, OwnerId, SystemModstamp FROM Case"),
		q("SELECT Care_Case_Id__c, Status FROM Case WHERE Care_Case_Id__c = 'case_tt_1'"),
		q("SELECT ParentId, CommentBody, IsPublished FROM CaseComment WHERE Parent.Care_Case_Id__c = 'case_fb_1'"), adminToken, signInCode)
	printAgentDemo(w, sfURL, agent)
	fmt.Fprint(w, "\nPress Ctrl-C to stop.\n")
}

// printAgentDemo prints the agent's part: her sign-in, the console link of
// her Case, and a reply over REST as her.
func printAgentDemo(w io.Writer, sfURL string, agent demoAgent) {
	signIn := fmt.Sprintf("Sign in   username %s   password %s", agent.Username, agent.Password)
	if agent.CaseID == "" {
		fmt.Fprintf(w, `
5. Be an agent: %[1]s's Case %[2]s has not reached Salesforce yet; open her Cases at
     %[3]s/lightning/page/home
     %[4]s
`, agent.Name, agent.CareCase, sfURL, signIn)
		return
	}
	soql := fmt.Sprintf("SELECT Id, Name, Type__c, Body__c, Status__c, Status_Reason__c FROM Care_Action__c WHERE Case__c = '%s'", agent.CaseID)
	fmt.Fprintf(w, `
5. Be an agent: open %[1]s's Case (Care %[2]s) in the Salesforce console, the careConversation
   component as Salesforce runs it; the sign-in page comes first:
     Console   %[3]s/lightning/r/Case/%[4]s/view
     %[5]s
   Reply to a message or Like it: the action shows Queued, then Sent once Care took it. Or reply
   over REST as %[1]s (her token, from the password grant) and read the action's status:
  curl -s -X POST -H 'Authorization: Bearer %[6]s' -H 'Content-Type: application/json' \
    -d '{"Case__c":"%[4]s","Type__c":"reply","Reply_Mode__c":"public_reply","Body__c":"Sorry about the pole! A new one is on its way."}' \
    %[3]s/services/data/v62.0/sobjects/Care_Action__c
  curl -s -H 'Authorization: Bearer %[6]s' '%[3]s/services/data/v62.0/query?q=%[7]s'
`, agent.Name, agent.CareCase, sfURL, agent.CaseID, signIn, agent.Token, url.QueryEscape(soql))
}

// newLogger builds the process logger.
// newLogger builds the process's logger, and routes the Redis client's own
// log lines (a process-wide setting of that library) into it.
func newLogger(w io.Writer, level, format string) *slog.Logger {
	var lv slog.Level
	_ = lv.UnmarshalText([]byte(level))
	opts := &slog.HandlerOptions{Level: lv}
	var log *slog.Logger
	if format == "json" {
		log = slog.New(slog.NewJSONHandler(w, opts))
	} else {
		log = slog.New(slog.NewTextHandler(w, opts))
	}
	redis.SetLogger(daemon.RedisLogger(log.With("component", "redis")))
	return log
}
