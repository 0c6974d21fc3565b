package rules

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"time"

	"go.yaml.in/yaml/v3"
)

// Unit is how a text limit counts.
type Unit string

const (
	// Characters counts Unicode code points of the NFC-normalised text.
	Characters Unit = "characters"
	// Bytes counts UTF-8 bytes of the text as sent (Instagram DMs, M9).
	Bytes Unit = "bytes"
	// XWeighted counts as X does (X3): NFC-normalised, code points in the
	// light ranges weigh 1, others (emoji, CJK) 2, each URL 23.
	XWeighted Unit = "x_weighted"
)

// Config is the platform rule data of configs/rules.yaml: the refinements
// from shared/research/platform-rules.md that an admin can replace without a
// release.
type Config struct {
	Version      int          `yaml:"version"`
	TextLimits   []TextLimit  `yaml:"text_limits"`
	DMWindow     DMWindow     `yaml:"dm_window"`
	XPublicReply XPublicReply `yaml:"x_public_reply"`
}

// TextLimit is the longest text a reply mode takes on a platform.
type TextLimit struct {
	Platform Platform    `yaml:"platform"`
	Modes    []ReplyMode `yaml:"modes"`
	Max      int         `yaml:"max"`
	Unit     Unit        `yaml:"unit"`
}

// DMWindow is Meta's messaging window (M1-M4): a direct message may go out
// only within StandardHours of the customer's last message, or within
// HumanAgentDays when the HUMAN_AGENT tag is used.
type DMWindow struct {
	Platforms      []Platform `yaml:"platforms"`
	StandardHours  int        `yaml:"standard_hours"`
	HumanAgentTag  bool       `yaml:"human_agent_tag"`
	HumanAgentDays int        `yaml:"human_agent_days"`
}

// XPublicReply is X's 2026 reply rule (X1): on self-serve API tiers a public
// reply is accepted only if the customer @mentioned or quoted the brand.
type XPublicReply struct {
	AccountTier     string          `yaml:"account_tier"`
	MentionRequired map[string]bool `yaml:"mention_required"`
}

// ParseConfig reads rule data strictly: unknown keys, missing sections and
// bad values are errors that name the line.
func ParseConfig(data []byte) (Config, error) {
	var cfg Config
	if len(bytes.TrimSpace(data)) == 0 {
		return cfg, errors.New("parse rule data: empty document")
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return cfg, fmt.Errorf("parse rule data: %w", err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&cfg); err != nil {
		return cfg, fmt.Errorf("parse rule data: %w", err)
	}
	doc := &root
	if doc.Kind == yaml.DocumentNode && len(doc.Content) == 1 {
		doc = doc.Content[0]
	}
	if doc.Kind != yaml.MappingNode {
		return cfg, fmt.Errorf("parse rule data: line %d: the document must be a mapping", doc.Line)
	}
	if err := cfg.validate(doc); err != nil {
		return cfg, fmt.Errorf("parse rule data: %w", err)
	}
	return cfg, nil
}

// lineError is a validation error at a line of the rule data.
func lineError(n *yaml.Node, format string, args ...any) error {
	line := 0
	if n != nil {
		line = n.Line
	}
	return fmt.Errorf("line %d: %s", line, fmt.Sprintf(format, args...))
}

// child finds the value node of key in a mapping node (nil if absent).
func child(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// item finds the i-th element of a sequence node (nil if absent).
func item(n *yaml.Node, i int) *yaml.Node {
	if n == nil || n.Kind != yaml.SequenceNode || i >= len(n.Content) {
		return nil
	}
	return n.Content[i]
}

func (c Config) validate(doc *yaml.Node) error {
	for _, key := range []string{"version", "text_limits", "dm_window", "x_public_reply"} {
		if child(doc, key) == nil {
			return lineError(doc, "missing key %q", key)
		}
	}
	if c.Version != 1 {
		return lineError(child(doc, "version"), "unsupported version %d (want 1)", c.Version)
	}
	limits := child(doc, "text_limits")
	seen := map[string]int{}
	for i, l := range c.TextLimits {
		n := item(limits, i)
		for _, key := range []string{"platform", "modes", "max", "unit"} {
			if child(n, key) == nil {
				return lineError(n, "text limit: missing key %q", key)
			}
		}
		if !knownPlatform(l.Platform) {
			return lineError(child(n, "platform"), "text limit: unknown platform %q", l.Platform)
		}
		if len(l.Modes) == 0 {
			return lineError(child(n, "modes"), "text limit: modes is empty")
		}
		for j, m := range l.Modes {
			mn := item(child(n, "modes"), j)
			if !knownMode(m) {
				return lineError(mn, "text limit: unknown reply mode %q", m)
			}
			key := string(l.Platform) + "/" + string(m)
			if first, dup := seen[key]; dup {
				return lineError(mn, "text limit: %s %s already limited on line %d", l.Platform, m, first)
			}
			seen[key] = mn.Line
		}
		if l.Max <= 0 {
			return lineError(child(n, "max"), "text limit: max must be positive, got %d", l.Max)
		}
		switch l.Unit {
		case Characters, Bytes, XWeighted:
		default:
			return lineError(child(n, "unit"), "text limit: unknown unit %q (want characters, bytes or x_weighted)", l.Unit)
		}
	}

	w := child(doc, "dm_window")
	for _, key := range []string{"platforms", "standard_hours", "human_agent_tag", "human_agent_days"} {
		if child(w, key) == nil {
			return lineError(w, "dm_window: missing key %q", key)
		}
	}
	for i, p := range c.DMWindow.Platforms {
		if !knownPlatform(p) {
			return lineError(item(child(w, "platforms"), i), "dm_window: unknown platform %q", p)
		}
	}
	if c.DMWindow.StandardHours <= 0 {
		return lineError(child(w, "standard_hours"), "dm_window: standard_hours must be positive, got %d", c.DMWindow.StandardHours)
	}
	if c.DMWindow.HumanAgentDays <= 0 {
		return lineError(child(w, "human_agent_days"), "dm_window: human_agent_days must be positive, got %d", c.DMWindow.HumanAgentDays)
	}

	x := child(doc, "x_public_reply")
	for _, key := range []string{"account_tier", "mention_required"} {
		if child(x, key) == nil {
			return lineError(x, "x_public_reply: missing key %q", key)
		}
	}
	if _, ok := c.XPublicReply.MentionRequired[c.XPublicReply.AccountTier]; !ok {
		return lineError(child(x, "account_tier"), "x_public_reply: account_tier %q is not listed under mention_required",
			c.XPublicReply.AccountTier)
	}
	return nil
}

// dmWindow is how long after the customer's last message a DM may go out
// on p, and whether the window applies at all.
func (c Config) dmWindow(p Platform) (time.Duration, bool) {
	for _, q := range c.DMWindow.Platforms {
		if q == p {
			if c.DMWindow.HumanAgentTag {
				return time.Duration(c.DMWindow.HumanAgentDays) * 24 * time.Hour, true
			}
			return time.Duration(c.DMWindow.StandardHours) * time.Hour, true
		}
	}
	return 0, false
}

// windowText renders a window length for a sentence: "24-hour", "7-day".
func windowText(d time.Duration) string {
	if d >= 48*time.Hour && d%(24*time.Hour) == 0 {
		return strconv.Itoa(int(d/(24*time.Hour))) + "-day"
	}
	return strconv.Itoa(int(d/time.Hour)) + "-hour"
}

// xMentionRequired reports whether X's mention rule applies to the account.
func (c Config) xMentionRequired() bool {
	return c.XPublicReply.MentionRequired[c.XPublicReply.AccountTier]
}

// textLimit finds the limit for a platform and mode.
func (c Config) textLimit(p Platform, m ReplyMode) (TextLimit, bool) {
	for _, l := range c.TextLimits {
		if l.Platform != p {
			continue
		}
		for _, q := range l.Modes {
			if q == m {
				return l, true
			}
		}
	}
	return TextLimit{}, false
}
