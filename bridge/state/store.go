// Package state keeps carebridge's sync state in Redis: links between Care
// and Salesforce records, base snapshots for the three-way merge, poll
// cursors and watermarks, the audit stream of applied changes and
// conflicts, webhook dedupe, and the records of agent actions.
//
// Key layout under the prefix (default "carebridge:"); the hash tag in
// braces decides the Redis Cluster slot, so every multi-key operation stays
// in one slot:
//
//	{links}:care2sf           HASH Care case id -> Salesforce Case id
//	{links}:sf2care           HASH Salesforce Case id -> Care case id
//	{links}:closed            ZSET Care case id closed on both sides, by when first seen closed (unix ms)
//	{case:<care id>}:base     HASH canonical field -> value as of the last sync
//	{case:<care id>}:base_at  STRING last sync time (unix ms)
//	{case:<care id>}:<kind>:care HASH Care child id -> Salesforce id (notes, messages)
//	{case:<care id>}:<kind>:sf   HASH Salesforce id -> Care child id
//	{case:<care id>}:pending_writes HASH field -> "<side>\x00<value>" written, base not yet stored
//	{case:<care id>}:mirror   HASH Care message id -> "<Salesforce id> <hash>"
//	{cursors}:cursor          HASH source -> opaque cursor
//	{cursors}:watermark       HASH source -> unix ms, only ever advanced
//	{audit}                   STREAM applied changes and conflicts, capped
//	{case:<care id>}:timeline LIST   the case's own audit entries (JSON, newest first), capped, expiring
//	{replicas}                HASH replica id -> heartbeat (JSON), expiring
//	event:<id>                STRING webhook event seen (TTL)
//	{unsyncable}              ZSET   Care cases that cannot be synced (JSON: display id, reason, source), by last seen (unix ms), capped
//	{action:<id>}:record      HASH durable state of an agent action, with its frozen request
//	{mapping}:versions        HASH version number -> published mapping (JSON)
//	{mapping}:seq             STRING last version number
//	{mapping}:active          STRING number of the active version
//	{mapping}:history         LIST publishes and rollbacks, newest first
//	{ownwrite:<object>:<id>}  LIST carebridge's last writes to a Salesforce record (JSON), expiring (changes.go)
//	{changes}:delivered:<hour> STRING Salesforce change events delivered in that hour, expiring
//	{admin}:session:<hash>    STRING a signed-in admin's browser session (JSON), expiring with it
//	{admin}:code:<hash>       STRING a one-time sign-in code, expiring, deleted when used
//
// Links of all cases share the {links} slot so both directions change in
// one atomic script and the sweep can page through them with HSCAN; the
// per-case data shares the case's slot. A case closed on both sides for
// longer than the retention is retired: its link and per-case keys go, its
// base stays with an expiry (RetireCase).
package state

import (
	"context"
	"errors"
	"time"

	"github.com/carebridge/carebridge/internal/redisscript"

	"github.com/redis/go-redis/v9"
)

// ErrLinkConflict is returned when a link would re-point a record that is
// already linked to a different partner.
var ErrLinkConflict = errors.New("state: record already linked to another record")

// Store is the sync state in Redis. It is safe for concurrent use.
//
// Its methods are declared on parts by role, which Store embeds; every
// part shares one conn (the client, the key prefix, the limits and the
// clock).
type Store struct {
	*conn
	*CaseStore
	*FeedStore
	*RetentionStore
	*ActionStore
	*DedupeStore
	*AuditStore
	*MappingStore
	*AdminStore
	*ReplicaStore
	*UsageStore
}

// conn is what every part of a Store shares: the Redis client, the key
// prefix, the limits set by Options, the clock, and the key builders and
// helpers more than one part uses.
type conn struct {
	rdb         redis.UniversalClient
	prefix      string
	auditMaxLen int64
	// timelineMaxLen and timelineTTL bound each case's timeline.
	timelineMaxLen int64
	timelineTTL    time.Duration
	eventTTL       time.Duration
	actionTTL      time.Duration
	clock          func() time.Time
}

// CaseStore is the per-case sync state: the links between Care and
// Salesforce cases and their children (notes, messages), the base
// snapshots and pending writes, the sync stamps and hints, the message
// mirror, and the cases that cannot be synced.
type CaseStore struct{ *conn }

// FeedStore is the state of the feeds the bridge reads: poll cursors and
// watermarks, the Salesforce change feed's replay ids and delivered
// counts, and carebridge's own recent writes to Salesforce records.
type FeedStore struct{ *conn }

// RetentionStore retires cases closed on both sides past the retention,
// and erases personal data from stamps and history.
type RetentionStore struct {
	*conn
	cases *CaseStore
}

// ActionStore keeps the durable records of agent actions.
type ActionStore struct{ *conn }

// DedupeStore remembers the webhook events already seen.
type DedupeStore struct{ *conn }

// AuditStore is the audit stream and the cases' timelines.
type AuditStore struct{ *conn }

// MappingStore keeps the published mapping versions, the active one and
// their history.
type MappingStore struct{ *conn }

// AdminStore keeps the admin console's sessions and sign-in codes.
type AdminStore struct{ *conn }

// ReplicaStore keeps the replicas' heartbeats.
type ReplicaStore struct{ *conn }

// UsageStore counts the calls to each system and the cases synced, by
// hour.
type UsageStore struct{ *conn }

// Option changes a Store's defaults.
type Option func(*Store)

// WithAuditMaxLen caps the audit stream at about n entries (default 100000).
func WithAuditMaxLen(n int64) Option { return func(s *Store) { s.auditMaxLen = n } }

// WithTimelineMaxLen caps each case's timeline at about n entries (default
// 100).
func WithTimelineMaxLen(n int64) Option { return func(s *Store) { s.timelineMaxLen = n } }

// WithTimelineTTL sets how long a case's timeline is kept after its last
// entry (default 90 days).
func WithTimelineTTL(d time.Duration) Option { return func(s *Store) { s.timelineTTL = d } }

// WithEventTTL sets how long a webhook event id is remembered (default 72h).
func WithEventTTL(d time.Duration) Option { return func(s *Store) { s.eventTTL = d } }

// WithActionTTL sets how long an action record is kept after its last
// change (default 30 days).
func WithActionTTL(d time.Duration) Option { return func(s *Store) { s.actionTTL = d } }

// WithClock sets the time source (default time.Now).
func WithClock(now func() time.Time) Option { return func(s *Store) { s.clock = now } }

// New returns a Store over rdb with keys under prefix ("" means
// "carebridge:").
func New(rdb redis.UniversalClient, prefix string, opts ...Option) *Store {
	if prefix == "" {
		prefix = "carebridge:"
	}
	c := &conn{
		rdb:            rdb,
		prefix:         prefix,
		auditMaxLen:    100000,
		timelineMaxLen: 100,
		timelineTTL:    90 * 24 * time.Hour,
		eventTTL:       72 * time.Hour,
		actionTTL:      30 * 24 * time.Hour,
		clock:          time.Now,
	}
	cases := &CaseStore{c}
	s := &Store{
		conn:           c,
		CaseStore:      cases,
		FeedStore:      &FeedStore{c},
		RetentionStore: &RetentionStore{conn: c, cases: cases},
		ActionStore:    &ActionStore{c},
		DedupeStore:    &DedupeStore{c},
		AuditStore:     &AuditStore{c},
		MappingStore:   &MappingStore{c},
		AdminStore:     &AdminStore{c},
		ReplicaStore:   &ReplicaStore{c},
		UsageStore:     &UsageStore{c},
	}
	for _, o := range opts {
		o(s)
	}
	return s
}

func (s *conn) caseKey(careID, suffix string) string {
	return s.prefix + "{case:" + careID + "}:" + suffix
}

func (s *conn) linksKey(dir string) string { return s.prefix + "{links}:" + dir }

func (s *conn) cursorsKey(kind string) string { return s.prefix + "{cursors}:" + kind }

func (s *conn) auditKey() string { return s.prefix + "{audit}" }

func (s *conn) eventKey(id string) string { return s.prefix + "event:" + id }

func (s *conn) actionKey(id, suffix string) string {
	return s.prefix + "{action:" + id + "}:" + suffix
}

// LoadScripts teaches Redis the scripts a reconcile runs (see
// redisscript.Load). Calls work without it; it spares the first ones a
// second round trip.
func (s *Store) LoadScripts(ctx context.Context) error {
	return redisscript.Load(ctx, s.rdb, saveBaseScript, linkScript, setMirrorScript, beginActionScript, completeActionScript, markReportedScript, advanceScript)
}
