package mapping

import (
	"errors"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/carebridge/carebridge/connectors/salesforce/sfid"
)

// SetOverride returns the mapping YAML src with the identity override of
// the Care agent set to the Salesforce user (user "": the agent's override
// removed). An override of another agent naming the same user goes, since
// a user stands for one agent. Only the identity.overrides block is
// rewritten; the rest of the file, comments included, stays as it was. The
// result is not validated: parse it before use.
func SetOverride(src []byte, agent, user string) ([]byte, error) {
	if strings.TrimSpace(agent) == "" {
		return nil, errors.New("set identity override: no Care agent named")
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, fmt.Errorf("set identity override: %w", err)
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, errors.New("set identity override: the mapping is not a YAML mapping")
	}
	lines := strings.SplitAfter(string(src), "\n")
	if len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	top := doc.Content[0]
	identity := valueOf(top, "identity")
	if identity == nil {
		// No identity section: append one.
		out := string(src)
		if out != "" && !strings.HasSuffix(out, "\n") {
			out += "\n"
		}
		return []byte(out + "identity:\n" + renderOverrides("  ", edited(nil, agent, user))), nil
	}
	key := keyOf(top, "identity")
	if identity.Kind != yaml.MappingNode || identity.Style&yaml.FlowStyle != 0 {
		// identity: (empty) or a flow mapping: rewrite the section whole,
		// keeping its settings.
		var cfg struct {
			MatchByEmail    *bool  `yaml:"match_by_email"`
			UnassignedOwner string `yaml:"unassigned_owner"`
		}
		if identity.Kind == yaml.MappingNode {
			if err := identity.Decode(&cfg); err != nil {
				return nil, fmt.Errorf("set identity override: %w", err)
			}
		}
		block := "identity:\n"
		if cfg.MatchByEmail != nil {
			block += fmt.Sprintf("  match_by_email: %t\n", *cfg.MatchByEmail)
		}
		if cfg.UnassignedOwner != "" {
			block += "  unassigned_owner: " + doubleQuoted(cfg.UnassignedOwner) + "\n"
		}
		block += renderOverrides("  ", edited(decodeOverrides(valueOf(identity, "overrides")), agent, user))
		return splice(lines, key.Line, lastLine(identity), block), nil
	}
	overridesKey := keyOf(identity, "overrides")
	if overridesKey == nil {
		indent := strings.Repeat(" ", identity.Content[0].Column-1)
		return splice(lines, key.Line+1, key.Line, renderOverrides(indent, edited(nil, agent, user))), nil
	}
	overrides := valueOf(identity, "overrides")
	indent := strings.Repeat(" ", overridesKey.Column-1)
	return splice(lines, overridesKey.Line, lastLine(overrides), renderOverrides(indent, edited(decodeOverrides(overrides), agent, user))), nil
}

// edited is the override list with agent's set to user.
func edited(list []Override, agent, user string) []Override {
	var out []Override
	for _, o := range list {
		if o.CareAgent == agent || (user != "" && sfid.Key(o.SalesforceUser) == sfid.Key(user)) {
			continue
		}
		out = append(out, o)
	}
	if user != "" {
		out = append(out, Override{CareAgent: agent, SalesforceUser: user})
	}
	return out
}

func decodeOverrides(n *yaml.Node) []Override {
	var raw []struct {
		CareAgent      string `yaml:"care_agent"`
		SalesforceUser string `yaml:"salesforce_user"`
	}
	if n == nil || n.Decode(&raw) != nil {
		return nil
	}
	out := make([]Override, 0, len(raw))
	for _, r := range raw {
		out = append(out, Override(r))
	}
	return out
}

func renderOverrides(indent string, list []Override) string {
	if len(list) == 0 {
		return indent + "overrides: []\n"
	}
	var b strings.Builder
	b.WriteString(indent + "overrides:\n")
	for _, o := range list {
		fmt.Fprintf(&b, "%s  - care_agent: %s\n%s    salesforce_user: %s\n", indent, doubleQuoted(o.CareAgent), indent, doubleQuoted(o.SalesforceUser))
	}
	return b.String()
}

func keyOf(m *yaml.Node, name string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == name {
			return m.Content[i]
		}
	}
	return nil
}

func valueOf(m *yaml.Node, name string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == name {
			return m.Content[i+1]
		}
	}
	return nil
}

// lastLine is the last line any part of n is on.
func lastLine(n *yaml.Node) int {
	last := n.Line
	for _, c := range n.Content {
		last = max(last, lastLine(c))
	}
	return last
}

// splice replaces lines from..to (1-based, inclusive; to < from inserts
// before from) with block.
func splice(lines []string, from, to int, block string) []byte {
	var b strings.Builder
	for _, l := range lines[:from-1] {
		b.WriteString(l)
	}
	if from > 1 && !strings.HasSuffix(lines[from-2], "\n") {
		b.WriteString("\n")
	}
	b.WriteString(block)
	for _, l := range lines[min(max(to, from-1), len(lines)):] {
		b.WriteString(l)
	}
	return []byte(b.String())
}
