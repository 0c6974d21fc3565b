package bridge

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/carebridge/carebridge/bridge/state"
	"github.com/carebridge/carebridge/bridge/work"
	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/connectors/care/rules"
	"github.com/carebridge/carebridge/connectors/salesforce/soql"
)

// Erasure: a customer's right to have their personal data erased. An
// erasure finds every message the customer wrote that carebridge mirrored
// into Salesforce (by Author_Key__c, and by their handle for what the key
// does not find), makes each a tombstone (no text, media, link, handle,
// name or author key: Withheld__c erased), records the messages in Redis
// (by a hash of their Care id) so that no later sync brings them back,
// drops what Redis holds of the customer (the reply-options stamps of
// their cases, audit and timeline entries naming them) and writes one
// audit entry that names no personal data. Care keeps its own copy: the
// customer's rights there are Care's and the platform's business.

// ErasureRequest names one customer: their platform and their id there
// (Care's customer.id, the author.id of their messages) or their handle.
type ErasureRequest struct {
	Platform   rules.Platform `json:"platform"`
	CustomerID string         `json:"customer_id,omitempty"`
	Handle     string         `json:"handle,omitempty"`
	// DryRun lists what would go and changes nothing.
	DryRun bool `json:"dry_run,omitempty"`
}

// ErasureReport is what an erasure removed, or would remove in a dry run.
// It holds record ids and counts, no personal data.
type ErasureReport struct {
	// ID names the erasure in the audit ("" in a dry run).
	ID     string `json:"id,omitempty"`
	DryRun bool   `json:"dry_run"`
	// Messages counts the mirrored messages made tombstones.
	Messages int          `json:"messages"`
	Cases    []ErasedCase `json:"cases"`
	// HistoryEntries counts the audit and timeline entries in Redis that
	// named the customer, removed.
	HistoryEntries int `json:"history_entries"`
}

// ErasedCase is one Salesforce Case holding the customer's messages.
type ErasedCase struct {
	SalesforceCaseID string `json:"salesforce_case_id"`
	// CareCaseID is "" when the Case has no Care case id (cleared): its
	// messages are made tombstones, but Redis cannot record them.
	CareCaseID string `json:"care_case_id,omitempty"`
	// Messages are the Care message ids (Care_Message_Id__c) of the
	// customer's messages in the Case.
	Messages []string `json:"messages"`
	// Linked says the case syncs now: it is queued after the erasure.
	Linked bool `json:"linked"`
}

// ErasureStore is the sync state an erasure changes (*state.Store).
type ErasureStore interface {
	Mirror
	Auditor
	CareCase(ctx context.Context, sfID string) (careID string, ok bool, err error)
	ForgetStamps(ctx context.Context, careID string, names ...string) error
	RedactHistory(ctx context.Context, careIDs []string, match func(string) bool, apply bool) (int, error)
}

// Eraser carries out erasures.
type Eraser struct {
	Salesforce Salesforce
	Store      ErasureStore
	// Queue, when set, gets the erased customer's linked cases, so that
	// their mirror state follows at once.
	Queue   Enqueuer
	Clock   func() time.Time
	Metrics *Metrics // nil: not counted
}

// Eraser is the engine's erasure, on its Salesforce, store and queue.
func (e *Engine) Eraser() (Eraser, error) {
	st, ok := e.store.(ErasureStore)
	if !ok {
		return Eraser{}, errors.New("erase: the sync state cannot erase (it is not the Redis store)")
	}
	return Eraser{Salesforce: e.sf, Store: st, Queue: e.queue, Clock: e.now, Metrics: e.m}, nil
}

// BadErasureError is an erasure request the caller must fix.
type BadErasureError struct{ Reason string }

func (e *BadErasureError) Error() string { return "erase: " + e.Reason }

// Erase erases one customer's personal data from Salesforce's mirror and
// from Redis (see above), or lists what would go in a dry run. It can be
// run again: what is erased already is found again and stays erased.
func (x Eraser) Erase(ctx context.Context, req ErasureRequest) (ErasureReport, error) {
	req.CustomerID, req.Handle = strings.TrimSpace(req.CustomerID), strings.TrimSpace(req.Handle)
	rep := ErasureReport{DryRun: req.DryRun, Cases: []ErasedCase{}}
	switch {
	case req.Platform == "" || !soql.ValidName(string(req.Platform)):
		return rep, &BadErasureError{"a platform is required (facebook, instagram, twitter, linkedin, youtube, tiktok)"}
	case req.CustomerID == "" && strings.TrimPrefix(req.Handle, "@") == "":
		return rep, &BadErasureError{"name the customer by their id on the platform (customer_id) or their handle"}
	}
	found, err := x.find(ctx, req)
	if err != nil {
		return rep, err
	}
	rep.Messages = len(found.records)
	bySF := map[string]*ErasedCase{}
	for _, r := range found.records {
		sf := str(r[MessageCaseFld])
		c := bySF[sf]
		if c == nil {
			c = &ErasedCase{SalesforceCaseID: sf, CareCaseID: found.careOf[sf], Messages: []string{}}
			bySF[sf] = c
		}
		c.Messages = append(c.Messages, str(r[MessageIDField]))
	}
	var careIDs []string
	for _, sf := range slices.Sorted(maps.Keys(bySF)) {
		c := bySF[sf]
		slices.Sort(c.Messages)
		if c.CareCaseID != "" {
			careIDs = append(careIDs, c.CareCaseID)
			linked, ok, err := x.Store.CareCase(ctx, sf)
			if err != nil {
				return rep, fmt.Errorf("erase: %w", err)
			}
			c.Linked = ok && linked == c.CareCaseID
		}
		rep.Cases = append(rep.Cases, *c)
	}
	match := mentions(req, found.names)
	if req.DryRun {
		rep.HistoryEntries, err = x.Store.RedactHistory(ctx, careIDs, match, false)
		return rep, err
	}
	rep.ID = erasureID()
	// Redis first: a sync that runs meanwhile already writes tombstones.
	for _, c := range rep.Cases {
		if c.CareCaseID == "" {
			continue
		}
		keys := make([]string, len(c.Messages))
		for i, m := range c.Messages {
			keys[i] = state.MessageKey(m)
		}
		if err := x.Store.MarkErased(ctx, c.CareCaseID, keys); err != nil {
			return rep, fmt.Errorf("erase: %w", err)
		}
	}
	if err := x.tombstone(ctx, found.records); err != nil {
		return rep, err
	}
	if x.Metrics != nil {
		x.Metrics.mirrorRemoved.WithLabelValues("erasure").Add(float64(len(found.records)))
	}
	var queue []string
	for _, c := range rep.Cases {
		if c.CareCaseID == "" {
			continue
		}
		// The reply-options stamp of a case synced before it was hashed
		// holds the customer's id.
		if err := x.Store.ForgetStamps(ctx, c.CareCaseID, stampOptions); err != nil {
			return rep, fmt.Errorf("erase: %w", err)
		}
		if c.Linked {
			queue = append(queue, work.ForCase(c.CareCaseID))
		}
	}
	if rep.HistoryEntries, err = x.Store.RedactHistory(ctx, careIDs, match, true); err != nil {
		return rep, fmt.Errorf("erase: %w", err)
	}
	if x.Queue != nil && len(queue) > 0 {
		if err := x.Queue.Add(ctx, queue...); err != nil {
			return rep, fmt.Errorf("erase: queue the erased customer's cases: %w", err)
		}
	}
	now := time.Now
	if x.Clock != nil {
		now = x.Clock
	}
	note := fmt.Sprintf("erasure %s: %d mirrored messages in %d Cases made tombstones, %d history entries removed", rep.ID, rep.Messages, len(rep.Cases), rep.HistoryEntries)
	if _, err := x.Store.Audit(ctx, state.AuditEntry{Side: "salesforce", Resolution: "erased", To: note, Time: now()}); err != nil {
		return rep, fmt.Errorf("erase: record the erasure in the audit: %w", err)
	}
	return rep, nil
}

// erasureFinds is what an erasure found of one customer in Salesforce.
type erasureFinds struct {
	records []Record          // their messages: Id, Care_Message_Id__c, Case__c
	careOf  map[string]string // Case id -> Care case id
	names   []string          // the names their messages showed
}

// find reads the customer's mirrored messages: by their author key, and
// by their handle on inbound messages of the platform (what was mirrored
// before the key, and the keys of what the handle finds).
func (x Eraser) find(ctx context.Context, req ErasureRequest) (erasureFinds, error) {
	var out erasureFinds
	keys := map[string]bool{}
	if req.CustomerID != "" {
		keys[AuthorKey(req.Platform, req.CustomerID)] = true
	}
	fields := []string{"Id", MessageIDField, MessageCaseFld, AuthorKeyField, "Author_Name__c"}
	byID := map[string]Record{}
	add := func(recs []Record) {
		for _, r := range recs {
			byID[str(r["Id"])] = r
			if k := str(r[AuthorKeyField]); k != "" {
				keys[k] = true
			}
		}
	}
	if h := strings.TrimPrefix(req.Handle, "@"); h != "" {
		recs, err := x.Salesforce.Query(ctx, soql.Select(fields...).From(MessageObject).Where(soql.And(
			soql.Eq("Platform__c", string(req.Platform)), soql.Eq("Direction__c", care.Inbound), soql.In("Author_Handle__c", h, "@"+h))))
		if err != nil {
			return out, fmt.Errorf("erase: find the customer's messages by handle: %w", err)
		}
		add(recs)
	}
	if len(keys) > 0 {
		list := make([]any, 0, len(keys))
		for _, k := range slices.Sorted(maps.Keys(keys)) {
			list = append(list, k)
		}
		recs, err := x.Salesforce.Query(ctx, soql.Select(fields...).From(MessageObject).Where(soql.In(AuthorKeyField, list...)))
		if err != nil {
			return out, fmt.Errorf("erase: find the customer's messages: %w", err)
		}
		add(recs)
	}
	names := map[string]bool{}
	cases := map[string]bool{}
	for _, id := range slices.Sorted(maps.Keys(byID)) {
		r := byID[id]
		out.records = append(out.records, r)
		cases[str(r[MessageCaseFld])] = true
		if n := str(r["Author_Name__c"]); n != "" {
			names[n] = true
		}
	}
	out.names = slices.Sorted(maps.Keys(names))
	out.careOf = map[string]string{}
	if len(cases) > 0 {
		ids := make([]any, 0, len(cases))
		for _, c := range slices.Sorted(maps.Keys(cases)) {
			ids = append(ids, c)
		}
		recs, err := x.Salesforce.Query(ctx, soql.Select("Id", CareIDField).From("Case").Where(soql.In("Id", ids...)))
		if err != nil {
			return out, fmt.Errorf("erase: read the Cases of the customer's messages: %w", err)
		}
		for _, r := range recs {
			out.careOf[str(r["Id"])] = str(r[CareIDField])
		}
	}
	return out, nil
}

// tombstone empties the customer's mirrored messages in Salesforce.
func (x Eraser) tombstone(ctx context.Context, recs []Record) error {
	if len(recs) == 0 {
		return nil
	}
	writes := make([]Record, len(recs))
	for i, r := range recs {
		w := Record{"Id": r["Id"], WithheldField: WithheldErased, AuthorKeyField: nil, "Author_Is_Page__c": false, "Author_Follows_Brand__c": false}
		for _, f := range contentFields {
			w[f] = nil
		}
		writes[i] = w
	}
	res, err := x.Salesforce.UpdateMany(ctx, MessageObject, writes)
	for i, r := range res {
		if r.Err != nil && !isDeletedAlready(r.Err) {
			return fmt.Errorf("erase: empty mirrored message %v (run the erasure again once this is fixed): %w", recs[i]["Id"], r.Err)
		}
	}
	if err != nil {
		return fmt.Errorf("erase: empty the mirrored messages: %w", err)
	}
	return nil
}

// mentions matches a value that names the customer: their id, their
// handle (with or without @) or a name their messages showed, as a whole
// word, ignoring case.
func mentions(req ErasureRequest, names []string) func(string) bool {
	var alts []string
	for _, v := range append([]string{req.CustomerID, strings.TrimPrefix(req.Handle, "@")}, names...) {
		if v = strings.TrimSpace(v); v != "" {
			alts = append(alts, regexp.QuoteMeta(v))
		}
	}
	if len(alts) == 0 {
		return func(string) bool { return false }
	}
	re := regexp.MustCompile(`(?i)(^|[^\pL\pN_])@?(` + strings.Join(alts, "|") + `)($|[^\pL\pN_])`)
	return re.MatchString
}

// erasureID names an erasure in the audit and the report.
func erasureID() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return "E-" + hex.EncodeToString(b)
}
