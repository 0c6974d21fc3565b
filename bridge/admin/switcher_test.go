package admin

import (
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/carebridge/carebridge/bridge/state"
	"github.com/carebridge/carebridge/configs"
	"github.com/carebridge/carebridge/connectors/salesforce/metadata"
	"github.com/carebridge/carebridge/mapping"
)

// TestSwitcherFollowsTheActiveVersion: a replica switches to a published
// version, applies it once, says so in carebridge_mapping_info, and keeps
// running what it has when the active version does not load.
func TestSwitcherFollowsTheActiveVersion(t *testing.T) {
	schema, err := metadata.Load(configs.SalesforceMetadata())
	if err != nil {
		t.Fatal(err)
	}
	initial, err := mapping.Parse("mapping.yaml", configs.Mapping(), mapping.FromMetadata(schema))
	if err != nil {
		t.Fatal(err)
	}
	versions := &memMappings{}
	reg := prometheus.NewRegistry()
	var applied []*mapping.Mapping
	s, err := NewSwitcher(SwitcherOptions{Versions: versions, Schema: mapping.FromMetadata(schema), Initial: initial,
		Running: Running{Source: "default", Digest: initial.Version()}, Apply: func(m *mapping.Mapping) { applied = append(applied, m) }, Registerer: reg})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	if err := s.Sync(ctx); err != nil || len(applied) != 0 {
		t.Fatalf("sync with nothing published: %v, applied %d", err, len(applied))
	}

	edited := strings.Replace(string(configs.Mapping()), "conflict: newest_wins", "conflict: salesforce_wins", 1)
	if _, err := versions.PublishMapping(ctx, state.MappingVersion{YAML: edited, Author: "ana"}, 0); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := s.Sync(ctx); err != nil {
			t.Fatal(err)
		}
	}
	m, running := s.Get()
	if len(applied) != 1 || applied[0] != m || running.Source != "published" || running.Number != 1 || running.Digest == initial.Version() {
		t.Fatalf("after publishing: applied %d, running %+v", len(applied), running)
	}
	if got := testutil.ToFloat64(s.info.WithLabelValues("published", "1", m.Version())); got != 1 {
		t.Errorf("mapping_info for version 1 = %v, want 1", got)
	}

	// Version 2 names a field the org lacks: it does not load.
	broken := strings.Replace(string(configs.Mapping()), "salesforce: Priority", "salesforce: Priorityy", 1)
	if _, err := versions.PublishMapping(ctx, state.MappingVersion{YAML: broken, Author: "ben"}, 1); err != nil {
		t.Fatal(err)
	}
	if err := s.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if _, running := s.Get(); running.Number != 1 || len(applied) != 1 {
		t.Errorf("a version that does not load replaced the running one: %+v", running)
	}
	if got := testutil.ToFloat64(s.reloads.WithLabelValues("failure")); got != 1 {
		t.Errorf("reload failures = %v, want 1", got)
	}
}
