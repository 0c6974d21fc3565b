package state

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// AuditEntry is one applied change or resolved conflict.
type AuditEntry struct {
	ID         string // stream id, set when read
	Case       string // Care case id
	Field      string // canonical field
	From       string
	To         string
	Side       string // side written: "care" or "salesforce"
	Policy     string // conflict policy of the field, e.g. "care_wins"
	Resolution string // e.g. "applied", "conflict:care_won", "rejected"
	Time       time.Time
}

// Audit appends e to the capped audit stream (XADD MAXLEN ~) and returns
// its id. A zero Time is set to now. An entry of a case also goes to the
// case's own capped timeline (CaseTimeline), in the same round trip: the
// commands are pipelined, so recording the timeline costs no extra trip.
func (s *AuditStore) Audit(ctx context.Context, e AuditEntry) (string, error) {
	if e.Time.IsZero() {
		e.Time = s.clock()
	}
	values := []any{
		"case", e.Case, "field", e.Field, "from", e.From, "to", e.To, "side", e.Side,
		"policy", e.Policy, "resolution", e.Resolution, "time", e.Time.UTC().Format(time.RFC3339Nano),
	}
	pipe := s.rdb.Pipeline()
	add := pipe.XAdd(ctx, &redis.XAddArgs{Stream: s.auditKey(), MaxLen: s.auditMaxLen, Approx: true, Values: values})
	if e.Case != "" {
		// A capped list, not a stream: a stream costs Redis about 4 KiB
		// even with one entry, five times what the rest of a case holds.
		entry, err := json.Marshal(timelineEntry{Field: e.Field, From: e.From, To: e.To, Side: e.Side, Policy: e.Policy, Resolution: e.Resolution, Time: e.Time.UTC()})
		if err != nil {
			return "", fmt.Errorf("audit %s of care case %q: %w", e.Field, e.Case, err)
		}
		timeline := s.caseKey(e.Case, "timeline")
		pipe.LPush(ctx, timeline, entry)
		pipe.LTrim(ctx, timeline, 0, s.timelineMaxLen-1)
		pipe.PExpire(ctx, timeline, s.timelineTTL)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return "", fmt.Errorf("audit %s of care case %q: %w", e.Field, e.Case, err)
	}
	return add.Val(), nil
}

// CaseTimeline returns the newest count audit entries of one case, newest
// first: what was written where, conflicts, blocked and refused syncs. The
// timeline is capped at about WithTimelineMaxLen entries and expires
// WithTimelineTTL after its last entry.
func (s *AuditStore) CaseTimeline(ctx context.Context, careID string, count int64) ([]AuditEntry, error) {
	raw, err := s.rdb.LRange(ctx, s.caseKey(careID, "timeline"), 0, count-1).Result()
	if err != nil {
		return nil, fmt.Errorf("read the timeline of care case %q: %w", careID, err)
	}
	out := make([]AuditEntry, 0, len(raw))
	for _, r := range raw {
		var t timelineEntry
		if err := json.Unmarshal([]byte(r), &t); err != nil {
			return nil, fmt.Errorf("read the timeline of care case %q: %w", careID, err)
		}
		out = append(out, AuditEntry{Case: careID, Field: t.Field, From: t.From, To: t.To, Side: t.Side, Policy: t.Policy, Resolution: t.Resolution, Time: t.Time})
	}
	return out, nil
}

// timelineEntry is one entry of a case's timeline as stored.
type timelineEntry struct {
	Field      string    `json:"f,omitempty"`
	From       string    `json:"o,omitempty"`
	To         string    `json:"n,omitempty"`
	Side       string    `json:"s,omitempty"`
	Policy     string    `json:"p,omitempty"`
	Resolution string    `json:"r,omitempty"`
	Time       time.Time `json:"t"`
}

// AuditSince returns up to count entries after the stream id after ("" or
// "0" for the oldest), oldest first.
func (s *AuditStore) AuditSince(ctx context.Context, after string, count int64) ([]AuditEntry, error) {
	start := "-"
	if after != "" && after != "0" {
		start = "(" + after
	}
	msgs, err := s.rdb.XRangeN(ctx, s.auditKey(), start, "+", count).Result()
	if err != nil {
		return nil, fmt.Errorf("read audit after %q: %w", after, err)
	}
	return decodeAudit(msgs)
}

// RecentAudit returns the newest count entries, newest first.
func (s *AuditStore) RecentAudit(ctx context.Context, count int64) ([]AuditEntry, error) {
	msgs, err := s.rdb.XRevRangeN(ctx, s.auditKey(), "+", "-", count).Result()
	if err != nil {
		return nil, fmt.Errorf("read recent audit: %w", err)
	}
	return decodeAudit(msgs)
}

// AuditLen returns the number of entries in the audit stream.
func (s *AuditStore) AuditLen(ctx context.Context) (int64, error) {
	n, err := s.rdb.XLen(ctx, s.auditKey()).Result()
	if err != nil {
		return 0, fmt.Errorf("audit length: %w", err)
	}
	return n, nil
}

func decodeAudit(msgs []redis.XMessage) ([]AuditEntry, error) {
	out := make([]AuditEntry, 0, len(msgs))
	for _, m := range msgs {
		str := func(k string) string { v, _ := m.Values[k].(string); return v }
		e := AuditEntry{
			ID: m.ID, Case: str("case"), Field: str("field"), From: str("from"), To: str("to"),
			Side: str("side"), Policy: str("policy"), Resolution: str("resolution"),
		}
		if ts := str("time"); ts != "" {
			t, err := time.Parse(time.RFC3339Nano, ts)
			if err != nil {
				return nil, fmt.Errorf("decode audit entry %s: bad time %q: %w", m.ID, ts, err)
			}
			e.Time = t
		}
		out = append(out, e)
	}
	return out, nil
}
