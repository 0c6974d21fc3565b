package daemon

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/carebridge/carebridge/bridge"
	"github.com/carebridge/carebridge/connectors/salesforce/pubsub"
)

// changeTopics are the Change Data Capture channels carebridge follows, by
// the object they carry: an agent's edit of a Case, a new or edited agent
// action, and notes kept as Tasks. Case comments have no change events
// (Salesforce lists CaseComment among the objects without them), so notes
// kept as Case comments stay with the poll.
func changeTopics(notesObject string) map[string]string {
	topics := map[string]string{
		"/data/CaseChangeEvent":          "Case",
		"/data/Care_Action__ChangeEvent": bridge.ActionObject,
	}
	if notesPushed(notesObject) {
		topics["/data/TaskChangeEvent"] = "Task"
	}
	return topics
}

// notesPushed reports whether the notes object has change events.
func notesPushed(notesObject string) bool { return notesObject == "Task" }

// ownClient is the client id carebridge's REST calls name in
// Sforce-Call-Options, which change events carry back in changeOrigin.
const ownClient = "client=carebridge"

// replayCursor is the store's name of a topic's last handled replay id.
func replayCursor(topic string) string { return "pubsub:" + topic }

// cursorStore holds the replay ids.
type cursorStore interface {
	Cursor(ctx context.Context, source string) (string, bool, error)
	SetCursor(ctx context.Context, source, cursor string) error
}

// changeStream follows the change topics while this replica leads: events
// enqueue keys, and a topic's replay id is stored only once the keys of
// every event up to it are enqueued, so a new leader resumes where the last
// one left off without losing an event. A refused replay id (older than the
// retention window) restarts the topic from now and catches up with the
// polls; while any topic is down the polls run in full.
type changeStream struct {
	sub     *pubsub.Subscriber
	engine  *bridge.Engine
	cursors cursorStore
	log     *slog.Logger
	topics  map[string]string // topic -> object
	mu      sync.Mutex
	up      map[string]bool // topic -> streaming now; guarded by mu
	// catchUp names the topics started from now whose subscription is not
	// up yet; once none is left, the polls run once for all of them
	// (caughtUp false until then). Guarded by mu; ctx is the leadership's.
	catchUp  map[string]bool
	caughtUp bool
	ctx      context.Context
	events   *prometheus.CounterVec
	catchUps *prometheus.CounterVec
	starts   *prometheus.CounterVec
	last     *prometheus.GaugeVec
	upGauge  *prometheus.GaugeVec
}

func newChangeStream(cfg pubsub.Config, tokens pubsub.TokenSource, engine *bridge.Engine, cursors cursorStore, notesObject string, log *slog.Logger, reg prometheus.Registerer) (*changeStream, error) {
	s := &changeStream{engine: engine, cursors: cursors, log: log, topics: changeTopics(notesObject),
		up: map[string]bool{}, catchUp: map[string]bool{},
		events: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "carebridge", Name: "salesforce_change_events_total",
			Help: "Change events received from the Salesforce Pub/Sub API, by topic.",
		}, []string{"topic"}),
		catchUps: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "carebridge", Name: "salesforce_change_catchups_total",
			Help: "Times a topic started from now (no stored replay id, or one past Salesforce's retention) and the Case and action polls caught up on what came before.",
		}, []string{"topic"}),
		starts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "carebridge", Name: "salesforce_change_stream_starts_total",
			Help: "Subscriptions opened per topic: the first when a replica becomes leader, one more per reconnect (a reset stream, an expired session, Salesforce unavailable).",
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
	for topic := range s.topics {
		s.events.WithLabelValues(topic)
		s.catchUps.WithLabelValues(topic)
		s.starts.WithLabelValues(topic)
		s.last.WithLabelValues(topic)
		s.upGauge.WithLabelValues(topic)
	}
	if reg != nil {
		reg.MustRegister(s.events, s.catchUps, s.starts, s.last, s.upGauge)
	}
	cfg.OnStream = s.streaming
	sub, err := pubsub.New(cfg, tokens, log)
	if err != nil {
		return nil, err
	}
	s.sub = sub
	return s, nil
}

// Live reports whether every topic streams.
func (s *changeStream) Live() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for topic := range s.topics {
		if !s.up[topic] {
			return false
		}
	}
	return true
}

// lastEvent is when this replica last handled a change event of any topic
// (zero: never).
func (s *changeStream) lastEvent() time.Time {
	var last float64
	for topic := range s.topics {
		var m dto.Metric
		if err := s.last.WithLabelValues(topic).Write(&m); err == nil {
			last = max(last, m.GetGauge().GetValue())
		}
	}
	if last == 0 {
		return time.Time{}
	}
	return time.UnixMilli(int64(last * 1000)).UTC()
}

// streaming hears a topic's stream come up or go down; once every topic
// started from now has come up, the polls run once to catch up on what came
// before.
func (s *changeStream) streaming(topic string, up bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.up[topic] = up
	if up {
		s.starts.WithLabelValues(topic).Inc()
		s.upGauge.WithLabelValues(topic).Set(1)
	} else {
		s.upGauge.WithLabelValues(topic).Set(0)
	}
	if up && s.catchUp[topic] {
		delete(s.catchUp, topic)
		s.catchUps.WithLabelValues(topic).Inc()
		s.caughtUp = false
	}
	if !s.caughtUp && len(s.catchUp) == 0 {
		// Every topic started from now is subscribed: one run of the polls
		// covers what came before for all of them.
		s.caughtUp = true
		ctx := s.ctx
		go func() {
			if err := s.engine.CatchUpSalesforce(ctx); err != nil && ctx.Err() == nil {
				s.log.Warn("catch-up poll after a stream started from now", "err", err)
			}
		}()
	}
}

// run follows every topic until ctx (the leadership) ends.
func (s *changeStream) run(ctx context.Context) {
	// The topics without a stored replay id start from now; knowing all of
	// them before any subscribes lets one catch-up serve them all.
	starts := map[string]bool{}
	for topic := range s.topics {
		if from, err := s.replayID(ctx, topic); err != nil || from == nil {
			starts[topic] = true
		}
	}
	s.mu.Lock()
	s.ctx, s.catchUp, s.caughtUp = ctx, starts, len(starts) == 0
	s.mu.Unlock()
	var wg sync.WaitGroup
	for topic, object := range s.topics {
		wg.Go(func() { s.follow(ctx, topic, object) })
	}
	wg.Wait()
}

// follow keeps one topic's subscription up, resuming after the stored
// replay id.
func (s *changeStream) follow(ctx context.Context, topic, object string) {
	backoff := time.Second
	for ctx.Err() == nil {
		from, err := s.replayID(ctx, topic)
		if err != nil {
			s.log.Warn("read replay id", "topic", topic, "err", err)
		}
		if from == nil {
			s.mu.Lock()
			if !s.catchUp[topic] { // restarted from now: its replay id was refused
				s.catchUp[topic], s.caughtUp = true, false
			}
			s.mu.Unlock()
		}
		err = s.sub.Run(ctx, topic, from, func(ctx context.Context, events []pubsub.ChangeEvent, latest []byte) error {
			if err := s.handle(ctx, object, events); err != nil {
				return err
			}
			if len(events) > 0 {
				s.events.WithLabelValues(topic).Add(float64(len(events)))
				s.last.WithLabelValues(topic).SetToCurrentTime()
			}
			if len(latest) == 0 {
				return nil
			}
			return s.cursors.SetCursor(ctx, replayCursor(topic), base64.StdEncoding.EncodeToString(latest))
		})
		if ctx.Err() != nil {
			return
		}
		if errors.Is(err, pubsub.ErrReplayIDInvalid) {
			s.log.Warn("the stored replay id is refused (older than the retention window): resuming from now; the polls fill the gap", "topic", topic, "err", err)
			if err := s.cursors.SetCursor(ctx, replayCursor(topic), ""); err != nil {
				s.log.Warn("forget replay id", "topic", topic, "err", err)
			}
			continue
		}
		s.log.Warn("change stream down: the polls cover it until it is back", "topic", topic, "err", err, "retry_in", backoff)
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, time.Minute)
	}
}

func (s *changeStream) replayID(ctx context.Context, topic string) ([]byte, error) {
	v, ok, err := s.cursors.Cursor(ctx, replayCursor(topic))
	if err != nil || !ok || v == "" {
		return nil, err
	}
	b, err := base64.StdEncoding.DecodeString(v)
	if err != nil {
		return nil, fmt.Errorf("stored replay id of %s: %w", topic, err)
	}
	return b, nil
}

// handle enqueues the keys of events; it returns once they are enqueued.
func (s *changeStream) handle(ctx context.Context, object string, events []pubsub.ChangeEvent) error {
	if len(events) == 0 {
		return nil
	}
	changes := make([]bridge.Change, 0, len(events))
	for _, ev := range events {
		changes = append(changes, bridge.Change{Object: object, Type: ev.ChangeType, RecordIDs: ev.RecordIDs,
			Ours: strings.Contains(ev.ChangeOrigin, ownClient)})
	}
	return s.engine.HandleChanges(ctx, changes)
}

// leadingWith is an elector whose leader runs also beside onElected, for
// as long as it leads.
type leadingWith struct {
	elector interface {
		Run(ctx context.Context, onElected func(ctx context.Context))
	}
	also func(ctx context.Context)
}

func (l leadingWith) Run(ctx context.Context, onElected func(ctx context.Context)) {
	l.elector.Run(ctx, func(ctx context.Context) {
		var wg sync.WaitGroup
		wg.Go(func() { l.also(ctx) })
		onElected(ctx)
		wg.Wait()
	})
}
