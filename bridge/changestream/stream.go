// Package changestream is the trigger source that turns Salesforce change
// events into keys: while its replica leads it follows carebridge's change
// channel on the Pub/Sub API, hands each delivery's events to the engine's
// triggers, stores the replay id once their keys are queued, and asks the
// Case and action polls to catch up on whatever the stream did not carry.
package changestream

import (
	"context"
	"encoding/base64"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/carebridge/carebridge/bridge"
	"github.com/carebridge/carebridge/connectors/salesforce/metadata"
	"github.com/carebridge/carebridge/connectors/salesforce/pubsub"
)

// changeObjects are the objects whose change events carebridge follows, by
// the entity name the events carry: an agent's edit of a Case, a new or
// edited agent action, and notes kept as Tasks. They come on one custom
// channel (salesforce.change_channel, configs/salesforce ships
// Carebridge__chn), whose members select Care's Cases only. Case comments
// have no change events (Salesforce lists CaseComment among the objects
// without them), so notes kept as Case comments stay with the poll.
func changeObjects(notesObject string) map[string]string {
	objects := map[string]string{"Case": "Case", bridge.ActionObject: bridge.ActionObject}
	if NotesPushed(notesObject) {
		objects["Task"] = "Task"
	}
	return objects
}

// NotesPushed reports whether the notes object has change events.
func NotesPushed(notesObject string) bool { return notesObject == "Task" }

// ownClient is the client id carebridge's REST calls name in
// Sforce-Call-Options, which change events carry back in changeOrigin.
const ownClient = "client=carebridge"

// replayCursor is the store's name of a topic's last handled replay id.
func replayCursor(topic string) string { return "pubsub:" + topic }

// Triggers turns change events into work (bridge.Triggers).
type Triggers interface {
	HandleChanges(ctx context.Context, changes []bridge.Change) (catchUp bool, err error)
	CatchUpSalesforce(ctx context.Context) error
}

// ReplayStore holds the replay id and counts the events delivered
// (state.Store).
type ReplayStore interface {
	Cursor(ctx context.Context, source string) (string, bool, error)
	SetCursor(ctx context.Context, source, cursor string) error
	SaveReplayID(ctx context.Context, source, replayID string, delivered int64, at time.Time) error
}

// Retry delays of the stream's own Redis reads and catch-up polls.
const (
	changeRetryMin = 500 * time.Millisecond
	changeRetryMax = 30 * time.Second
)

// Stream follows the change channel while this replica leads: events
// enqueue keys, and the replay id is stored only once the keys of every
// event up to it are enqueued, so a new leader resumes where the last one
// left off without losing an event. A replay id that cannot be read (Redis
// failing over) is read again with backoff, never replaced by "now". A
// refused one (older than the retention window) restarts the stream from
// now, and the Case and action polls catch up on what came before; so do
// an overflow and a wildcard event. Until a catch-up succeeded (it is
// retried until it does) no replay id is stored and the polls run in full,
// so a new leader starts from now and catches up again. A stream silent
// past the keep-alive interval is ended and resumed.
type Stream struct {
	sub      *pubsub.Subscriber
	triggers Triggers
	cursors  ReplayStore
	log      *slog.Logger
	topic    string
	objects  map[string]string // entity name -> the engine's object

	mu sync.Mutex
	up bool // the subscription is open; guarded by mu
	// owed counts catch-ups asked for and not yet done (guarded by mu);
	// catchUp wakes the loop that runs them.
	owed    int
	catchUp chan struct{}

	// stored is the replay id last stored ("": none, the stream started
	// from now) and pending the events delivered since; used by the Run
	// goroutine alone (handle, streaming).
	stored  string
	pending int64

	events   *prometheus.CounterVec
	catchUps *prometheus.CounterVec
	starts   *prometheus.CounterVec
	stalls   *prometheus.CounterVec
	last     *prometheus.GaugeVec
	upGauge  *prometheus.GaugeVec
}

// Options are what a Stream follows and whom it tells.
type Options struct {
	// PubSub is the Pub/Sub API's endpoint, TLS and stall timeout; New sets
	// its hooks.
	PubSub pubsub.Config
	// Channel is the change channel (salesforce.change_channel).
	Channel string
	Tokens  pubsub.TokenSource
	// Triggers get the change events and run the catch-ups.
	Triggers Triggers
	// Cursors store the replay id.
	Cursors ReplayStore
	// NotesObject is where notes are kept in Salesforce ("Task" has change
	// events, CaseComment has none).
	NotesObject string
	Logger      *slog.Logger
	// Registerer takes the stream's metrics (nil: none).
	Registerer prometheus.Registerer
}

// New makes a Stream; it connects when it runs.
func New(o Options) (*Stream, error) {
	cfg, log, reg := o.PubSub, o.Logger, o.Registerer
	s := &Stream{triggers: o.Triggers, cursors: o.Cursors, log: log, topic: metadata.ChannelTopic(o.Channel), objects: changeObjects(o.NotesObject),
		catchUp: make(chan struct{}, 1),
		events: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "carebridge", Name: "salesforce_change_events_total",
			Help: "Change events the Salesforce Pub/Sub API delivered, by topic; each counts against the org's daily event delivery allocation (increase over 24h is the daily figure).",
		}, []string{"topic"}),
		catchUps: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "carebridge", Name: "salesforce_change_catchups_total",
			Help: "Times the Case and action polls were asked to catch up on what a topic's stream did not carry: it started from now (no stored replay id, or one past Salesforce's retention), or an event named no record (an overflow, a wildcard).",
		}, []string{"topic"}),
		starts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "carebridge", Name: "salesforce_change_stream_starts_total",
			Help: "Subscriptions opened per topic: the first when a replica becomes leader, one more per reconnect (a reset or stalled stream, an expired session, Salesforce unavailable).",
		}, []string{"topic"}),
		stalls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "carebridge", Name: "salesforce_change_stream_stalls_total",
			Help: "Streams ended because they sent nothing, not even a keep-alive, for salesforce.change_stream_timeout; each was resumed from the stored replay id.",
		}, []string{"topic"}),
		last: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Namespace: "carebridge", Name: "salesforce_change_last_event_timestamp_seconds",
			Help: "When the leader last handled a change event of the topic, Unix time; 0 before the first.",
		}, []string{"topic"}),
		upGauge: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Namespace: "carebridge", Name: "salesforce_change_stream_up",
			Help: "1 while this replica streams the topic's change events (the leader only), else 0.",
		}, []string{"topic"}),
	}
	for _, v := range []*prometheus.CounterVec{s.events, s.catchUps, s.starts, s.stalls} {
		v.WithLabelValues(s.topic)
	}
	s.last.WithLabelValues(s.topic)
	s.upGauge.WithLabelValues(s.topic)
	if reg != nil {
		reg.MustRegister(s.events, s.catchUps, s.starts, s.stalls, s.last, s.upGauge)
	}
	cfg.OnStream = s.streaming
	cfg.OnStalled = func(topic string) { s.stalls.WithLabelValues(topic).Inc() }
	// carebridge's own Case updates are decoded in full: their values tell
	// an echo from the org's automation in the same transaction.
	cfg.WithFields = func(ev pubsub.ChangeEvent) bool {
		return ev.Entity == "Case" && ev.ChangeType == "UPDATE" && strings.Contains(ev.ChangeOrigin, ownClient)
	}
	sub, err := pubsub.New(cfg, o.Tokens, log)
	if err != nil {
		return nil, err
	}
	s.sub = sub
	return s, nil
}

// Live reports whether the changes stream and nothing is left to catch up
// on: only then do the polls wait for the safety interval.
func (s *Stream) Live() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.up && s.owed == 0
}

// LastEvent is when this replica last handled a change event (zero: never).
func (s *Stream) LastEvent() time.Time {
	var m dto.Metric
	if err := s.last.WithLabelValues(s.topic).Write(&m); err != nil || m.GetGauge().GetValue() == 0 {
		return time.Time{}
	}
	return time.UnixMilli(int64(m.GetGauge().GetValue() * 1000)).UTC()
}

// streaming hears the stream come up or go down. A stream without a stored
// replay id (started from now) asks for the catch-up once it is up: the
// events after that are streamed.
func (s *Stream) streaming(topic string, up bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.up = up
	if !up {
		s.upGauge.WithLabelValues(topic).Set(0)
		return
	}
	s.starts.WithLabelValues(topic).Inc()
	s.upGauge.WithLabelValues(topic).Set(1)
	if s.stored == "" {
		s.requestCatchUpLocked()
	}
}

// requestCatchUpLocked asks the catch-up loop for a run of the polls. The
// caller holds s.mu.
func (s *Stream) requestCatchUpLocked() {
	s.owed++
	s.catchUps.WithLabelValues(s.topic).Inc()
	select {
	case s.catchUp <- struct{}{}:
	default: // one is already asked for: it covers this one too
	}
}

// Run follows the channel until ctx (the leadership) ends.
func (s *Stream) Run(ctx context.Context) {
	s.mu.Lock()
	s.owed = 0
	s.mu.Unlock()
	var wg sync.WaitGroup
	wg.Go(func() { s.catchUpLoop(ctx) })
	s.follow(ctx)
	wg.Wait()
}

// catchUpLoop runs the Case and action polls whenever a catch-up is asked
// for, retrying with backoff until they succeed.
func (s *Stream) catchUpLoop(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.catchUp:
		}
		s.mu.Lock()
		asked := s.owed
		s.mu.Unlock()
		wait := changeRetryMin
		for {
			err := s.triggers.CatchUpSalesforce(ctx)
			if err == nil {
				break
			}
			if ctx.Err() != nil {
				return
			}
			s.log.Warn("catch-up poll failed; retrying: until it succeeds the polls run in full and no replay id is stored", "err", err, "retry_in", wait)
			if !sleep(ctx, wait) {
				return
			}
			wait = min(2*wait, changeRetryMax)
		}
		s.mu.Lock()
		s.owed -= asked
		s.mu.Unlock()
	}
}

// owes reports whether a catch-up is asked for and not done.
func (s *Stream) owes() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.owed > 0
}

// follow keeps the subscription up, resuming after the stored replay id.
func (s *Stream) follow(ctx context.Context) {
	backoff := time.Second
	for ctx.Err() == nil {
		from, err := s.storedReplayID(ctx)
		if err != nil {
			return // the leadership ended
		}
		s.stored, s.pending = base64.StdEncoding.EncodeToString(from), 0
		err = s.sub.Run(ctx, s.topic, from, s.handle)
		if ctx.Err() != nil {
			return
		}
		if errors.Is(err, pubsub.ErrReplayIDInvalid) {
			s.log.Warn("the stored replay id is refused (older than the retention window): resuming from now; the polls fill the gap", "topic", s.topic, "err", err)
			if err := s.cursors.SetCursor(ctx, replayCursor(s.topic), ""); err != nil {
				s.log.Warn("forget replay id", "topic", s.topic, "err", err)
				if !sleep(ctx, backoff) {
					return
				}
			}
			continue
		}
		s.log.Warn("change stream down: the polls cover it until it is back", "topic", s.topic, "err", err, "retry_in", backoff)
		if !sleep(ctx, backoff) {
			return
		}
		backoff = min(2*backoff, time.Minute)
	}
}

// storedReplayID reads the stored replay id (nil when none is stored),
// retrying with backoff while the store fails: a position that cannot be
// read is not a position to replace with "now", which would skip every
// change not handled yet. An error means ctx ended. A stored value that is
// not a replay id (damaged) counts as none: the polls then catch up.
func (s *Stream) storedReplayID(ctx context.Context) ([]byte, error) {
	wait := changeRetryMin
	for {
		v, ok, err := s.cursors.Cursor(ctx, replayCursor(s.topic))
		if err == nil {
			if !ok || v == "" {
				return nil, nil
			}
			b, err := base64.StdEncoding.DecodeString(v)
			if err != nil {
				s.log.Error("the stored replay id is damaged: resuming from now; the polls fill the gap", "topic", s.topic, "err", err)
				return nil, nil
			}
			return b, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		s.log.Warn("read replay id; retrying", "topic", s.topic, "err", err, "retry_in", wait)
		if !sleep(ctx, wait) {
			return nil, ctx.Err()
		}
		wait = min(2*wait, changeRetryMax)
	}
}

// handle enqueues the keys of a delivery's events and then stores the
// replay id with the count of events delivered; it returns once both are
// done. While a catch-up is owed the replay id is not stored: a new leader
// then starts from now and catches up itself.
func (s *Stream) handle(ctx context.Context, events []pubsub.ChangeEvent, latest []byte) error {
	if n := len(events); n > 0 {
		s.events.WithLabelValues(s.topic).Add(float64(n))
		s.pending += int64(n)
	}
	changes := make([]bridge.Change, 0, len(events))
	for _, ev := range events {
		object, ok := s.objects[ev.Entity]
		if !ok {
			continue // a member added to the channel for something else
		}
		changes = append(changes, bridge.Change{Object: object, Type: ev.ChangeType, RecordIDs: ev.RecordIDs,
			Ours: strings.Contains(ev.ChangeOrigin, ownClient), ChangedFields: ev.ChangedFields, NulledFields: ev.NulledFields, Fields: ev.Fields})
	}
	if len(changes) > 0 {
		catchUp, err := s.triggers.HandleChanges(ctx, changes)
		if err != nil {
			return err
		}
		if catchUp {
			s.mu.Lock()
			s.requestCatchUpLocked()
			s.mu.Unlock()
		}
	}
	if len(events) > 0 {
		s.last.WithLabelValues(s.topic).SetToCurrentTime()
	}
	if len(latest) == 0 || s.owes() {
		return nil
	}
	replay := base64.StdEncoding.EncodeToString(latest)
	if replay == s.stored && s.pending == 0 {
		return nil // a keep-alive with nothing new
	}
	if err := s.cursors.SaveReplayID(ctx, replayCursor(s.topic), replay, s.pending, time.Now()); err != nil {
		return err
	}
	s.stored, s.pending = replay, 0
	return nil
}

// sleep waits d or until ctx ends; false when ctx ended.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// Close ends the subscription's connection; the stream does not run again.
func (s *Stream) Close() error { return s.sub.Close() }
