// Package statetest is the behaviour suite of the sync state the engine
// uses: every implementation of Store (the Redis store, *state.Store, and
// the in-memory one, memstate) runs it from its own tests and must pass it,
// so that logic tested against one behaves the same against the other.
//
// Each behaviour is a subtest on a fresh, empty store. The suite drives
// the store only through Store, with the real clock: behaviour that needs
// time to pass (claims and action records running out their TTL, a retired
// case's kept base expiring) is not here, because the Redis store leaves it
// to Redis's own expiry, which no option can drive without waiting. The
// Redis store's tests check those TTLs in Redis; memstate's tests check its
// expiry with a fake clock.
package statetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/carebridge/carebridge/bridge/state"
)

// Store is the part of the sync state the engine uses, with the signatures
// of *state.Store.
type Store interface {
	LinkCase(ctx context.Context, careID, sfID string) error
	SalesforceCase(ctx context.Context, careID string) (string, bool, error)
	CareCase(ctx context.Context, sfID string) (string, bool, error)
	LinkedCases(ctx context.Context, cursor uint64, count int64) (careIDs []string, next uint64, err error)

	SaveBase(ctx context.Context, careID string, fields map[string]string, syncedAt time.Time) error
	LoadBase(ctx context.Context, careID string) (b state.Base, found bool, err error)
	SavePendingWrites(ctx context.Context, careID string, writes map[string]state.PendingWrite) error
	PendingWrites(ctx context.Context, careID string) (map[string]state.PendingWrite, error)

	LinkChild(ctx context.Context, careCaseID string, kind state.Kind, careChildID, sfID string) error
	SalesforceChild(ctx context.Context, careCaseID string, kind state.Kind, careChildID string) (string, bool, error)
	CareChild(ctx context.Context, careCaseID string, kind state.Kind, sfID string) (string, bool, error)

	Audit(ctx context.Context, e state.AuditEntry) (string, error)
	Cursor(ctx context.Context, source string) (string, bool, error)
	SetCursor(ctx context.Context, source, cursor string) error

	SetCaseClosed(ctx context.Context, careID string, closed bool, at time.Time) error
	ClosedBefore(ctx context.Context, t time.Time, n int64) ([]string, error)
	RetireCase(ctx context.Context, careID string, cutoff time.Time, keepBase time.Duration) (state.Base, error)
	RetiredMirrors(ctx context.Context, t time.Time, n int64) ([]state.RetiredMirror, error)
	MirrorRemoved(ctx context.Context, careID string) error
	MarkErased(ctx context.Context, careID string, keys []string) error

	MessageMirror(ctx context.Context, careID string) (map[string]state.MirroredMessage, error)
	SetMessageMirror(ctx context.Context, careID string, msgs map[string]state.MirroredMessage) error

	LoadCases(ctx context.Context, careIDs []string, withMirror bool) (map[string]state.CaseState, error)
	SaveCases(ctx context.Context, saves []state.CaseSave) []error
	SaveStamps(ctx context.Context, saves []state.StampSave) []error
	AddHint(ctx context.Context, hint string, careIDs ...string) error

	BeginAction(ctx context.Context, actionID, idempotencyKey string, request []byte) (state.ActionRecord, bool, error)
	CompleteAction(ctx context.Context, actionID string, o state.ActionOutcome) error
	MarkActionReported(ctx context.Context, actionID string) error
	Action(ctx context.Context, actionID string) (state.ActionRecord, bool, error)

	NoteWrites(ctx context.Context, object string, writes map[string]map[string]any) error
	RecentWrites(ctx context.Context, object string, ids []string) (map[string][]map[string]any, error)
}

var _ Store = (*state.Store)(nil)

// Run runs the behaviour suite. open returns a new, empty store for one
// subtest; anything it starts should stop with t's cleanup.
func Run(t *testing.T, open func(t *testing.T) Store) {
	groups := []struct {
		name  string
		cases []behaviour
	}{
		{"CaseLinks", caseLinks()},
		{"LinkedCases", linkedCases()},
		{"ChildLinks", childLinks()},
		{"Base", baseSnapshots()},
		{"PendingWrites", pendingWrites()},
		{"Audit", audit()},
		{"Cursor", cursors()},
		{"Closed", closedCases()},
		{"RetireCase", retireCase()},
		{"RetiredMirrors", retiredMirrors()},
		{"Erased", erasedMessages()},
		{"MessageMirror", messageMirror()},
		{"CaseState", caseStates()},
		{"Action", actions()},
		{"OwnWrites", ownWrites()},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			for _, b := range g.cases {
				t.Run(b.name, func(t *testing.T) { b.test(t, open(t)) })
			}
		})
	}
}

type behaviour struct {
	name string
	test func(t *testing.T, s Store)
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// linkOf returns what careID links to, failing t on an error.
func linkOf(t *testing.T, s Store, careID string) (string, bool) {
	t.Helper()
	sf, ok, err := s.SalesforceCase(t.Context(), careID)
	must(t, err)
	return sf, ok
}

// backLinkOf returns what sfID links back to, failing t on an error.
func backLinkOf(t *testing.T, s Store, sfID string) (string, bool) {
	t.Helper()
	c, ok, err := s.CareCase(t.Context(), sfID)
	must(t, err)
	return c, ok
}

// sweep pages through LinkedCases from cursor 0 to the end, calling
// between after each page but the last.
func sweep(t *testing.T, s Store, count int64, between func(page int)) map[string]int {
	t.Helper()
	seen := map[string]int{}
	var cursor uint64
	for page := 0; ; page++ {
		if page > 10000 {
			t.Fatal("LinkedCases sweep does not end")
		}
		ids, next, err := s.LinkedCases(t.Context(), cursor, count)
		must(t, err)
		for _, id := range ids {
			seen[id]++
		}
		if next == 0 {
			return seen
		}
		if between != nil {
			between(page)
		}
		cursor = next
	}
}

func caseLinks() []behaviour {
	return []behaviour{
		{"links both ways", func(t *testing.T, s Store) {
			must(t, s.LinkCase(t.Context(), "care-1", "500A1"))
			if sf, ok := linkOf(t, s, "care-1"); !ok || sf != "500A1" {
				t.Errorf("salesforce case of care-1 = %q, %v; want 500A1", sf, ok)
			}
			if c, ok := backLinkOf(t, s, "500A1"); !ok || c != "care-1" {
				t.Errorf("care case of 500A1 = %q, %v; want care-1", c, ok)
			}
		}},
		{"unknown ids are not linked", func(t *testing.T, s Store) {
			must(t, s.LinkCase(t.Context(), "care-1", "500A1"))
			if sf, ok := linkOf(t, s, "care-2"); ok {
				t.Errorf("care-2 links to %q", sf)
			}
			if c, ok := backLinkOf(t, s, "500A2"); ok {
				t.Errorf("500A2 links to %q", c)
			}
			// The two directions are separate namespaces.
			if _, ok := linkOf(t, s, "500A1"); ok {
				t.Error("a Salesforce id found as a Care case")
			}
		}},
		{"linking the same pair again is a no-op", func(t *testing.T, s Store) {
			must(t, s.LinkCase(t.Context(), "care-1", "500A1"))
			must(t, s.LinkCase(t.Context(), "care-1", "500A1"))
			if sf, ok := linkOf(t, s, "care-1"); !ok || sf != "500A1" {
				t.Errorf("salesforce case of care-1 = %q, %v", sf, ok)
			}
		}},
		{"a care case linked to a second salesforce case conflicts", func(t *testing.T, s Store) {
			must(t, s.LinkCase(t.Context(), "care-1", "500A1"))
			if err := s.LinkCase(t.Context(), "care-1", "500B2"); !errors.Is(err, state.ErrLinkConflict) {
				t.Fatalf("link care-1 <-> 500B2: %v, want ErrLinkConflict", err)
			}
			if sf, _ := linkOf(t, s, "care-1"); sf != "500A1" {
				t.Errorf("care-1 now links to %q", sf)
			}
			if c, ok := backLinkOf(t, s, "500B2"); ok {
				t.Errorf("500B2 got a back link to %q", c)
			}
		}},
		{"a salesforce case linked to a second care case conflicts", func(t *testing.T, s Store) {
			must(t, s.LinkCase(t.Context(), "care-1", "500A1"))
			if err := s.LinkCase(t.Context(), "care-2", "500A1"); !errors.Is(err, state.ErrLinkConflict) {
				t.Fatalf("link care-2 <-> 500A1: %v, want ErrLinkConflict", err)
			}
			if c, _ := backLinkOf(t, s, "500A1"); c != "care-1" {
				t.Errorf("500A1 now links to %q", c)
			}
			if sf, ok := linkOf(t, s, "care-2"); ok {
				t.Errorf("care-2 got a link to %q", sf)
			}
		}},
		{"an empty id is refused", func(t *testing.T, s Store) {
			for _, p := range [][2]string{{"care-1", ""}, {"", "500A1"}, {"", ""}} {
				if err := s.LinkCase(t.Context(), p[0], p[1]); err == nil {
					t.Errorf("link %q <-> %q succeeded", p[0], p[1])
				}
			}
			if _, ok := linkOf(t, s, "care-1"); ok {
				t.Error("care-1 linked")
			}
			if _, ok := backLinkOf(t, s, "500A1"); ok {
				t.Error("500A1 linked")
			}
		}},
		{"of concurrent links of one care case exactly one wins", func(t *testing.T, s Store) {
			const n = 16
			errs := make([]error, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Go(func() { errs[i] = s.LinkCase(t.Context(), "care-1", fmt.Sprintf("500%02d", i)) })
			}
			wg.Wait()
			winner := -1
			for i, err := range errs {
				switch {
				case err == nil && winner >= 0:
					t.Fatalf("links to #%d and #%d both succeeded", winner, i)
				case err == nil:
					winner = i
				case !errors.Is(err, state.ErrLinkConflict):
					t.Fatalf("link #%d: %v, want ErrLinkConflict", i, err)
				}
			}
			if winner < 0 {
				t.Fatal("no link succeeded")
			}
			want := fmt.Sprintf("500%02d", winner)
			if sf, _ := linkOf(t, s, "care-1"); sf != want {
				t.Errorf("care-1 links to %q, want the winner %q", sf, want)
			}
			for i := range n {
				sf := fmt.Sprintf("500%02d", i)
				if c, ok := backLinkOf(t, s, sf); ok != (i == winner) || (ok && c != "care-1") {
					t.Errorf("back link of %s = %q, %v", sf, c, ok)
				}
			}
		}},
	}
}

func linkedCases() []behaviour {
	// many is more than Redis keeps in a listpack (hash-max-listpack-entries,
	// 128 or 512 depending on the build), so that HSCAN pages instead of
	// returning the whole hash at once.
	const many = 1000
	return []behaviour{
		{"an empty store has none", func(t *testing.T, s Store) {
			ids, next, err := s.LinkedCases(t.Context(), 0, 10)
			if err != nil || len(ids) != 0 || next != 0 {
				t.Fatalf("LinkedCases = %v, %d, %v; want none, 0", ids, next, err)
			}
		}},
		{"a sweep sees every linked case", func(t *testing.T, s Store) {
			want := map[string]bool{}
			for i := range many {
				id := fmt.Sprintf("care-%d", i)
				want[id] = true
				must(t, s.LinkCase(t.Context(), id, fmt.Sprintf("500%05d", i)))
			}
			seen := sweep(t, s, 50, nil)
			got := map[string]bool{}
			for id := range seen {
				got[id] = true
			}
			if !maps.Equal(got, want) {
				t.Fatalf("sweep saw %d cases, want %d", len(got), len(want))
			}
		}},
		{"cases linked throughout a sweep are not missed", func(t *testing.T, s Store) {
			t0 := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
			for i := range many {
				must(t, s.LinkCase(t.Context(), fmt.Sprintf("care-%d", i), fmt.Sprintf("500%05d", i)))
			}
			retired := map[string]bool{}
			seen := sweep(t, s, 50, func(page int) {
				// Between pages, cases come and go.
				for j := range 5 {
					must(t, s.LinkCase(t.Context(), fmt.Sprintf("new-%d-%d", page, j), fmt.Sprintf("501%03d%02d", page, j)))
					id := fmt.Sprintf("care-%d", (page*37+j*61)%many)
					if retired[id] {
						continue
					}
					must(t, s.SetCaseClosed(t.Context(), id, true, t0))
					if _, err := s.RetireCase(t.Context(), id, t0, time.Hour); err != nil {
						t.Fatal(err)
					}
					retired[id] = true
				}
			})
			if len(retired) == 0 {
				t.Fatal("the sweep took one page: nothing changed during it")
			}
			for i := range many {
				id := fmt.Sprintf("care-%d", i)
				if !retired[id] && seen[id] == 0 {
					t.Errorf("%s, linked throughout, was missed", id)
				}
			}
		}},
	}
}

func childLinks() []behaviour {
	return []behaviour{
		{"links both ways", func(t *testing.T, s Store) {
			must(t, s.LinkChild(t.Context(), "care-1", state.Notes, "note-1", "00a1"))
			must(t, s.LinkChild(t.Context(), "care-1", state.Notes, "note-2", "00a2"))
			if id, ok, err := s.SalesforceChild(t.Context(), "care-1", state.Notes, "note-1"); err != nil || !ok || id != "00a1" {
				t.Errorf("salesforce record of note-1 = %q, %v, %v", id, ok, err)
			}
			if id, ok, err := s.CareChild(t.Context(), "care-1", state.Notes, "00a2"); err != nil || !ok || id != "note-2" {
				t.Errorf("care note of 00a2 = %q, %v, %v", id, ok, err)
			}
			if id, ok, err := s.SalesforceChild(t.Context(), "care-1", state.Notes, "note-3"); err != nil || ok {
				t.Errorf("salesforce record of unlinked note-3 = %q, %v, %v", id, ok, err)
			}
		}},
		{"linking the same pair again is a no-op", func(t *testing.T, s Store) {
			must(t, s.LinkChild(t.Context(), "care-1", state.Messages, "m1", "a0M1"))
			must(t, s.LinkChild(t.Context(), "care-1", state.Messages, "m1", "a0M1"))
			if id, ok, _ := s.CareChild(t.Context(), "care-1", state.Messages, "a0M1"); !ok || id != "m1" {
				t.Errorf("care message of a0M1 = %q, %v", id, ok)
			}
		}},
		{"kinds and cases are separate", func(t *testing.T, s Store) {
			must(t, s.LinkChild(t.Context(), "care-1", state.Notes, "x1", "00a1"))
			must(t, s.LinkChild(t.Context(), "care-1", state.Messages, "x1", "a0M1"))
			must(t, s.LinkChild(t.Context(), "care-2", state.Notes, "x1", "00b1"))
			for _, c := range []struct {
				careCase string
				kind     state.Kind
				want     string
			}{{"care-1", state.Notes, "00a1"}, {"care-1", state.Messages, "a0M1"}, {"care-2", state.Notes, "00b1"}} {
				if id, ok, err := s.SalesforceChild(t.Context(), c.careCase, c.kind, "x1"); err != nil || !ok || id != c.want {
					t.Errorf("%s x1 of %s = %q, %v, %v; want %q", c.kind, c.careCase, id, ok, err, c.want)
				}
			}
			if _, ok, _ := s.SalesforceChild(t.Context(), "care-2", state.Messages, "x1"); ok {
				t.Error("a message link leaked to another case")
			}
			if _, ok, _ := s.CareChild(t.Context(), "care-2", state.Notes, "00a1"); ok {
				t.Error("a note link of care-1 found under care-2")
			}
		}},
		{"a care child linked to a second record conflicts", func(t *testing.T, s Store) {
			must(t, s.LinkChild(t.Context(), "care-1", state.Notes, "note-1", "00a1"))
			if err := s.LinkChild(t.Context(), "care-1", state.Notes, "note-1", "00a2"); !errors.Is(err, state.ErrLinkConflict) {
				t.Fatalf("note-1 linked to a second comment: %v, want ErrLinkConflict", err)
			}
			if _, ok, _ := s.CareChild(t.Context(), "care-1", state.Notes, "00a2"); ok {
				t.Error("00a2 got a back link")
			}
		}},
		{"a salesforce record linked to a second care child conflicts", func(t *testing.T, s Store) {
			must(t, s.LinkChild(t.Context(), "care-1", state.Notes, "note-1", "00a1"))
			if err := s.LinkChild(t.Context(), "care-1", state.Notes, "note-2", "00a1"); !errors.Is(err, state.ErrLinkConflict) {
				t.Fatalf("00a1 linked to a second note: %v, want ErrLinkConflict", err)
			}
			if _, ok, _ := s.SalesforceChild(t.Context(), "care-1", state.Notes, "note-2"); ok {
				t.Error("note-2 got a link")
			}
		}},
		{"an empty id is refused", func(t *testing.T, s Store) {
			if err := s.LinkChild(t.Context(), "care-1", state.Notes, "", "00a1"); err == nil {
				t.Error("empty care child id accepted")
			}
			if err := s.LinkChild(t.Context(), "care-1", state.Notes, "note-1", ""); err == nil {
				t.Error("empty salesforce id accepted")
			}
		}},
	}
}

func baseSnapshots() []behaviour {
	return []behaviour{
		{"a never synced case has none", func(t *testing.T, s Store) {
			if b, found, err := s.LoadBase(t.Context(), "care-1"); err != nil || found {
				t.Fatalf("base of an unsynced case = %+v, %v, %v", b, found, err)
			}
		}},
		{"round trip, to the millisecond in UTC", func(t *testing.T, s Store) {
			at := time.Date(2026, 11, 25, 10, 30, 0, 123_456_789, time.FixedZone("CET", 3600))
			fields := map[string]string{"status": "open", "assignee": "ann@example.org", "subject": "Refund ünïcode", "empty": ""}
			must(t, s.SaveBase(t.Context(), "care-1", fields, at))
			b, found, err := s.LoadBase(t.Context(), "care-1")
			if err != nil || !found {
				t.Fatalf("load: found=%v, %v", found, err)
			}
			if !maps.Equal(b.Fields, fields) {
				t.Errorf("fields = %v, want %v", b.Fields, fields)
			}
			if want := time.Date(2026, 11, 25, 9, 30, 0, 123_000_000, time.UTC); b.SyncedAt != want {
				t.Errorf("synced at %v, want %v", b.SyncedAt, want)
			}
		}},
		{"saving replaces the whole snapshot", func(t *testing.T, s Store) {
			at := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
			must(t, s.SaveBase(t.Context(), "care-1", map[string]string{"status": "open", "assignee": "ann"}, at))
			second := map[string]string{"status": "pending"}
			must(t, s.SaveBase(t.Context(), "care-1", second, at.Add(time.Minute)))
			b, _, err := s.LoadBase(t.Context(), "care-1")
			must(t, err)
			if !maps.Equal(b.Fields, second) || !b.SyncedAt.Equal(at.Add(time.Minute)) {
				t.Errorf("base after replace = %+v, want %v at %v (old fields dropped)", b, second, at.Add(time.Minute))
			}
		}},
		{"an empty snapshot is found with no fields", func(t *testing.T, s Store) {
			at := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
			must(t, s.SaveBase(t.Context(), "care-1", map[string]string{"status": "open"}, at))
			must(t, s.SaveBase(t.Context(), "care-1", nil, at))
			b, found, err := s.LoadBase(t.Context(), "care-1")
			if err != nil || !found || len(b.Fields) != 0 {
				t.Errorf("empty snapshot = %+v, found=%v, %v; want found with no fields", b, found, err)
			}
		}},
		{"saving keeps a copy", func(t *testing.T, s Store) {
			fields := map[string]string{"status": "open"}
			must(t, s.SaveBase(t.Context(), "care-1", fields, time.Now()))
			fields["status"] = "changed by the caller"
			b, _, err := s.LoadBase(t.Context(), "care-1")
			must(t, err)
			b.Fields["status"] = "changed by the reader"
			b, _, err = s.LoadBase(t.Context(), "care-1")
			must(t, err)
			if b.Fields["status"] != "open" {
				t.Errorf("stored status = %q, want open", b.Fields["status"])
			}
		}},
		{"cases are separate", func(t *testing.T, s Store) {
			must(t, s.SaveBase(t.Context(), "care-1", map[string]string{"status": "open"}, time.Now()))
			if _, found, _ := s.LoadBase(t.Context(), "care-2"); found {
				t.Error("care-2 has care-1's base")
			}
		}},
		{"saving drops the pending writes", func(t *testing.T, s Store) {
			must(t, s.SavePendingWrites(t.Context(), "care-1", map[string]state.PendingWrite{"status": {Value: "open", Side: "care"}}))
			must(t, s.SaveBase(t.Context(), "care-1", map[string]string{"status": "open"}, time.Now()))
			if got, err := s.PendingWrites(t.Context(), "care-1"); err != nil || len(got) != 0 {
				t.Errorf("pending writes after SaveBase = %v, %v; want none", got, err)
			}
		}},
	}
}

func pendingWrites() []behaviour {
	return []behaviour{
		{"a never synced case has none", func(t *testing.T, s Store) {
			if got, err := s.PendingWrites(t.Context(), "care-1"); err != nil || len(got) != 0 {
				t.Fatalf("pending writes of an unsynced case: %v, %v", got, err)
			}
		}},
		{"round trip", func(t *testing.T, s Store) {
			want := map[string]state.PendingWrite{
				"status":   {Value: "pending", Side: "salesforce"},
				"assignee": {Value: "", Side: "care"},
				"subject":  {Value: "a\x00b with a NUL", Side: ""},
			}
			must(t, s.SavePendingWrites(t.Context(), "care-1", want))
			if got, err := s.PendingWrites(t.Context(), "care-1"); err != nil || !maps.Equal(got, want) {
				t.Fatalf("pending writes = %v, %v; want %v", got, err, want)
			}
			if got, _ := s.PendingWrites(t.Context(), "care-2"); len(got) != 0 {
				t.Errorf("care-2 has pending writes %v", got)
			}
		}},
		{"saving replaces them all", func(t *testing.T, s Store) {
			must(t, s.SavePendingWrites(t.Context(), "care-1", map[string]state.PendingWrite{"status": {Value: "pending"}, "subject": {Value: "x"}}))
			want := map[string]state.PendingWrite{"status": {Value: "open", Side: "care"}}
			must(t, s.SavePendingWrites(t.Context(), "care-1", want))
			if got, _ := s.PendingWrites(t.Context(), "care-1"); !maps.Equal(got, want) {
				t.Errorf("pending writes after replace = %v, want %v", got, want)
			}
			must(t, s.SavePendingWrites(t.Context(), "care-1", nil))
			if got, _ := s.PendingWrites(t.Context(), "care-1"); len(got) != 0 {
				t.Errorf("pending writes after saving none = %v", got)
			}
		}},
		{"saving them leaves the base alone", func(t *testing.T, s Store) {
			at := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
			base := map[string]string{"status": "open"}
			must(t, s.SaveBase(t.Context(), "care-1", base, at))
			must(t, s.SavePendingWrites(t.Context(), "care-1", map[string]state.PendingWrite{"status": {Value: "pending", Side: "care"}}))
			if b, found, err := s.LoadBase(t.Context(), "care-1"); err != nil || !found || !maps.Equal(b.Fields, base) || !b.SyncedAt.Equal(at) {
				t.Errorf("base = %+v, %v, %v; want %v at %v", b, found, err, base, at)
			}
		}},
		{"saving keeps a copy", func(t *testing.T, s Store) {
			w := map[string]state.PendingWrite{"status": {Value: "open", Side: "care"}}
			must(t, s.SavePendingWrites(t.Context(), "care-1", w))
			w["status"] = state.PendingWrite{Value: "changed"}
			got, err := s.PendingWrites(t.Context(), "care-1")
			must(t, err)
			got["status"] = state.PendingWrite{Value: "changed by the reader"}
			if got, _ := s.PendingWrites(t.Context(), "care-1"); got["status"].Value != "open" {
				t.Errorf("stored pending write = %+v, want open", got["status"])
			}
		}},
	}
}

func audit() []behaviour {
	return []behaviour{
		{"returns a new id per entry", func(t *testing.T, s Store) {
			ids := map[string]bool{}
			for i := range 20 {
				e := state.AuditEntry{Case: "care-1", Field: "status", From: "open", To: "pending", Side: "care",
					Policy: "care_wins", Resolution: "applied"}
				if i%2 == 0 {
					e.Time = time.Date(2026, 11, 25, 9, 0, i, 0, time.UTC)
				}
				id, err := s.Audit(t.Context(), e)
				if err != nil {
					t.Fatal(err)
				}
				if id == "" || ids[id] {
					t.Fatalf("entry %d got id %q, seen: %v", i, id, ids[id])
				}
				ids[id] = true
			}
		}},
	}
}

func cursors() []behaviour {
	return []behaviour{
		{"missing until set", func(t *testing.T, s Store) {
			if c, ok, err := s.Cursor(t.Context(), "care"); err != nil || ok {
				t.Fatalf("unset cursor = %q, %v, %v", c, ok, err)
			}
			must(t, s.SetCursor(t.Context(), "care", "page-7"))
			if c, ok, err := s.Cursor(t.Context(), "care"); err != nil || !ok || c != "page-7" {
				t.Fatalf("cursor = %q, %v, %v; want page-7", c, ok, err)
			}
		}},
		{"an empty cursor is set, not missing", func(t *testing.T, s Store) {
			must(t, s.SetCursor(t.Context(), "care", ""))
			if c, ok, err := s.Cursor(t.Context(), "care"); err != nil || !ok || c != "" {
				t.Fatalf("cursor = %q, %v, %v; want set to empty", c, ok, err)
			}
		}},
		{"setting replaces; sources are separate", func(t *testing.T, s Store) {
			must(t, s.SetCursor(t.Context(), "care", "page-7"))
			must(t, s.SetCursor(t.Context(), "care", "page-8"))
			if c, _, _ := s.Cursor(t.Context(), "care"); c != "page-8" {
				t.Errorf("cursor = %q, want page-8", c)
			}
			if c, ok, _ := s.Cursor(t.Context(), "salesforce"); ok {
				t.Errorf("salesforce cursor = %q, set by care's", c)
			}
		}},
	}
}

func closedBefore(t *testing.T, s Store, at time.Time, n int64) []string {
	t.Helper()
	ids, err := s.ClosedBefore(t.Context(), at, n)
	must(t, err)
	return ids
}

func closedCases() []behaviour {
	t0 := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	return []behaviour{
		{"none closed", func(t *testing.T, s Store) {
			if ids := closedBefore(t, s, t0, 10); len(ids) != 0 {
				t.Fatalf("closed before = %v, want none", ids)
			}
		}},
		{"longest closed first, up to n", func(t *testing.T, s Store) {
			must(t, s.SetCaseClosed(t.Context(), "c3", true, t0.Add(3*time.Hour)))
			must(t, s.SetCaseClosed(t.Context(), "c1", true, t0.Add(1*time.Hour)))
			must(t, s.SetCaseClosed(t.Context(), "c2", true, t0.Add(2*time.Hour)))
			must(t, s.SetCaseClosed(t.Context(), "c2b", true, t0.Add(2*time.Hour))) // a tie: by id
			must(t, s.SetCaseClosed(t.Context(), "late", true, t0.Add(5*time.Hour)))
			cutoff := t0.Add(4 * time.Hour)
			if ids := closedBefore(t, s, cutoff, 100); !slices.Equal(ids, []string{"c1", "c2", "c2b", "c3"}) {
				t.Errorf("closed before %v = %v, want [c1 c2 c2b c3]", cutoff, ids)
			}
			if ids := closedBefore(t, s, cutoff, 2); !slices.Equal(ids, []string{"c1", "c2"}) {
				t.Errorf("first 2 closed before %v = %v, want [c1 c2]", cutoff, ids)
			}
		}},
		{"closed at the cutoff counts, to the millisecond", func(t *testing.T, s Store) {
			must(t, s.SetCaseClosed(t.Context(), "c1", true, t0))
			must(t, s.SetCaseClosed(t.Context(), "c2", true, t0.Add(time.Millisecond)))
			if ids := closedBefore(t, s, t0.Add(999*time.Microsecond), 10); !slices.Equal(ids, []string{"c1"}) {
				t.Errorf("closed before %v = %v, want [c1]", t0, ids)
			}
			if ids := closedBefore(t, s, t0.Add(-time.Millisecond), 10); len(ids) != 0 {
				t.Errorf("closed before a millisecond earlier = %v, want none", ids)
			}
		}},
		// The Redis store sends no LIMIT for n = 0 and Redis reads a negative
		// count as all.
		{"n <= 0 lists all", func(t *testing.T, s Store) {
			for i := range 3 {
				must(t, s.SetCaseClosed(t.Context(), fmt.Sprintf("c%d", i), true, t0.Add(time.Duration(i)*time.Hour)))
			}
			for _, n := range []int64{0, -1} {
				if ids := closedBefore(t, s, t0.Add(time.Hour*24), n); len(ids) != 3 {
					t.Errorf("ClosedBefore(n=%d) = %v, want all 3", n, ids)
				}
			}
		}},
		{"a case keeps the time it was first seen closed", func(t *testing.T, s Store) {
			must(t, s.SetCaseClosed(t.Context(), "c1", true, t0))
			must(t, s.SetCaseClosed(t.Context(), "c1", true, t0.Add(5*time.Hour)))
			if ids := closedBefore(t, s, t0.Add(time.Hour), 10); !slices.Equal(ids, []string{"c1"}) {
				t.Errorf("closed before = %v, want [c1] (closed since t0)", ids)
			}
		}},
		{"a reopened case leaves the set and closes anew", func(t *testing.T, s Store) {
			must(t, s.SetCaseClosed(t.Context(), "c1", true, t0))
			must(t, s.SetCaseClosed(t.Context(), "c1", false, t0.Add(time.Hour)))
			if ids := closedBefore(t, s, t0.Add(24*time.Hour), 10); len(ids) != 0 {
				t.Errorf("closed before after reopen = %v, want none", ids)
			}
			must(t, s.SetCaseClosed(t.Context(), "c1", true, t0.Add(2*time.Hour)))
			if ids := closedBefore(t, s, t0.Add(time.Hour), 10); len(ids) != 0 {
				t.Errorf("closed before = %v: the first closing time survived the reopen", ids)
			}
			// Reopening a case never closed is fine.
			must(t, s.SetCaseClosed(t.Context(), "c2", false, t0))
		}},
	}
}

// seedCase links a case with a base synced at, pending writes, note and
// message links and a mirror.
func seedCase(t *testing.T, s Store, careID, sfID string, at time.Time) {
	t.Helper()
	ctx := t.Context()
	must(t, s.LinkCase(ctx, careID, sfID))
	must(t, s.SaveBase(ctx, careID, map[string]string{"status": "done", "assignee": "agent_ana"}, at))
	must(t, s.SavePendingWrites(ctx, careID, map[string]state.PendingWrite{"status": {Value: "done", Side: "care"}}))
	must(t, s.LinkChild(ctx, careID, state.Notes, "n1", sfID+"-00a1"))
	must(t, s.LinkChild(ctx, careID, state.Messages, "m1", sfID+"-a0B1"))
	must(t, s.SetMessageMirror(ctx, careID, map[string]state.MirroredMessage{"m1": {SalesforceID: sfID + "-a0B1", Hash: "h"}}))
}

// checkForgotten fails t unless careID's child links, mirror and pending
// writes are gone.
func checkForgotten(t *testing.T, s Store, careID, sfID string) {
	t.Helper()
	ctx := t.Context()
	if id, ok, err := s.SalesforceChild(ctx, careID, state.Notes, "n1"); err != nil || ok {
		t.Errorf("note link left: %q, %v, %v", id, ok, err)
	}
	if id, ok, err := s.CareChild(ctx, careID, state.Messages, sfID+"-a0B1"); err != nil || ok {
		t.Errorf("message link left: %q, %v, %v", id, ok, err)
	}
	if m, err := s.MessageMirror(ctx, careID); err != nil || len(m) != 0 {
		t.Errorf("mirror left: %v, %v", m, err)
	}
	if w, err := s.PendingWrites(ctx, careID); err != nil || len(w) != 0 {
		t.Errorf("pending writes left: %v, %v", w, err)
	}
}

// checkKept fails t unless careID's child links, mirror and pending writes
// (as seedCase left them) are all still there.
func checkKept(t *testing.T, s Store, careID, sfID string) {
	t.Helper()
	ctx := t.Context()
	if id, ok, err := s.SalesforceChild(ctx, careID, state.Notes, "n1"); err != nil || !ok || id != sfID+"-00a1" {
		t.Errorf("note link = %q, %v, %v; want kept", id, ok, err)
	}
	if id, ok, err := s.CareChild(ctx, careID, state.Messages, sfID+"-a0B1"); err != nil || !ok || id != "m1" {
		t.Errorf("message link = %q, %v, %v; want kept", id, ok, err)
	}
	if m, err := s.MessageMirror(ctx, careID); err != nil || len(m) != 1 {
		t.Errorf("mirror = %v, %v; want kept", m, err)
	}
	if w, err := s.PendingWrites(ctx, careID); err != nil || len(w) != 1 {
		t.Errorf("pending writes = %v, %v; want kept", w, err)
	}
}

func retireCase() []behaviour {
	t0 := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	return []behaviour{
		{"unlinks, forgets the per-case state and keeps the base", func(t *testing.T, s Store) {
			ctx := t.Context()
			seedCase(t, s, "old", "500OLD", t0)
			seedCase(t, s, "other", "500OTH", t0)
			must(t, s.SetCaseClosed(ctx, "old", true, t0))
			must(t, s.SetCaseClosed(ctx, "other", true, t0))
			base, err := s.RetireCase(ctx, "old", t0.Add(time.Hour), 90*24*time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]string{"status": "done", "assignee": "agent_ana"}
			if !maps.Equal(base.Fields, want) || !base.SyncedAt.Equal(t0) {
				t.Errorf("retire returned base %+v, want %v at %v", base, want, t0)
			}
			if sf, ok := linkOf(t, s, "old"); ok {
				t.Errorf("a retired case still links to %q", sf)
			}
			if c, ok := backLinkOf(t, s, "500OLD"); ok {
				t.Errorf("a retired case's Salesforce Case still links to %q", c)
			}
			if seen := sweep(t, s, 10, nil); seen["old"] != 0 || seen["other"] != 1 {
				t.Errorf("linked cases after retiring = %v", seen)
			}
			checkForgotten(t, s, "old", "500OLD")
			if b, found, err := s.LoadBase(ctx, "old"); err != nil || !found || !maps.Equal(b.Fields, want) {
				t.Errorf("kept base = %+v, %v, %v; want %v", b, found, err, want)
			}
			if ids := closedBefore(t, s, t0.Add(time.Hour), 10); !slices.Equal(ids, []string{"other"}) {
				t.Errorf("closed after retiring = %v, want [other]", ids)
			}
			// The other case is untouched.
			if sf, ok := linkOf(t, s, "other"); !ok || sf != "500OTH" {
				t.Errorf("other links to %q, %v", sf, ok)
			}
			if id, ok, _ := s.SalesforceChild(ctx, "other", state.Notes, "n1"); !ok || id != "500OTH-00a1" {
				t.Errorf("other's note link = %q, %v", id, ok)
			}
		}},
		{"a retired case can be linked and synced again", func(t *testing.T, s Store) {
			ctx := t.Context()
			seedCase(t, s, "old", "500OLD", t0)
			must(t, s.SetCaseClosed(ctx, "old", true, t0))
			if _, err := s.RetireCase(ctx, "old", t0, time.Hour); err != nil {
				t.Fatal(err)
			}
			must(t, s.LinkCase(ctx, "old", "500OLD"))
			if b, ok, err := s.LoadBase(ctx, "old"); err != nil || !ok || b.Fields["assignee"] != "agent_ana" {
				t.Fatalf("base of the reopened case = %+v, %v, %v", b, ok, err)
			}
			must(t, s.SaveBase(ctx, "old", map[string]string{"status": "open"}, t0.Add(24*time.Hour)))
			must(t, s.LinkChild(ctx, "old", state.Notes, "n1", "500OLD-00a1"))
			if seen := sweep(t, s, 10, nil); seen["old"] != 1 {
				t.Errorf("linked cases = %v, want old", seen)
			}
		}},
		{"a case without a base retires with an empty base", func(t *testing.T, s Store) {
			must(t, s.LinkCase(t.Context(), "c1", "500C1"))
			must(t, s.SetCaseClosed(t.Context(), "c1", true, t0))
			base, err := s.RetireCase(t.Context(), "c1", t0, time.Hour)
			if err != nil || len(base.Fields) != 0 || !base.SyncedAt.IsZero() {
				t.Fatalf("retire = %+v, %v; want an empty base", base, err)
			}
			if _, ok := linkOf(t, s, "c1"); ok {
				t.Error("c1 still linked")
			}
			if _, found, _ := s.LoadBase(t.Context(), "c1"); found {
				t.Error("c1 got a base")
			}
		}},
		{"keepBase under a millisecond keeps no base", func(t *testing.T, s Store) {
			seedCase(t, s, "c1", "500C1", t0)
			must(t, s.SetCaseClosed(t.Context(), "c1", true, t0))
			base, err := s.RetireCase(t.Context(), "c1", t0, 0)
			if err != nil || base.Fields["status"] != "done" {
				t.Fatalf("retire = %+v, %v; want the base as it stood", base, err)
			}
			if b, found, err := s.LoadBase(t.Context(), "c1"); err != nil || found {
				t.Errorf("base kept for 0 = %+v, %v, %v; want gone", b, found, err)
			}
		}},
		{"a reopened case is not retired", func(t *testing.T, s Store) {
			ctx := t.Context()
			seedCase(t, s, "c1", "500C1", t0)
			must(t, s.SetCaseClosed(ctx, "c1", true, t0))
			must(t, s.SetCaseClosed(ctx, "c1", false, t0.Add(time.Hour)))
			base, err := s.RetireCase(ctx, "c1", t0.Add(24*time.Hour), time.Hour)
			if !errors.Is(err, state.ErrReopened) {
				t.Fatalf("retire a reopened case: %v, want ErrReopened", err)
			}
			if base.Fields["status"] != "done" {
				t.Errorf("retire returned base %+v, want the base as it stood", base)
			}
			if sf, ok := linkOf(t, s, "c1"); !ok || sf != "500C1" {
				t.Errorf("a reopened case links to %q, %v; want kept", sf, ok)
			}
			if c, ok := backLinkOf(t, s, "500C1"); !ok || c != "c1" {
				t.Errorf("back link of a reopened case = %q, %v; want kept", c, ok)
			}
			if b, found, _ := s.LoadBase(ctx, "c1"); !found || b.Fields["status"] != "done" {
				t.Errorf("base of a reopened case = %+v, %v; want kept (for keepBase at least)", b, found)
			}
			// A case that goes on syncing keeps its note links, mirror and
			// pending writes: losing them would duplicate notes.
			checkKept(t, s, "c1", "500C1")
		}},
		{"a case closed after the cutoff is not retired", func(t *testing.T, s Store) {
			must(t, s.LinkCase(t.Context(), "c1", "500C1"))
			must(t, s.SetCaseClosed(t.Context(), "c1", true, t0.Add(time.Hour)))
			if _, err := s.RetireCase(t.Context(), "c1", t0, time.Hour); !errors.Is(err, state.ErrReopened) {
				t.Fatalf("retire a case closed after the cutoff: %v, want ErrReopened", err)
			}
			if _, ok := linkOf(t, s, "c1"); !ok {
				t.Error("c1 lost its link")
			}
			if ids := closedBefore(t, s, t0.Add(time.Hour), 10); !slices.Equal(ids, []string{"c1"}) {
				t.Errorf("closed = %v, want c1 still closed", ids)
			}
		}},
		{"a case never closed is not retired", func(t *testing.T, s Store) {
			must(t, s.LinkCase(t.Context(), "c1", "500C1"))
			if _, err := s.RetireCase(t.Context(), "c1", t0, time.Hour); !errors.Is(err, state.ErrReopened) {
				t.Fatalf("retire an open case: %v, want ErrReopened", err)
			}
			if _, ok := linkOf(t, s, "c1"); !ok {
				t.Error("c1 lost its link")
			}
		}},
	}
}

func messageMirror() []behaviour {
	return []behaviour{
		{"empty until set", func(t *testing.T, s Store) {
			if m, err := s.MessageMirror(t.Context(), "care-1"); err != nil || len(m) != 0 {
				t.Fatalf("empty mirror = %v, %v", m, err)
			}
		}},
		{"setting replaces the whole mirror", func(t *testing.T, s Store) {
			first := map[string]state.MirroredMessage{"m1": {SalesforceID: "a0M1", Hash: "h1"}, "m2": {SalesforceID: "a0M2"}}
			must(t, s.SetMessageMirror(t.Context(), "care-1", first))
			if m, err := s.MessageMirror(t.Context(), "care-1"); err != nil || !maps.Equal(m, first) {
				t.Fatalf("mirror = %v, %v; want %v", m, err, first)
			}
			second := map[string]state.MirroredMessage{"m2": {SalesforceID: "a0M2", Hash: "h2 with spaces"}}
			must(t, s.SetMessageMirror(t.Context(), "care-1", second))
			if m, _ := s.MessageMirror(t.Context(), "care-1"); !maps.Equal(m, second) {
				t.Fatalf("mirror after replace = %v, want %v (m1 dropped)", m, second)
			}
			must(t, s.SetMessageMirror(t.Context(), "care-1", nil))
			if m, _ := s.MessageMirror(t.Context(), "care-1"); len(m) != 0 {
				t.Fatalf("mirror after setting none = %v", m)
			}
		}},
		{"cases are separate", func(t *testing.T, s Store) {
			must(t, s.SetMessageMirror(t.Context(), "care-1", map[string]state.MirroredMessage{"m1": {SalesforceID: "a0M1", Hash: "h"}}))
			if m, _ := s.MessageMirror(t.Context(), "care-2"); len(m) != 0 {
				t.Errorf("care-2's mirror = %v", m)
			}
		}},
		{"a salesforce id with a space is refused, the mirror kept", func(t *testing.T, s Store) {
			keep := map[string]state.MirroredMessage{"m1": {SalesforceID: "a0M1", Hash: "h"}}
			must(t, s.SetMessageMirror(t.Context(), "care-1", keep))
			bad := map[string]state.MirroredMessage{"m2": {SalesforceID: "a0M2", Hash: "h"}, "m3": {SalesforceID: "a 0", Hash: "h"}}
			if err := s.SetMessageMirror(t.Context(), "care-1", bad); err == nil {
				t.Fatal("salesforce id with a space accepted")
			}
			if m, _ := s.MessageMirror(t.Context(), "care-1"); !maps.Equal(m, keep) {
				t.Errorf("mirror after a refused set = %v, want %v", m, keep)
			}
		}},
		{"setting keeps a copy", func(t *testing.T, s Store) {
			msgs := map[string]state.MirroredMessage{"m1": {SalesforceID: "a0M1", Hash: "h"}}
			must(t, s.SetMessageMirror(t.Context(), "care-1", msgs))
			msgs["m1"] = state.MirroredMessage{SalesforceID: "changed"}
			m, err := s.MessageMirror(t.Context(), "care-1")
			must(t, err)
			m["m1"] = state.MirroredMessage{SalesforceID: "changed by the reader"}
			if m, _ := s.MessageMirror(t.Context(), "care-1"); m["m1"].SalesforceID != "a0M1" {
				t.Errorf("stored mirror = %v", m)
			}
		}},
	}
}

// checkTimes fails t unless rec was started between before and after (to
// the millisecond, in UTC) and updated no earlier.
func checkTimes(t *testing.T, rec state.ActionRecord, before, after time.Time) {
	t.Helper()
	if rec.StartedAt.Before(before.Truncate(time.Millisecond)) || rec.StartedAt.After(after) || rec.StartedAt.Location() != time.UTC {
		t.Errorf("started at %v, want between %v and %v in UTC", rec.StartedAt, before, after)
	}
	if rec.UpdatedAt.Before(rec.StartedAt) || rec.UpdatedAt.After(time.Now()) || rec.UpdatedAt.Location() != time.UTC {
		t.Errorf("updated at %v, started at %v", rec.UpdatedAt, rec.StartedAt)
	}
}

func begin(t *testing.T, s Store, actionID, key string, request []byte) (state.ActionRecord, bool) {
	t.Helper()
	rec, created, err := s.BeginAction(t.Context(), actionID, key, request)
	must(t, err)
	return rec, created
}

func action(t *testing.T, s Store, actionID string) state.ActionRecord {
	t.Helper()
	rec, found, err := s.Action(t.Context(), actionID)
	must(t, err)
	if !found {
		t.Fatalf("no record of %s", actionID)
	}
	return rec
}

// sameRecord reports whether two records are equal: times as instants,
// requests by content (nil and empty alike).
func sameRecord(a, b state.ActionRecord) bool {
	return a.ID == b.ID && a.State == b.State && a.IdempotencyKey == b.IdempotencyKey &&
		a.CareMessageID == b.CareMessageID && a.Code == b.Code && a.Reason == b.Reason &&
		a.StartedAt.Equal(b.StartedAt) && a.UpdatedAt.Equal(b.UpdatedAt) && a.Reported == b.Reported &&
		bytes.Equal(a.Request, b.Request)
}

func actions() []behaviour {
	return []behaviour{
		{"a missing action has no record", func(t *testing.T, s Store) {
			if rec, found, err := s.Action(t.Context(), "a1"); err != nil || found {
				t.Fatalf("Action = %+v, %v, %v; want not found", rec, found, err)
			}
		}},
		{"begin creates the record, sending", func(t *testing.T, s Store) {
			before := time.Now()
			rec, created := begin(t, s, "a1", "cb-a1", []byte(`{"text":"hello"}`))
			after := time.Now()
			if !created {
				t.Fatal("first begin did not create")
			}
			if rec.ID != "a1" || rec.State != state.ActionSending || rec.IdempotencyKey != "cb-a1" ||
				string(rec.Request) != `{"text":"hello"}` || rec.Reported || rec.CareMessageID != "" || rec.Code != "" || rec.Reason != "" {
				t.Fatalf("new record = %+v", rec)
			}
			checkTimes(t, rec, before, after)
			if !rec.UpdatedAt.Equal(rec.StartedAt) {
				t.Errorf("new record updated at %v, started at %v", rec.UpdatedAt, rec.StartedAt)
			}
			if got := action(t, s, "a1"); !sameRecord(got, rec) {
				t.Errorf("Action = %+v, begin returned %+v", got, rec)
			}
		}},
		{"begin creates once and keeps the first key and request", func(t *testing.T, s Store) {
			first, _ := begin(t, s, "a1", "cb-a1", []byte("first request"))
			rec, created := begin(t, s, "a1", "some-other-key", []byte("a rebuilt request"))
			if created {
				t.Fatal("second begin created again")
			}
			if !sameRecord(rec, first) {
				t.Fatalf("second begin = %+v, want the first record %+v", rec, first)
			}
			if rec, created := begin(t, s, "a1", "cb-a1", nil); created || string(rec.Request) != "first request" {
				t.Fatalf("begin with no request = %+v, %v; want the first request", rec, created)
			}
		}},
		{"the request is stored byte for byte", func(t *testing.T, s Store) {
			req := make([]byte, 0, 70_000)
			for i := range cap(req) {
				req = append(req, byte(i*7))
			}
			req = append(req, "\x00\xff\r\n ünïcode"...)
			rec, _ := begin(t, s, "a1", "cb-a1", req)
			if !bytes.Equal(rec.Request, req) {
				t.Fatalf("begin returned a request of %d bytes, want the %d given", len(rec.Request), len(req))
			}
			if got := action(t, s, "a1"); !bytes.Equal(got.Request, req) {
				t.Fatalf("stored request of %d bytes, want the %d given", len(got.Request), len(req))
			}
		}},
		{"the request is a copy", func(t *testing.T, s Store) {
			req := []byte("request")
			rec, _ := begin(t, s, "a1", "cb-a1", req)
			req[0] = 'X'
			rec.Request[1] = 'X'
			if got := action(t, s, "a1"); string(got.Request) != "request" {
				t.Fatalf("stored request = %q, want request", got.Request)
			}
		}},
		{"an empty request reads back empty", func(t *testing.T, s Store) {
			for i, req := range [][]byte{nil, {}} {
				id := fmt.Sprintf("a%d", i)
				if rec, _ := begin(t, s, id, "cb-"+id, req); len(rec.Request) != 0 {
					t.Errorf("begin with %#v returned request %q", req, rec.Request)
				}
				if got := action(t, s, id); len(got.Request) != 0 {
					t.Errorf("stored request %q, want empty", got.Request)
				}
			}
		}},
		{"an empty action id or key is refused", func(t *testing.T, s Store) {
			if _, _, err := s.BeginAction(t.Context(), "a1", "", []byte("r")); err == nil {
				t.Error("empty idempotency key accepted")
			}
			if _, _, err := s.BeginAction(t.Context(), "", "k", []byte("r")); err == nil {
				t.Error("empty action id accepted")
			}
			if _, found, _ := s.Action(t.Context(), "a1"); found {
				t.Error("a refused begin left a record")
			}
		}},
		{"of concurrent begins one creates and all see its request", func(t *testing.T, s Store) {
			const n = 16
			recs := make([]state.ActionRecord, n)
			created := make([]bool, n)
			errs := make([]error, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Go(func() {
					recs[i], created[i], errs[i] = s.BeginAction(t.Context(), "a1", fmt.Sprintf("key-%d", i), fmt.Appendf(nil, "request-%d", i))
				})
			}
			wg.Wait()
			must(t, errors.Join(errs...))
			winner := slices.Index(created, true)
			if winner < 0 || slices.Index(created[winner+1:], true) >= 0 {
				t.Fatalf("created = %v, want exactly one", created)
			}
			want := recs[winner]
			if want.IdempotencyKey != fmt.Sprintf("key-%d", winner) || string(want.Request) != fmt.Sprintf("request-%d", winner) {
				t.Fatalf("the creating begin returned %+v, not its own key and request", want)
			}
			for i, rec := range recs {
				if !sameRecord(rec, want) {
					t.Errorf("begin #%d returned %+v, want the first record %+v", i, rec, want)
				}
			}
		}},
		{"complete then Action returns the outcome", func(t *testing.T, s Store) {
			outcomes := []state.ActionOutcome{
				{State: state.ActionSent, CareMessageID: "msg-9"},
				{State: state.ActionRejected, Code: "window_closed", Reason: "The reply window closed."},
				{State: state.ActionFailed, Code: "care_unavailable", Reason: "Care did not answer."},
			}
			for i, o := range outcomes {
				id := fmt.Sprintf("a%d", i)
				started, _ := begin(t, s, id, "cb-"+id, []byte("req-"+id))
				must(t, s.CompleteAction(t.Context(), id, o))
				rec := action(t, s, id)
				want := started
				want.State, want.CareMessageID, want.Code, want.Reason, want.UpdatedAt = o.State, o.CareMessageID, o.Code, o.Reason, rec.UpdatedAt
				if !sameRecord(rec, want) {
					t.Errorf("after completing %s: %+v, want %+v", o.State, rec, want)
				}
				if rec.UpdatedAt.Before(started.StartedAt) {
					t.Errorf("updated at %v, before it started at %v", rec.UpdatedAt, started.StartedAt)
				}
				// Begin resumes from the outcome.
				if again, created := begin(t, s, id, "other-key", []byte("other request")); created || !sameRecord(again, rec) {
					t.Errorf("begin after completion = %+v, %v; want the completed record", again, created)
				}
			}
		}},
		// What the Redis store does today: a later outcome replaces an earlier
		// one, whatever it was.
		{"a second completion replaces the outcome", func(t *testing.T, s Store) {
			begin(t, s, "a1", "cb-a1", nil)
			must(t, s.CompleteAction(t.Context(), "a1", state.ActionOutcome{State: state.ActionSent, CareMessageID: "msg-1"}))
			must(t, s.CompleteAction(t.Context(), "a1", state.ActionOutcome{State: state.ActionFailed, Code: "c"}))
			if rec := action(t, s, "a1"); rec.State != state.ActionFailed || rec.CareMessageID != "" || rec.Code != "c" {
				t.Errorf("record = %+v, want failed with code c and no message id", rec)
			}
		}},
		{"completing with a state that is not final is refused", func(t *testing.T, s Store) {
			started, _ := begin(t, s, "a1", "cb-a1", []byte("req"))
			for _, st := range []state.ActionState{state.ActionSending, "", "bogus"} {
				if err := s.CompleteAction(t.Context(), "a1", state.ActionOutcome{State: st, Code: "x"}); err == nil {
					t.Errorf("completing with %q accepted", st)
				}
			}
			if rec := action(t, s, "a1"); !sameRecord(rec, started) {
				t.Errorf("record after refused completions = %+v, want %+v", rec, started)
			}
		}},
		{"completing a missing action: ErrNoAction", func(t *testing.T, s Store) {
			err := s.CompleteAction(t.Context(), "nope", state.ActionOutcome{State: state.ActionFailed})
			if !errors.Is(err, state.ErrNoAction) {
				t.Fatalf("complete a missing action: %v, want ErrNoAction", err)
			}
			if _, found, _ := s.Action(t.Context(), "nope"); found {
				t.Error("completing a missing action created a record")
			}
		}},
		{"mark reported keeps the outcome", func(t *testing.T, s Store) {
			begin(t, s, "a1", "cb-a1", []byte("req"))
			must(t, s.CompleteAction(t.Context(), "a1", state.ActionOutcome{State: state.ActionSent, CareMessageID: "msg-9"}))
			done := action(t, s, "a1")
			must(t, s.MarkActionReported(t.Context(), "a1"))
			rec := action(t, s, "a1")
			want := done
			want.Reported, want.UpdatedAt = true, rec.UpdatedAt
			if !sameRecord(rec, want) || rec.UpdatedAt.Before(done.UpdatedAt) {
				t.Errorf("after mark reported: %+v, want %+v", rec, want)
			}
			// Idempotent.
			must(t, s.MarkActionReported(t.Context(), "a1"))
			if rec := action(t, s, "a1"); !rec.Reported || rec.State != state.ActionSent {
				t.Errorf("after marking twice: %+v", rec)
			}
		}},
		{"mark reported on a missing action: ErrNoAction", func(t *testing.T, s Store) {
			if err := s.MarkActionReported(t.Context(), "nope"); !errors.Is(err, state.ErrNoAction) {
				t.Fatalf("mark a missing action reported: %v, want ErrNoAction", err)
			}
			if _, found, _ := s.Action(t.Context(), "nope"); found {
				t.Error("marking a missing action created a record")
			}
		}},
		{"actions are separate", func(t *testing.T, s Store) {
			begin(t, s, "a1", "cb-a1", []byte("one"))
			rec, created := begin(t, s, "a2", "cb-a2", []byte("two"))
			if !created || rec.IdempotencyKey != "cb-a2" || string(rec.Request) != "two" {
				t.Fatalf("begin a2 = %+v, %v", rec, created)
			}
			must(t, s.CompleteAction(t.Context(), "a2", state.ActionOutcome{State: state.ActionSent}))
			if rec := action(t, s, "a1"); rec.State != state.ActionSending || string(rec.Request) != "one" {
				t.Errorf("a1 = %+v after completing a2", rec)
			}
		}},
	}
}

func caseStates() []behaviour {
	at := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	return []behaviour{
		{"stamps and hints: a reconcile's stamps leave the triggers' hints alone, and retirement drops both", func(t *testing.T, s Store) {
			ctx := t.Context()
			syncOf := func(id string) map[string]string {
				got, err := s.LoadCases(ctx, []string{id}, false)
				must(t, err)
				return got[id].Sync
			}
			if got := syncOf("care-1"); len(got) != 0 {
				t.Errorf("a new case's sync = %v, want empty", got)
			}
			must(t, s.AddHint(ctx, "sf_notes", "care-1", "care-2"))
			must(t, s.AddHint(ctx, "sf_notes", "care-1"))
			errs := s.SaveStamps(ctx, []state.StampSave{{CareID: "care-1", Stamps: map[string]string{"care": "t1", "sf_notes": "2"}},
				{CareID: "care-2", Stamps: map[string]string{state.HintPrefix + "sf_notes": "0"}}, {CareID: ""}})
			if errs[0] != nil || errs[1] == nil || errs[2] == nil {
				t.Errorf("SaveStamps errors %v; want none, then a hint name refused, then an empty id refused", errs)
			}
			want := map[string]string{"care": "t1", "sf_notes": "2", state.HintPrefix + "sf_notes": "2"}
			if got := syncOf("care-1"); !maps.Equal(got, want) {
				t.Errorf("care-1 sync = %v, want %v", got, want)
			}
			if got := syncOf("care-2"); !maps.Equal(got, map[string]string{state.HintPrefix + "sf_notes": "1"}) {
				t.Errorf("care-2 sync = %v: a refused save changed it", got)
			}
			must(t, s.SaveStamps(ctx, []state.StampSave{{CareID: "care-1", Stamps: map[string]string{"care": "t2"}}})[0])
			if got := syncOf("care-1")["care"]; got != "t2" {
				t.Errorf("stamp care after a second save = %q, want t2", got)
			}
			must(t, s.SetCaseClosed(ctx, "care-1", true, at))
			if _, err := s.RetireCase(ctx, "care-1", at.Add(time.Hour), time.Hour); err != nil {
				t.Fatal(err)
			}
			if got := syncOf("care-1"); len(got) != 0 {
				t.Errorf("a retired case's sync = %v, want empty", got)
			}
		}},
		{"read together equals read one by one", func(t *testing.T, s Store) {
			ctx := t.Context()
			must(t, s.LinkCase(ctx, "care-1", "sf-1"))
			must(t, s.SaveBase(ctx, "care-1", map[string]string{"status": "open"}, at))
			must(t, s.SavePendingWrites(ctx, "care-1", map[string]state.PendingWrite{"status": {Value: "done", Side: "care"}}))
			must(t, s.SetMessageMirror(ctx, "care-1", map[string]state.MirroredMessage{"m1": {SalesforceID: "a01", Hash: "h"}}))
			got, err := s.LoadCases(ctx, []string{"care-1", "care-2"}, true)
			must(t, err)
			one := got["care-1"]
			if one.SalesforceID != "sf-1" || !one.HasBase || !maps.Equal(one.Base.Fields, map[string]string{"status": "open"}) || !one.Base.SyncedAt.Equal(at) {
				t.Errorf("care-1 = %+v", one)
			}
			if !maps.Equal(one.Pending, map[string]state.PendingWrite{"status": {Value: "done", Side: "care"}}) {
				t.Errorf("care-1 pending = %v", one.Pending)
			}
			if !maps.Equal(one.Mirror, map[string]state.MirroredMessage{"m1": {SalesforceID: "a01", Hash: "h"}}) {
				t.Errorf("care-1 mirror = %v", one.Mirror)
			}
			if two, ok := got["care-2"]; !ok || two.SalesforceID != "" || two.HasBase || len(two.Pending) != 0 || len(two.Mirror) != 0 {
				t.Errorf("unknown care-2 = %+v, %v; want present and empty", two, ok)
			}
			without, err := s.LoadCases(ctx, []string{"care-1"}, false)
			must(t, err)
			if without["care-1"].Mirror != nil {
				t.Errorf("mirror read though not asked for: %v", without["care-1"].Mirror)
			}
		}},
		{"SaveCases stores the base, drops pending writes and records closed", func(t *testing.T, s Store) {
			ctx := t.Context()
			must(t, s.SavePendingWrites(ctx, "care-1", map[string]state.PendingWrite{"status": {Value: "done", Side: "care"}}))
			must(t, saveCase(ctx, s, state.CaseSave{CareID: "care-1", Fields: map[string]string{"status": "done"}, SyncedAt: at, Closed: true, At: at}))
			b, found, err := s.LoadBase(ctx, "care-1")
			must(t, err)
			if !found || b.Fields["status"] != "done" {
				t.Errorf("base = %+v, %v", b, found)
			}
			if p, err := s.PendingWrites(ctx, "care-1"); err != nil || len(p) != 0 {
				t.Errorf("pending after SaveCase = %v, %v", p, err)
			}
			if ids, err := s.ClosedBefore(ctx, at, 0); err != nil || !slices.Equal(ids, []string{"care-1"}) {
				t.Errorf("closed = %v, %v; want care-1", ids, err)
			}
			// Still closed later: it keeps the time it was first seen closed.
			must(t, saveCase(ctx, s, state.CaseSave{CareID: "care-1", Fields: map[string]string{"status": "done"}, SyncedAt: at, Closed: true, At: at.Add(time.Hour)}))
			if ids, err := s.ClosedBefore(ctx, at, 0); err != nil || !slices.Equal(ids, []string{"care-1"}) {
				t.Errorf("closed after a later save = %v, %v; want care-1 since the first", ids, err)
			}
			must(t, saveCase(ctx, s, state.CaseSave{CareID: "care-1", Fields: map[string]string{"status": "open"}, SyncedAt: at, Closed: false, At: at}))
			if ids, err := s.ClosedBefore(ctx, at.Add(time.Hour), 0); err != nil || len(ids) != 0 {
				t.Errorf("closed after reopening = %v, %v; want none", ids, err)
			}
		}},
		{"SaveCases with a link stores the base, the closed flag and links both ways", func(t *testing.T, s Store) {
			ctx := t.Context()
			must(t, saveCase(ctx, s, state.CaseSave{CareID: "care-1", LinkTo: "sf-1", Fields: map[string]string{"status": "done"}, SyncedAt: at, Closed: true, At: at}))
			if ids, err := s.ClosedBefore(ctx, at.Add(time.Second), 0); err != nil || !slices.Equal(ids, []string{"care-1"}) {
				t.Errorf("closed after a closed new case = %v, %v; want care-1", ids, err)
			}
			if sf, ok := linkOf(t, s, "care-1"); !ok || sf != "sf-1" {
				t.Errorf("link = %q, %v", sf, ok)
			}
			if c, ok := backLinkOf(t, s, "sf-1"); !ok || c != "care-1" {
				t.Errorf("back link = %q, %v", c, ok)
			}
			if _, found, err := s.LoadBase(ctx, "care-1"); err != nil || !found {
				t.Errorf("base found=%v, %v", found, err)
			}
			must(t, saveCase(ctx, s, state.CaseSave{CareID: "care-1", LinkTo: "sf-1", Fields: map[string]string{"status": "open"}, SyncedAt: at, Closed: false, At: at}))
			if ids, err := s.ClosedBefore(ctx, at.Add(time.Second), 0); err != nil || len(ids) != 0 {
				t.Errorf("closed after an open save = %v, %v; want none", ids, err)
			}
			if err := saveCase(ctx, s, state.CaseSave{CareID: "care-1", LinkTo: "sf-2", Fields: nil, SyncedAt: at, Closed: false, At: at}); !errors.Is(err, state.ErrLinkConflict) {
				t.Errorf("re-pointing a linked case: %v, want ErrLinkConflict", err)
			}
		}},
		{"SaveCases saves many cases at once; one case's conflict is its own", func(t *testing.T, s Store) {
			ctx := t.Context()
			must(t, saveCase(ctx, s, state.CaseSave{CareID: "care-1", LinkTo: "sf-1", SyncedAt: at, At: at}))
			errs := s.SaveCases(ctx, []state.CaseSave{
				{CareID: "care-1", LinkTo: "sf-9", Fields: map[string]string{"status": "open"}, SyncedAt: at, At: at},
				{CareID: "care-2", LinkTo: "sf-2", Fields: map[string]string{"status": "done"}, SyncedAt: at, Closed: true, At: at},
				{CareID: "care-3", Fields: map[string]string{"status": "open"}, SyncedAt: at, At: at},
				{CareID: ""},
			})
			if len(errs) != 4 || !errors.Is(errs[0], state.ErrLinkConflict) || errs[1] != nil || errs[2] != nil || errs[3] == nil {
				t.Fatalf("errors = %v; want a link conflict, nil, nil and an empty-id error", errs)
			}
			if sf, ok := linkOf(t, s, "care-2"); !ok || sf != "sf-2" {
				t.Errorf("care-2 link = %q, %v", sf, ok)
			}
			for _, id := range []string{"care-2", "care-3"} {
				if _, found, err := s.LoadBase(ctx, id); err != nil || !found {
					t.Errorf("%s base found=%v, %v", id, found, err)
				}
			}
			if ids, err := s.ClosedBefore(ctx, at.Add(time.Second), 0); err != nil || !slices.Equal(ids, []string{"care-2"}) {
				t.Errorf("closed = %v, %v; want care-2", ids, err)
			}
		}},
	}
}

// saveCase saves one case with SaveCases.
func saveCase(ctx context.Context, s Store, sv state.CaseSave) error {
	return s.SaveCases(ctx, []state.CaseSave{sv})[0]
}

func ownWrites() []behaviour {
	return []behaviour{
		{"the last writes of each record, newest first, as JSON reads them", func(t *testing.T, s Store) {
			ctx := t.Context()
			must(t, s.NoteWrites(ctx, "Case", map[string]map[string]any{
				"500A": {"Status": "New", "Care_Sync_Error__c": nil},
				"500B": {"Priority": "High"},
			}))
			for i := range 5 {
				must(t, s.NoteWrites(ctx, "Case", map[string]map[string]any{"500A": {"Status": fmt.Sprint("s", i), "Count__c": 2}}))
			}
			got, err := s.RecentWrites(ctx, "Case", []string{"500A", "500B", "500C"})
			must(t, err)
			if n := len(got["500A"]); n != 4 {
				t.Fatalf("500A: %d writes kept, want the last 4", n)
			}
			if w := got["500A"][0]; w["Status"] != "s4" || w["Count__c"] != float64(2) {
				t.Errorf("500A newest write %v, want Status s4 and Count__c 2 as JSON reads it", w)
			}
			if w := got["500B"]; len(w) != 1 || w[0]["Priority"] != "High" {
				t.Errorf("500B writes %v", w)
			}
			if w, ok := got["500C"]; ok {
				t.Errorf("500C, never written, has %v", w)
			}
			other, err := s.RecentWrites(ctx, "Care_Action__c", []string{"500A"})
			must(t, err)
			if len(other) != 0 {
				t.Errorf("another object's record of the same id: %v", other)
			}
		}},
	}
}

func retiredMirrors() []behaviour {
	t0 := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	retire := func(t *testing.T, s Store, careID, sfID string, closedAt time.Time) {
		t.Helper()
		seedCase(t, s, careID, sfID, closedAt)
		must(t, s.SetCaseClosed(t.Context(), careID, true, closedAt))
		if _, err := s.RetireCase(t.Context(), careID, closedAt, time.Hour); err != nil {
			t.Fatal(err)
		}
	}
	return []behaviour{
		{"a retired case's Case waits for the removal of its mirror, by when it closed", func(t *testing.T, s Store) {
			ctx := t.Context()
			retire(t, s, "late", "500B", t0.Add(time.Hour))
			retire(t, s, "early", "500A", t0)
			got, err := s.RetiredMirrors(ctx, t0.Add(30*time.Minute), 10)
			must(t, err)
			if len(got) != 1 || got[0].CareID != "early" || got[0].SalesforceID != "500A" || !got[0].ClosedSince.Equal(t0) {
				t.Fatalf("due at t0+30m = %+v, want only early (500A, closed at t0)", got)
			}
			got, err = s.RetiredMirrors(ctx, t0.Add(2*time.Hour), 1)
			must(t, err)
			if len(got) != 1 || got[0].CareID != "early" {
				t.Fatalf("first due = %+v, want early: longest closed first", got)
			}
			must(t, s.MirrorRemoved(ctx, "early"))
			got, err = s.RetiredMirrors(ctx, t0.Add(2*time.Hour), 10)
			must(t, err)
			if len(got) != 1 || got[0].CareID != "late" {
				t.Fatalf("after removing early's mirror: %+v, want late", got)
			}
		}},
		{"a case linked again leaves the list", func(t *testing.T, s Store) {
			ctx := t.Context()
			retire(t, s, "back", "500C", t0)
			must(t, s.LinkCase(ctx, "back", "500C"))
			got, err := s.RetiredMirrors(ctx, t0.Add(time.Hour), 10)
			must(t, err)
			if len(got) != 0 {
				t.Fatalf("a reopened case: %+v, want none", got)
			}
			// Unlinked again without retiring (not possible in the engine,
			// but the list must not bring it back).
			got, err = s.RetiredMirrors(ctx, t0.Add(time.Hour), 10)
			must(t, err)
			if len(got) != 0 {
				t.Fatalf("listed again: %+v", got)
			}
		}},
		{"an open case is not listed", func(t *testing.T, s Store) {
			seedCase(t, s, "open", "500D", t0)
			got, err := s.RetiredMirrors(t.Context(), t0.Add(time.Hour), 10)
			must(t, err)
			if len(got) != 0 {
				t.Fatalf("an open case: %+v", got)
			}
		}},
	}
}

func erasedMessages() []behaviour {
	t0 := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	return []behaviour{
		{"erased messages load with the mirror and outlive retirement", func(t *testing.T, s Store) {
			ctx := t.Context()
			seedCase(t, s, "c1", "500E", t0)
			must(t, s.MarkErased(ctx, "c1", []string{state.MessageKey("m1"), state.MessageKey("m2")}))
			must(t, s.MarkErased(ctx, "c1", []string{state.MessageKey("m2")}))
			must(t, s.MarkErased(ctx, "c1", nil))
			all, err := s.LoadCases(ctx, []string{"c1", "c2"}, true)
			must(t, err)
			if e := all["c1"].Erased; len(e) != 2 || !e[state.MessageKey("m1")] || !e[state.MessageKey("m2")] || len(all["c2"].Erased) != 0 {
				t.Fatalf("erased = %v (c2 %v), want m1 and m2 of c1 only", e, all["c2"].Erased)
			}
			if bare, err := s.LoadCases(ctx, []string{"c1"}, false); err != nil || bare["c1"].Erased != nil {
				t.Fatalf("without the mirror: %v, %v; want no erased set read", bare["c1"].Erased, err)
			}
			must(t, s.SetCaseClosed(ctx, "c1", true, t0))
			if _, err := s.RetireCase(ctx, "c1", t0, 0); err != nil {
				t.Fatal(err)
			}
			all, err = s.LoadCases(ctx, []string{"c1"}, true)
			must(t, err)
			if len(all["c1"].Erased) != 2 {
				t.Fatalf("after retirement: %v, want the erased messages still recorded", all["c1"].Erased)
			}
		}},
		{"a message key names the message, not its id", func(t *testing.T, s Store) {
			k := state.MessageKey("m1")
			if k == "m1" || len(k) != 32 || k != state.MessageKey("m1") || k == state.MessageKey("m2") {
				t.Fatalf("MessageKey(m1) = %q", k)
			}
		}},
	}
}
