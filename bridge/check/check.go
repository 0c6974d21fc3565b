// Package check is the deployment check `carebridge check` runs: the
// configuration, the mapping and the rule data are valid, and Redis, Care
// and Salesforce answer, with the metadata, the permissions, the Case
// status values and the change channel carebridge needs.
package check

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"time"

	"github.com/carebridge/carebridge/bridge"
	"github.com/carebridge/carebridge/bridge/admin"
	"github.com/carebridge/carebridge/bridge/config"
	"github.com/carebridge/carebridge/bridge/identities"
	"github.com/carebridge/carebridge/bridge/state"
	"github.com/carebridge/carebridge/configs"
	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/connectors/salesforce"
	"github.com/carebridge/carebridge/connectors/salesforce/metadata"
	"github.com/carebridge/carebridge/connectors/salesforce/pubsub"
	"github.com/carebridge/carebridge/connectors/upstream"
	"github.com/carebridge/carebridge/mapping"
)

// Run validates cfg, the mapping and the rule data, then reaches Redis,
// Care and Salesforce and confirms that the Salesforce metadata carebridge
// needs is deployed and the mapping's status values exist. It returns one
// line per check and whether all passed.
func Run(ctx context.Context, cfg config.Config, log *slog.Logger) ([]string, bool) {
	var lines []string
	ok := true
	line := func(mark, what string, args ...any) {
		// Continuation lines (a mapping with several problems) are
		// indented under their check.
		lines = append(lines, mark+" "+strings.ReplaceAll(fmt.Sprintf(what, args...), "\n", "\n     "))
	}
	report := func(pass bool, what string, args ...any) {
		mark := "ok  "
		if !pass {
			mark, ok = "FAIL", false
		}
		line(mark, what, args...)
	}
	// warn is for what works but will surprise someone: it does not fail
	// the check.
	warn := func(what string, args ...any) { line("WARN", what, args...) }
	report(true, "configuration is valid")

	schema, err := metadata.Load(configs.SalesforceMetadata())
	if err != nil {
		report(false, "shipped Salesforce metadata: %v", err)
		return lines, false
	}
	m, _, err := cfg.Mapping.Load(schema)
	if err != nil {
		report(false, "mapping: %v", err)
	} else {
		report(true, "mapping is valid (version %s)", m.Version())
	}
	if _, err := cfg.Rules.Load(); err != nil {
		report(false, "rule data: %v", err)
	} else {
		report(true, "rule data is valid")
	}

	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	if rdb, err := cfg.Redis.NewClient(); err != nil {
		report(false, "redis: %v", err)
	} else {
		err := rdb.Ping(ctx).Err()
		report(err == nil, "redis reachable%s", errSuffix(err))
		if err == nil {
			// The daemons run the active published version: its identity
			// overrides are the ones that count.
			if published := checkPublishedMapping(ctx, state.New(rdb, cfg.Redis.Prefix), schema, report); published != nil {
				m = published
			}
		}
		_ = rdb.Close()
	}

	um := upstream.NewMetrics(nil)
	var agents []care.Agent
	cc, err := care.New(care.Config{BaseURL: cfg.Care.BaseURL, Token: cfg.Care.Token, Secret: cfg.Care.Secret, BearerToken: cfg.Care.BearerToken, Timeout: cfg.Care.Timeout,
		RateLimit: cfg.Care.RateLimit, RateBurst: cfg.Care.RateBurst}, um, log)
	if err == nil {
		agents, err = cc.Agents(ctx)
		if err == nil {
			report(true, "Care reachable (%d agents)", len(agents))
		}
	}
	if err != nil {
		report(false, "Care: %v", err)
	}

	sf, err := cfg.Salesforce.NewClient(um, nil, log)
	if err != nil {
		report(false, "Salesforce: %v", err)
		return lines, ok
	}
	defer sf.Close()
	// Log in and call the API once first: with wrong credentials every
	// later check would fail for the same reason, with misleading advice.
	// The users are needed anyway, to match them with Care's agents.
	users, err := sf.Query(ctx, identities.UsersQuery())
	if err != nil {
		report(false, "Salesforce login and API access (salesforce.auth_method %s, client_id and its secret, the connected app): %v", cfg.Salesforce.AuthMethod, err)
		return lines, false
	}
	// Every response carries the API usage (Sforce-Limit-Info), so there is
	// no need for /limits, which needs View Setup and Configuration.
	if used, max := sf.Usage(); max > 0 {
		report(true, "Salesforce reachable (%d of %d daily API requests used)", used, max)
	} else {
		report(true, "Salesforce reachable")
	}
	if m != nil && agents != nil {
		checkIdentities(m, agents, users, report, warn)
	}
	notes := bridge.DefaultNotesTarget
	if m != nil {
		notes = bridge.NotesTargetOf(m)
	}
	for _, object := range []string{"Case", "Care_Message__c", "Care_Action__c", notes.Object} {
		d, err := sf.Describe(ctx, object)
		if err != nil {
			report(false, "Salesforce %s: %v (deploy configs/salesforce, see docs/salesforce-setup.md)", object, err)
			continue
		}
		obj, _ := schema.Object(object)
		var missing []string
		if obj != nil && obj.Custom {
			for _, f := range obj.Fields() {
				if _, has := d.Field(f.Name); !has {
					missing = append(missing, f.Name)
				}
			}
		}
		switch object {
		case "Case":
			for _, f := range append(bridge.EngineCaseFields(), requiredMappingFields(m)...) {
				if _, has := d.Field(f); !has {
					missing = append(missing, f)
				}
			}
			shipped, _ := schema.Field("Case", bridge.CareIDField)
			if f, ok := d.Field(bridge.CareIDField); ok && f.Length < shipped.Length {
				report(false, "Salesforce %s holds %d characters, fewer than the %d Care ids may have: lengthen it to %d (configs/salesforce)",
					bridge.CareIDField, f.Length, shipped.Length, shipped.Length)
			}
		case notes.Object:
			for _, f := range notesFields(notes) {
				if _, has := d.Field(f); !has {
					missing = append(missing, f)
				}
			}
		}
		sort.Strings(missing)
		hint := ""
		if len(missing) > 0 {
			hint = " (not deployed, or not readable by the integration user: deploy configs/salesforce and see the permissions below)"
		}
		report(len(missing) == 0, "Salesforce %s has the fields carebridge uses%s%s", object, listSuffix("missing", dedupe(missing)), hint)
	}
	checkAccess(ctx, sf, m, schema, cfg.Salesforce.Changes == "pubsub", report)
	if statuses, err := sf.CaseStatuses(ctx); err != nil {
		report(false, "Salesforce Case statuses: %v", err)
	} else if m != nil {
		have := map[string]bool{}
		for _, s := range statuses {
			have[s.Label] = true
		}
		var missing []string
		if f, ok := m.Field(bridge.CanonicalFor(m, bridge.CareStatusAttribute)); ok && f.CareToSalesforce != nil {
			for _, v := range f.CareToSalesforce.Values {
				if !have[v] {
					missing = append(missing, v)
				}
			}
		}
		report(len(missing) == 0, "Salesforce has the Case status values the mapping writes%s", listSuffix("missing", dedupe(missing)))
	}
	if cfg.Salesforce.Changes == "pubsub" {
		checkChangeTopics(ctx, cfg, sf, report)
	}
	return lines, ok
}

// checkChangeTopics asks the Pub/Sub API for the change channel carebridge
// follows: a missing one was not deployed (configs/salesforce).
func checkChangeTopics(ctx context.Context, cfg config.Config, sf *salesforce.Client, report func(bool, string, ...any)) {
	sub, err := pubsub.New(pubsub.Config{Endpoint: cfg.Salesforce.PubSubEndpoint, Plaintext: cfg.Salesforce.PubSubInsecure}, sf, nil)
	if err != nil {
		report(false, "Salesforce Pub/Sub API: %v", err)
		return
	}
	defer sub.Close()
	topic := metadata.ChannelTopic(cfg.Salesforce.ChangeChannel)
	_, err = sub.Topic(ctx, topic)
	report(err == nil, "Salesforce change events (salesforce.changes: pubsub at %s) on %s%s", cfg.Salesforce.PubSubEndpoint, topic,
		map[bool]string{true: fmt.Sprintf(" unavailable (%v); deploy the channel (configs/salesforce) or set salesforce.changes: poll", err)}[err != nil])
}

// checkIdentities reports how many Care agents match a Salesforce user. An
// agent without a user cannot own a Case: every case they are assigned to
// stays with the integration user in Salesforce.
func checkIdentities(m *mapping.Mapping, agents []care.Agent, users []salesforce.Record, report func(bool, string, ...any), warn func(string, ...any)) {
	ids := identities.Match(m, agents, users)
	var unmatched []string
	for _, a := range ids.Agents {
		if a.User == "" {
			unmatched = append(unmatched, fmt.Sprintf("%s <%s>", a.Name, a.Email))
		}
	}
	matched := ids.Matched
	switch {
	case len(agents) == 0:
		warn("Care has no agents: assignment cannot sync")
	case matched == 0:
		warn("0 of %d Care agents match an active Salesforce user (by e-mail or the mapping's identity overrides): every Case stays with the integration user%s", len(agents), listSuffix("unmatched", unmatched))
	case len(unmatched) > 0:
		warn("%d of %d Care agents match an active Salesforce user; cases of the others stay with the integration user%s", matched, len(agents), listSuffix("unmatched", unmatched))
	default:
		report(true, "all %d Care agents match an active Salesforce user", len(agents))
	}
	if amb := ids.Ambiguous; len(amb) > 0 {
		warn("e-mail addresses shared by several Care agents or several active Salesforce users match nobody; add identity overrides to the mapping%s", listSuffix("ambiguous", amb))
	}
}

// notesFields are the fields of the notes object the bridge reads or writes.
func notesFields(t bridge.NotesTarget) []string {
	fs := []string{"Id", t.ParentField, t.BodyField, "CreatedById", "CreatedDate", "SystemModstamp"}
	for f := range t.Extra {
		fs = append(fs, f)
	}
	return fs
}

func requiredMappingFields(m *mapping.Mapping) []string {
	if m == nil {
		return nil
	}
	return m.SalesforceFields()
}

func errSuffix(err error) string {
	if err == nil {
		return ""
	}
	return ": " + err.Error()
}

func listSuffix(label string, items []string) string {
	if len(items) == 0 {
		return ""
	}
	return fmt.Sprintf(" (%s: %v)", label, items)
}

func dedupe(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// checkPublishedMapping reports the mapping version admins published, which
// replaces the file's while it is active, and whether it still loads.
func checkPublishedMapping(ctx context.Context, st *state.Store, schema *metadata.Schema, report func(bool, string, ...any)) *mapping.Mapping {
	n, err := st.ActiveMappingNumber(ctx)
	if err != nil {
		report(false, "published mapping: %v", err)
		return nil
	}
	if n == 0 {
		return nil
	}
	v, err := st.MappingVersion(ctx, n)
	if err != nil {
		report(false, "published mapping: %v", err)
		return nil
	}
	m, err := mapping.Parse(admin.PublishedName(n), []byte(v.YAML), mapping.FromMetadata(schema))
	if err != nil {
		report(false, "published mapping version %d (active; it replaces the mapping file) does not load: %v", n, err)
		return nil
	}
	report(true, "published mapping version %d is active (it replaces the mapping file; published by %s)", n, v.Author)
	return m
}
