package main

import (
	"context"
	"flag"

	"github.com/carebridge/carebridge/connectors/care/caresim"
	"github.com/carebridge/carebridge/connectors/care/rules"
	"github.com/carebridge/carebridge/connectors/salesforce/sfsim"
)

func sandboxCommand() *command {
	return &command{
		name: "sandbox", summary: "run the Care or the Salesforce sandbox standalone",
		about: `The sandboxes are real HTTP (and gRPC) servers that speak Care's and
Salesforce's wire formats and refuse what they refuse. Develop against them
without credentials, and drive them through their controls under /sandbox/:
docs/sandboxes.md shows every control with curl, and how to run
'carebridge run' against both.`,
		verbs: []*command{
			{
				name: "care", args: "[flags]", summary: "run the Care sandbox",
				about: `Serves the Care sandbox: carebridge's Care contract
(connectors/care/openapi.yaml) with Care's envelope, Basic auth and rules,
seeded with demo agents, profiles and cases unless --seed=false. Its controls
(escalate a case, customer messages, Care UI changes, faults, call counts)
are described in connectors/care/caresim/sandbox-openapi.yaml and
docs/sandboxes.md. Prints its URL and credentials; stops on Ctrl-C.`,
				setup: func(fs *flag.FlagSet, std stdio) func(context.Context, []string) error {
					start := caresim.Command(fs)
					return func(ctx context.Context, args []string) error {
						if err := noArgs(args); err != nil {
							return err
						}
						return start(ctx, std.out)
					}
				},
			},
			{
				name: "salesforce", args: "[flags]", summary: "run the Salesforce sandbox",
				about: `Serves the Salesforce sandbox: OAuth token endpoint, REST API (query,
sObjects, collections, describe, limits) and, with --pubsub-listen, the
Pub/Sub API's change events, with the shipped metadata, permission sets and
validation rules. Its controls (faults, call counts, the integration user's
permissions) are described in docs/sandboxes.md. Prints its URL and
credentials; stops on Ctrl-C.`,
				setup: func(fs *flag.FlagSet, std stdio) func(context.Context, []string) error {
					start := sfsim.Command(fs)
					return func(ctx context.Context, args []string) error {
						if err := noArgs(args); err != nil {
							return err
						}
						return start(ctx, std.out)
					}
				},
			},
		},
	}
}

// rulesExample is a scenario for 'carebridge rules check', shown in its help
// (TestRulesHelpExampleRuns runs it).
const rulesExample = `{"platform":"facebook","action":"reply","reply_mode":"private_reply",
 "now":"2026-11-25T12:00:00Z",
 "case":{"assigned":true,"has_profile":true,"interacted":true,"status":"open"},
 "target":{"kind":"comment","posted_at":"2026-11-17T10:15:00Z","depth":1},
 "author":{"is_page":false},
 "text":"Could you send us your order number?"}`

func rulesCommand() *command {
	return &command{
		name: "rules", summary: "explain a rule decision on an agent action",
		about: `Care's and the platforms' reply and moderation rules, as the bridge and the
Care sandbox apply them (configs/rules.yaml, docs/agents.md).`,
		verbs: []*command{{
			name: "check", args: "< scenario.json", summary: "decide one action scenario read from stdin",
			about: `Reads one action scenario as a JSON object from stdin and prints the decision
as one line of JSON: {"allowed":true} or {"allowed":false,"code":...,"reason":...}
(the codes are listed in docs/agents.md). Exits 1 when the scenario is not
valid, naming the field.

The scenario (unknown fields are errors):
  platform      facebook, instagram, twitter, linkedin, youtube or tiktok (required)
  action        reply, like, unlike, delete, hide, unhide, ban, unban, follow,
                unfollow, set_profile or set_status (required)
  reply_mode    public_reply, comment_on_post, direct_message or private_reply
                (required for reply)
  new_status    open, pending, done or deleted (required for set_status)
  now           the time of the decision, RFC 3339 (required)
  case          {assigned, has_profile, interacted, status} (required)
  target        the message acted on (required but for set_profile and
                set_status): {kind, posted_at, depth (0 post, 1 comment,
                2 reply...), hidden, hidden_with_parent, parent_hidden,
                replies, private_reply_sent, chosen, from_brand}
  author        the target's author: {is_page, follows_brand, mentioned_brand}
  conversation  {has_direct_messages, last_customer_message_at}
  text          the reply's text
  media         the reply's media URLs

Example:
  carebridge rules check <<'EOF'
` + rulesExample + `
EOF`,
			setup: func(_ *flag.FlagSet, std stdio) func(context.Context, []string) error {
				return func(_ context.Context, args []string) error {
					if err := noArgs(args); err != nil {
						return err
					}
					return rules.RunCheck(std.in, std.out, rules.Default())
				}
			},
		}},
	}
}
