// Package pubsub subscribes to Salesforce Change Data Capture events over
// the Pub/Sub API (gRPC service eventbus.v1.PubSub, Avro payloads).
//
// A Subscriber authenticates with the Salesforce connector's OAuth session
// (metadata accesstoken, instanceurl, tenantid), refreshes it when a call is
// UNAUTHENTICATED, caches event schemas by id (GetSchema), decodes the
// ChangeEventHeader including its field bitmaps, and pulls events with
// num_requested flow control: the next events are requested only after
// the handler returned for the previous ones, so a caller that stores the
// replay id after its handler (offset after handle) loses nothing. Broken
// streams are resumed after the last handled replay id with capped,
// jittered backoff. A refused replay id ends Run with ErrReplayIDInvalid.
//
// Salesforce sends an empty FetchResponse (a keep-alive with the latest
// replay id) at the latest every 270 seconds when it has no events: a
// stream silent for longer (Config.StallTimeout) is dead, however open its
// connection looks. Run ends it, reports it (Config.OnStalled) and resumes
// after the last replay id handled.
package pubsub

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"

	"github.com/carebridge/carebridge/connectors/salesforce"
	"github.com/carebridge/carebridge/connectors/salesforce/pubsub/eventbus"
)

// DefaultEndpoint is Salesforce's Pub/Sub API endpoint.
const DefaultEndpoint = "api.pubsub.salesforce.com:7443"

// MaxBatchSize is the most events one FetchRequest may ask for.
const MaxBatchSize = 100

// KeepAliveInterval is the longest Salesforce lets a healthy subscription
// go without a FetchResponse: when it has no events to deliver it sends an
// empty one with the latest replay id.
const KeepAliveInterval = 270 * time.Second

// DefaultStallTimeout is how long a stream may stay silent before Run takes
// it for dead: the keep-alive interval and a margin for a slow network.
const DefaultStallTimeout = KeepAliveInterval + 30*time.Second

// ErrStalled: a stream sent nothing, not even a keep-alive, for longer than
// Config.StallTimeout.
var ErrStalled = errors.New("stream silent past the keep-alive interval")

// TokenSource gives the OAuth session the Pub/Sub API calls carry;
// *salesforce.Client implements it.
type TokenSource interface {
	Session(ctx context.Context) (salesforce.Session, error)
	// RefreshSession replaces the session whose access token was refused.
	RefreshSession(ctx context.Context, stale string) (salesforce.Session, error)
}

var _ TokenSource = (*salesforce.Client)(nil)

// Config configures a Subscriber. Zero values get the documented defaults.
type Config struct {
	Endpoint string // host:port (default DefaultEndpoint)
	// Plaintext dials without TLS: for the sandbox over loopback only.
	Plaintext  bool
	BatchSize  int           // events requested at a time, 1 to 100 (default 100)
	Timeout    time.Duration // of GetTopic and GetSchema calls (default 30s)
	MinBackoff time.Duration // first reconnect delay (default 500ms)
	MaxBackoff time.Duration // reconnect delay cap (default 30s)
	// OnStream, when set, hears when a topic's stream is subscribed (up)
	// and when it ends (down), internal reconnects included: Salesforce
	// may send nothing for minutes on a quiet topic, so a first response
	// comes too late to tell.
	OnStream func(topic string, up bool)
	// HeaderOnly decodes only each event's ChangeEventHeader: ChangeEvent
	// has no Fields. The record's values are still read past, but not kept,
	// which spares a subscriber that needs only which records changed, how
	// and by whom (as the daemon does) most of the decoding.
	HeaderOnly bool
	// WithFields, with HeaderOnly, picks the events (by their header) whose
	// field values are decoded too.
	WithFields func(ChangeEvent) bool
	// StallTimeout is how long a stream may send nothing before it is taken
	// for dead, ended and resumed (default DefaultStallTimeout). Keep it
	// above the server's keep-alive interval.
	StallTimeout time.Duration
	// OnStalled, when set, hears of each stream ended for its silence.
	OnStalled func(topic string)
}

func (c *Config) applyDefaults() {
	if c.Endpoint == "" {
		c.Endpoint = DefaultEndpoint
	}
	if c.BatchSize <= 0 || c.BatchSize > MaxBatchSize {
		c.BatchSize = MaxBatchSize
	}
	if c.Timeout <= 0 {
		c.Timeout = 30 * time.Second
	}
	if c.MinBackoff <= 0 {
		c.MinBackoff = 500 * time.Millisecond
	}
	if c.MaxBackoff < c.MinBackoff {
		c.MaxBackoff = max(30*time.Second, c.MinBackoff)
	}
	if c.StallTimeout <= 0 {
		c.StallTimeout = DefaultStallTimeout
	}
}

// Handler receives the events of one FetchResponse, in replay order, and
// the replay id to resume after once they are handled. A keep-alive brings
// no events and a newer latest replay id. Run requests more events only
// after Handler returned nil; an error ends Run.
type Handler func(ctx context.Context, batch []ChangeEvent, latest []byte) error

// Subscriber subscribes to Pub/Sub API topics. It is safe for concurrent
// use: several Runs (topics) may share it.
type Subscriber struct {
	cfg    Config
	tokens TokenSource
	log    *slog.Logger
	conn   *grpc.ClientConn
	api    eventbus.PubSubClient

	mu      sync.Mutex
	schemas map[string]*schema // guarded by mu
}

// New returns a Subscriber. It does not touch the network: the first call
// connects. log nil discards.
func New(cfg Config, tokens TokenSource, log *slog.Logger) (*Subscriber, error) {
	if tokens == nil {
		return nil, errors.New("salesforce pubsub: a token source is required")
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cfg.applyDefaults()
	creds := credentials.NewTLS(&tls.Config{MinVersion: tls.VersionTLS12})
	if cfg.Plaintext {
		creds = insecure.NewCredentials()
	}
	conn, err := grpc.NewClient(cfg.Endpoint, grpc.WithTransportCredentials(creds))
	if err != nil {
		return nil, fmt.Errorf("salesforce pubsub: endpoint %s: %w", cfg.Endpoint, err)
	}
	return &Subscriber{
		cfg: cfg, tokens: tokens, log: log.With("system", "salesforce_pubsub"), conn: conn,
		api: eventbus.NewPubSubClient(conn), schemas: map[string]*schema{},
	}, nil
}

// Close closes the connection; Runs in progress fail.
func (s *Subscriber) Close() error { return s.conn.Close() }

// authed returns ctx carrying the session's auth metadata.
func authed(ctx context.Context, sess salesforce.Session) context.Context {
	return metadata.AppendToOutgoingContext(ctx,
		"accesstoken", sess.AccessToken, "instanceurl", sess.InstanceURL, "tenantid", sess.OrgID)
}

// unary runs one unary call with the session, refreshing it once when the
// call is UNAUTHENTICATED.
func (s *Subscriber) unary(ctx context.Context, op, topic string, call func(ctx context.Context, opts ...grpc.CallOption) error) error {
	sess, err := s.tokens.Session(ctx)
	if err != nil {
		return fmt.Errorf("salesforce pubsub %s: session: %w", op, err)
	}
	for attempt := 0; ; attempt++ {
		cctx, cancel := context.WithTimeout(authed(ctx, sess), s.cfg.Timeout)
		var trailer metadata.MD
		err := call(cctx, grpc.Trailer(&trailer))
		cancel()
		if err == nil {
			return nil
		}
		e := classify(op, topic, err, trailer)
		if e.Code != codes.Unauthenticated || attempt > 0 {
			return e
		}
		if sess, err = s.tokens.RefreshSession(ctx, sess.AccessToken); err != nil {
			return fmt.Errorf("salesforce pubsub %s: refresh session: %w", op, err)
		}
	}
}

// Topic returns the id of a topic's current schema (GetTopic), checking
// that the topic exists and may be subscribed to.
func (s *Subscriber) Topic(ctx context.Context, topic string) (schemaID string, err error) {
	var info *eventbus.TopicInfo
	err = s.unary(ctx, "get_topic", topic, func(ctx context.Context, opts ...grpc.CallOption) error {
		var err error
		info, err = s.api.GetTopic(ctx, &eventbus.TopicRequest{TopicName: topic}, opts...)
		return err
	})
	if err != nil {
		return "", err
	}
	if !info.GetCanSubscribe() {
		return "", &Error{Op: "get_topic", Topic: topic, Code: codes.PermissionDenied,
			Err: errors.New("the integration user may not subscribe to this topic")}
	}
	return info.GetSchemaId(), nil
}

// schema returns a schema by id, from the cache or GetSchema.
func (s *Subscriber) schema(ctx context.Context, id string) (*schema, error) {
	s.mu.Lock()
	sc, ok := s.schemas[id]
	s.mu.Unlock()
	if ok {
		return sc, nil
	}
	var info *eventbus.SchemaInfo
	err := s.unary(ctx, "get_schema", "", func(ctx context.Context, opts ...grpc.CallOption) error {
		var err error
		info, err = s.api.GetSchema(ctx, &eventbus.SchemaRequest{SchemaId: id}, opts...)
		return err
	})
	if err != nil {
		return nil, err
	}
	sc, err = parseSchema(id, info.GetSchemaJson())
	if err != nil {
		return nil, &Error{Op: "get_schema", Err: err}
	}
	s.mu.Lock()
	s.schemas[id] = sc
	s.mu.Unlock()
	return sc, nil
}

// handlerError carries the error of the caller's Handler out of a stream.
type handlerError struct{ err error }

func (h handlerError) Error() string { return h.err.Error() }

// Run subscribes to topic (e.g. /data/CaseChangeEvent) after replay id from
// (nil: from now on, ReplayPreset LATEST) and calls handle for every
// FetchResponse until ctx is done, handle fails, or the subscription fails
// for good. Broken streams (UNAVAILABLE, resets, expired sessions, a
// stream silent past StallTimeout) are resumed after the last replay id
// handled, so handle sees every event once in order. Run returns ctx's error when ctx ends, handle's error
// wrapped, an error wrapping ErrReplayIDInvalid when the replay id is
// refused, or an *Error that is not retryable.
func (s *Subscriber) Run(ctx context.Context, topic string, from []byte, handle Handler) error {
	last := slices.Clone(from)
	backoff := s.cfg.MinBackoff
	var (
		stale      string // access token refused on the last attempt
		refreshed  bool   // the session was refreshed without progress since
		checked    bool   // GetTopic succeeded
		lastLogged codes.Code
	)
	for {
		progressed, err := false, error(nil)
		if !checked {
			_, err = s.Topic(ctx, topic)
			checked = err == nil
		}
		var sess salesforce.Session
		if err == nil {
			sess, err = s.session(ctx, stale)
			if err != nil && ctx.Err() == nil {
				return fmt.Errorf("salesforce pubsub subscribe %s: session: %w", topic, err)
			}
		}
		if err == nil {
			progressed, err = s.stream(ctx, sess, topic, &last, handle)
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		var he handlerError
		if errors.As(err, &he) {
			return fmt.Errorf("salesforce pubsub %s: handler: %w", topic, he.err)
		}
		var e *Error
		if !errors.As(err, &e) || !e.Retryable {
			return err
		}
		if progressed {
			backoff, refreshed, lastLogged = s.cfg.MinBackoff, false, codes.OK
		}
		stale = ""
		if e.Code == codes.Unauthenticated {
			stale = sess.AccessToken
			if !refreshed {
				// an expired session: refresh and resume at once
				refreshed = true
				s.log.Info("salesforce pubsub session refused; refreshing", "topic", topic)
				continue
			}
		}
		if e.Code != lastLogged {
			s.log.Warn("salesforce pubsub stream broke; resuming", "topic", topic, "code", e.Code.String(),
				"error_code", e.ErrorCode, "resume_after_replay_id", fmt.Sprintf("%x", last))
			lastLogged = e.Code
		}
		wait := backoff/2 + rand.N(backoff/2+1)
		backoff = min(2*backoff, s.cfg.MaxBackoff)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

// session returns the session, refreshing it when stale names its token.
func (s *Subscriber) session(ctx context.Context, stale string) (salesforce.Session, error) {
	if stale != "" {
		return s.tokens.RefreshSession(ctx, stale)
	}
	return s.tokens.Session(ctx)
}

// stream runs one Subscribe stream. It reports whether any response
// arrived and leaves in *last the replay id handled last. A watchdog ends
// the stream when the server sends nothing for StallTimeout while it is
// awaited (the handler's time does not count).
func (s *Subscriber) stream(ctx context.Context, sess salesforce.Session, topic string, last *[]byte, handle Handler) (bool, error) {
	sctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	st, err := s.api.Subscribe(authed(sctx, sess))
	if err != nil {
		return false, classify("subscribe", topic, err, nil)
	}
	first := &eventbus.FetchRequest{TopicName: topic, NumRequested: int32(s.cfg.BatchSize)}
	if *last != nil {
		first.ReplayPreset, first.ReplayId = eventbus.ReplayPreset_CUSTOM, *last
	}
	watchdog := time.AfterFunc(s.cfg.StallTimeout, func() { cancel(ErrStalled) })
	defer watchdog.Stop()
	if err := st.Send(first); err != nil {
		return false, s.streamError(st, topic, err)
	}
	if s.cfg.OnStream != nil {
		s.cfg.OnStream(topic, true)
		defer s.cfg.OnStream(topic, false)
	}
	progressed := false
	for {
		resp, err := st.Recv()
		if !watchdog.Stop() || errors.Is(context.Cause(sctx), ErrStalled) {
			if ctx.Err() != nil {
				return progressed, ctx.Err()
			}
			s.log.Warn("salesforce pubsub stream silent past the keep-alive interval; reconnecting", "topic", topic,
				"silent_for", s.cfg.StallTimeout, "resume_after_replay_id", fmt.Sprintf("%x", *last))
			if s.cfg.OnStalled != nil {
				s.cfg.OnStalled(topic)
			}
			return progressed, &Error{Op: "subscribe", Topic: topic, Code: codes.DeadlineExceeded, Retryable: true, Err: ErrStalled}
		}
		if err != nil {
			return progressed, s.streamError(st, topic, err)
		}
		progressed = true
		batch := make([]ChangeEvent, 0, len(resp.GetEvents()))
		for _, ce := range resp.GetEvents() {
			ev, err := s.decode(ctx, ce)
			if err != nil {
				return progressed, err
			}
			batch = append(batch, ev)
		}
		latest := resp.GetLatestReplayId()
		if len(latest) == 0 && len(batch) > 0 {
			latest = batch[len(batch)-1].ReplayID
		}
		if len(latest) == 0 {
			latest = *last
		}
		if err := handle(ctx, batch, slices.Clone(latest)); err != nil {
			return progressed, handlerError{err}
		}
		*last = slices.Clone(latest)
		watchdog.Reset(s.cfg.StallTimeout)
		if n := len(batch); n > 0 {
			err := st.Send(&eventbus.FetchRequest{TopicName: topic, NumRequested: int32(n)})
			if err != nil && !isEOF(err) {
				return progressed, s.streamError(st, topic, err)
			}
			// io.EOF: the server has ended the stream. The events it sent
			// before its end still come through Recv, then its status:
			// they are handled, not dropped (each counted against the
			// org's delivery allocation, and redelivered only after it).
		}
	}
}

// streamError classifies the end of a stream: the status arrives through
// Recv (a failed Send reports only io.EOF).
func (s *Subscriber) streamError(st eventbus.PubSub_SubscribeClient, topic string, err error) error {
	if _, rerr := st.Recv(); rerr != nil && err != nil && isEOF(err) {
		err = rerr
	}
	if isEOF(err) {
		// The server closed the stream without a status.
		return &Error{Op: "subscribe", Topic: topic, Code: codes.Unavailable, Retryable: true, Err: errors.New("stream closed by the server")}
	}
	return classify("subscribe", topic, err, st.Trailer())
}

func (s *Subscriber) decode(ctx context.Context, ce *eventbus.ConsumerEvent) (ChangeEvent, error) {
	sc, err := s.schema(ctx, ce.GetEvent().GetSchemaId())
	if err != nil {
		return ChangeEvent{}, err
	}
	ev, err := sc.decode(ce.GetEvent().GetPayload(), s.cfg.HeaderOnly)
	if err == nil && s.cfg.HeaderOnly && s.cfg.WithFields != nil && s.cfg.WithFields(ev) {
		ev, err = sc.decode(ce.GetEvent().GetPayload(), false)
	}
	if err != nil {
		return ChangeEvent{}, &Error{Op: "decode", Err: err}
	}
	ev.ReplayID = slices.Clone(ce.GetReplayId())
	ev.SchemaID = sc.id
	ev.EventID = ce.GetEvent().GetId()
	return ev, nil
}
