// Package configs ships carebridge's default configuration files inside the
// binary: the Salesforce metadata (DX source), the default field mapping,
// the platform rule data and the Prometheus alerting rules. Admins override
// them with files of their own.
package configs

import (
	"embed"
	"fmt"
	"io/fs"
	"net/url"
	"strings"
)

//go:embed salesforce/sfdx-project.json salesforce/force-app salesforce/case-status mapping.yaml rules.yaml prometheus/alerts.yaml
var files embed.FS

// RunbookBase is the runbook every shipped alert links to
// (configs/prometheus/alerts.yaml): docs/operations.md of the public
// repository's main branch. Each alert's runbook_url is RunbookBase, "#" and
// the anchor of the alert's section. AlertRules serves the rules with
// another base (an internal wiki, a fork, a tag).
const RunbookBase = "https://github.com/carebridge/carebridge/blob/main/docs/operations.md"

// FS returns the shipped configuration tree (read-only).
func FS() fs.FS { return files }

// SalesforceMetadata returns the Salesforce DX source tree rooted at
// configs/salesforce.
func SalesforceMetadata() fs.FS {
	sub, err := fs.Sub(files, "salesforce")
	if err != nil { // cannot happen: the directory is embedded above
		return files
	}
	return sub
}

// Mapping returns the default field mapping (configs/mapping.yaml).
func Mapping() []byte { return mustRead("mapping.yaml") }

// Rules returns the shipped platform rule data (configs/rules.yaml).
func Rules() []byte { return mustRead("rules.yaml") }

// AlertRules returns the shipped Prometheus alerting rules
// (configs/prometheus/alerts.yaml) with every runbook_url pointing at base
// instead of RunbookBase: base + "#" + the section's anchor. base must be an
// absolute http(s) URL of a page holding the sections of docs/operations.md
// (a trailing "#" is dropped); "" keeps RunbookBase.
func AlertRules(base string) ([]byte, error) {
	rules := mustRead("prometheus/alerts.yaml")
	if base == "" {
		return rules, nil
	}
	base = strings.TrimSuffix(base, "#")
	u, err := url.Parse(base)
	if err != nil {
		return nil, fmt.Errorf("runbook base %q: %w", base, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Fragment != "" {
		return nil, fmt.Errorf("runbook base %q: want an absolute http or https URL without a fragment", base)
	}
	if strings.ContainsAny(base, " \t\n'\"") {
		return nil, fmt.Errorf("runbook base %q: no spaces or quotes", base)
	}
	const prefix = "runbook_url: "
	return []byte(strings.ReplaceAll(string(rules), prefix+RunbookBase+"#", prefix+base+"#")), nil
}

func mustRead(name string) []byte {
	b, err := files.ReadFile(name)
	if err != nil { // cannot happen: the file is embedded above
		return nil
	}
	return b
}
