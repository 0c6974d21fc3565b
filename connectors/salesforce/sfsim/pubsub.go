package sfsim

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/carebridge/carebridge/connectors/salesforce/pubsub/eventbus"
)

// The Pub/Sub API (service eventbus.v1.PubSub) over gRPC: GetTopic,
// GetSchema and Subscribe for the change event topics. Publish,
// PublishStream and ManagedSubscribe answer UNIMPLEMENTED.
//
// Every call carries the metadata accesstoken (a token of the sandbox's
// OAuth endpoint), instanceurl and tenantid (the org id); a missing or
// expired token is UNAUTHENTICATED. Subscribe follows Salesforce's flow
// control: it delivers at most the events requested (num_requested adds
// up, at most 100 a request), sends an empty FetchResponse carrying the
// latest replay id when the keep-alive interval passes without a delivery,
// and refuses a replay id outside the retention window with
// INVALID_ARGUMENT and the error code ErrorCodeReplayIDInvalid in the
// trailer "error-code", as Salesforce does. Events delivered count against
// the org's daily event delivery allocation (Options.DailyEventDeliveries,
// rolling over the last 24 hours, for all subscribers together); once it is
// used up, Subscribe ends with RESOURCE_EXHAUSTED and ErrorCodeDeliveryLimit.
// Topics: /data/ChangeEvents, every object's single-entity channel and the
// custom channels of the metadata (channels.go).

// Pub/Sub API error codes, sent in the "error-code" trailer (Salesforce's
// names).
const (
	ErrorCodeReplayIDInvalid = "sfdc.platform.eventbus.grpc.subscription.fetch.replayid.corrupted"
	ErrorCodeAuth            = "sfdc.platform.eventbus.grpc.service.auth.error"
	ErrorCodeTopicNotFound   = "sfdc.platform.eventbus.grpc.topic.not.found"
	ErrorCodeInvalidRequest  = "sfdc.platform.eventbus.grpc.subscription.fetch.invalid.request"
	// ErrorCodeDeliveryLimit: the org's daily event delivery allocation is
	// used up (RESOURCE_EXHAUSTED).
	ErrorCodeDeliveryLimit = "sfdc.platform.eventbus.grpc.subscription.limit.exceeded"
)

// maxNumRequested is the most events one FetchRequest may ask for.
const maxNumRequested = 100

// pubSub is the sandbox's Pub/Sub API: the gRPC service, its
// subscriptions and the change events sent on request (oddchanges.go).
type pubSub struct {
	*state
	*faultInjector
	*eventAllowance

	subs map[*subscription]struct{} // open Pub/Sub subscriptions; guarded by the state's mutex
}

// ServePubSub serves the Pub/Sub API on ln until ctx is done; Close (or ctx)
// ends the open subscriptions.
func (s *pubSub) ServePubSub(ctx context.Context, ln net.Listener) error {
	gs := s.PubSubServer()
	errc := make(chan error, 1)
	go func() { errc <- gs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.Close() // ends the subscriptions so that GracefulStop returns
	stopped := make(chan struct{})
	go func() { gs.GracefulStop(); close(stopped) }()
	t := time.NewTimer(5 * time.Second)
	defer t.Stop()
	select {
	case <-stopped:
	case <-t.C:
		gs.Stop()
	}
	<-errc
	return nil
}

// PubSubServer returns a gRPC server serving the sandbox's Pub/Sub API; the
// caller serves it on a listener and stops it.
func (s *pubSub) PubSubServer(opts ...grpc.ServerOption) *grpc.Server {
	gs := grpc.NewServer(opts...)
	eventbus.RegisterPubSubServer(gs, &pubsubService{s: s})
	return gs
}

type pubsubService struct {
	eventbus.UnimplementedPubSubServer
	s *pubSub
}

// subscription is one open Subscribe stream, registered so that the Go API
// can end or stall it.
type subscription struct {
	cancel context.CancelCauseFunc
	stall  chan struct{} // closed: the stream goes silent (StallStreams)
	once   sync.Once
}

func rpcID() string { return randomUUID() }

// rpcError is a gRPC status with the Pub/Sub API error code and rpc id in
// the trailer, and the rpc id appended to the message as Salesforce does.
func rpcError(ctx context.Context, code codes.Code, errorCode, msg string) error {
	id := rpcID()
	_ = grpc.SetTrailer(ctx, metadata.Pairs("error-code", errorCode, "rpc-id", id))
	return status.Errorf(code, "%s rpcId: %s", msg, id)
}

// grpcCode maps a REST-style fault to the gRPC status Salesforce would send.
func grpcCode(e *Error) codes.Code {
	switch e.Status {
	case http.StatusUnauthorized:
		return codes.Unauthenticated
	case http.StatusForbidden:
		if e.Code == "REQUEST_LIMIT_EXCEEDED" {
			return codes.ResourceExhausted
		}
		return codes.PermissionDenied
	case http.StatusBadRequest:
		return codes.InvalidArgument
	case http.StatusNotFound:
		return codes.NotFound
	case http.StatusInternalServerError:
		return codes.Internal
	}
	return codes.Unavailable
}

func faultError(ctx context.Context, e *Error) error {
	code := grpcCode(e)
	ec := "sfdc.platform.eventbus.grpc.service.unavailable"
	if code == codes.Unauthenticated {
		ec = ErrorCodeAuth
	}
	return rpcError(ctx, code, ec, e.Message)
}

// admitRPC authenticates a call and applies injected faults of op. It
// returns the user the token runs as.
func (s *pubSub) admitRPC(ctx context.Context, op string) (string, error) {
	s.mu.Lock()
	s.calls[op]++
	s.total++
	latency, hang, faultErr, _ := s.pickFault(op)
	s.mu.Unlock()
	if err := s.wait(ctx, latency, hang); err != nil {
		return "", err
	}
	if faultErr != nil {
		return "", faultError(ctx, faultErr)
	}
	return s.authenticateRPC(ctx)
}

// wait sleeps for an injected latency, or hangs until the call ends.
func (s *pubSub) wait(ctx context.Context, latency time.Duration, hang bool) error {
	if latency > 0 {
		t := time.NewTimer(latency)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return status.FromContextError(ctx.Err()).Err()
		case <-s.done:
			t.Stop()
		}
	}
	if hang {
		select {
		case <-ctx.Done():
			return status.FromContextError(ctx.Err()).Err()
		case <-s.done:
			return rpcError(ctx, codes.Unavailable, "sfdc.platform.eventbus.grpc.service.unavailable", "the sandbox is shutting down")
		}
	}
	return nil
}

// authenticateRPC checks the metadata accesstoken, instanceurl and tenantid.
func (s *pubSub) authenticateRPC(ctx context.Context) (string, error) {
	md, _ := metadata.FromIncomingContext(ctx)
	get := func(k string) string {
		if v := md.Get(k); len(v) > 0 {
			return v[0]
		}
		return ""
	}
	token, instance, tenant := get("accesstoken"), get("instanceurl"), get("tenantid")
	s.mu.Lock()
	sess, known := s.tokens[token]
	s.mu.Unlock()
	if token == "" || !known || !s.opts.Clock().Before(sess.expires) {
		return "", rpcError(ctx, codes.Unauthenticated, ErrorCodeAuth, "The session is invalid or has expired.")
	}
	if u, err := url.Parse(instance); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", rpcError(ctx, codes.Unauthenticated, ErrorCodeAuth, "The instanceurl header is missing or invalid.")
	}
	if tenant != orgID {
		return "", rpcError(ctx, codes.Unauthenticated, ErrorCodeAuth, "The tenantid header does not match the org of the session.")
	}
	return sess.user, nil
}

// resolveTopic is what a topic carries and the schema id GetTopic reports
// ("" for a channel of several objects); false when there is no such topic.
func (s *pubSub) resolveTopic(topic string) (topicSel, string, bool) {
	bus := s.store.bus
	if topic == AllChangeEventsTopic {
		return topicSel{}, "", true
	}
	if _, ok := bus.channels[topic]; ok {
		return topicSel{channel: topic}, "", true
	}
	if cs, ok := bus.byTopic[topic]; ok {
		return topicSel{object: cs.object}, cs.id, true
	}
	return topicSel{}, "", false
}

func (p *pubsubService) GetTopic(ctx context.Context, req *eventbus.TopicRequest) (*eventbus.TopicInfo, error) {
	if _, err := p.s.admitRPC(ctx, OpGetTopic); err != nil {
		return nil, err
	}
	p.s.mu.Lock()
	_, schemaID, ok := p.s.resolveTopic(req.GetTopicName())
	p.s.mu.Unlock()
	if !ok {
		return nil, rpcError(ctx, codes.NotFound, ErrorCodeTopicNotFound, fmt.Sprintf("Topic %s not found.", clip(req.GetTopicName())))
	}
	return &eventbus.TopicInfo{TopicName: req.GetTopicName(), TenantGuid: orgID, CanSubscribe: true, RpcId: rpcID(), SchemaId: schemaID}, nil
}

func (p *pubsubService) GetSchema(ctx context.Context, req *eventbus.SchemaRequest) (*eventbus.SchemaInfo, error) {
	if _, err := p.s.admitRPC(ctx, OpGetSchema); err != nil {
		return nil, err
	}
	p.s.mu.Lock()
	cs, ok := p.s.store.bus.byID[req.GetSchemaId()]
	p.s.mu.Unlock()
	if !ok {
		return nil, rpcError(ctx, codes.NotFound, "sfdc.platform.eventbus.grpc.schema.not.found", fmt.Sprintf("Schema %s not found.", clip(req.GetSchemaId())))
	}
	return &eventbus.SchemaInfo{SchemaJson: cs.json, SchemaId: cs.id, RpcId: rpcID()}, nil
}

// Subscribe serves one subscription.
func (p *pubsubService) Subscribe(stream eventbus.PubSub_SubscribeServer) error {
	s := p.s
	if _, err := s.admitRPC(stream.Context(), OpSubscribe); err != nil {
		return err
	}
	first, err := stream.Recv()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancelCause(stream.Context())
	defer cancel(nil)
	sub := &subscription{cancel: cancel, stall: make(chan struct{})}

	s.mu.Lock()
	sel, _, ok := s.resolveTopic(first.GetTopicName())
	if !ok {
		s.mu.Unlock()
		return rpcError(ctx, codes.NotFound, ErrorCodeTopicNotFound, fmt.Sprintf("Topic %s not found.", clip(first.GetTopicName())))
	}
	bus := s.store.bus
	bus.purge(s.opts.Clock().Add(-s.opts.EventRetention))
	var pos uint64
	switch first.GetReplayPreset() {
	case eventbus.ReplayPreset_LATEST:
		pos = bus.last
	case eventbus.ReplayPreset_EARLIEST:
		pos = bus.floor
	case eventbus.ReplayPreset_CUSTOM:
		id, ok := parseReplay(first.GetReplayId())
		if !ok || id < bus.floor || id > bus.last {
			s.mu.Unlock()
			s.log.Info("salesforce sandbox refused a replay id", "topic", first.GetTopicName(), "retained_from", bus.floor)
			return rpcError(ctx, codes.InvalidArgument, ErrorCodeReplayIDInvalid,
				"The Replay ID validation failed. Ensure that the Replay ID is valid and within the retention window.")
		}
		pos = id
	default:
		s.mu.Unlock()
		return rpcError(ctx, codes.InvalidArgument, ErrorCodeInvalidRequest, "Unknown replay preset.")
	}
	s.subs[sub] = struct{}{}
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.subs, sub)
		s.mu.Unlock()
	}()

	topic := first.GetTopicName()
	pending := clampRequested(first.GetNumRequested())
	more := make(chan int32)
	go func() {
		for {
			req, err := stream.Recv()
			if err != nil {
				cancel(err)
				return
			}
			if t := req.GetTopicName(); t != "" && t != topic {
				cancel(rpcError(ctx, codes.InvalidArgument, ErrorCodeInvalidRequest, "The topic of a subscription cannot change."))
				return
			}
			select {
			case more <- clampRequested(req.GetNumRequested()):
			case <-ctx.Done():
				return
			}
		}
	}()

	// Responses leave through one sender, in order. A delivery's latency
	// (a fault of OpDeliver) delays it on its way, as a network does, and
	// does not hold back the responses after it: they follow it by their
	// own latency, not the sum of the ones before.
	out := make(chan outgoing, 64)
	sent := make(chan struct{})
	go s.send(ctx, cancel, stream, out, sent)
	defer func() {
		// What was queued goes out before the stream ends (a refusal
		// follows the events sent before it), unless the stream is gone.
		close(out)
		<-sent
	}()
	push := func(o outgoing) error {
		select {
		case out <- o:
			return nil
		case <-ctx.Done():
			return streamEnd(ctx)
		}
	}

	keepAlive := time.NewTicker(s.opts.PubSubKeepAlive)
	defer keepAlive.Stop()
	for {
		select {
		case <-sub.stall:
			return s.stalled(ctx)
		default:
		}
		// Every num_requested the client sent counts, also while events
		// keep the loop below busy: the client's credit is what it asked
		// for less what it got.
		pending += requested(more)
		s.mu.Lock()
		events, next := bus.after(pos, sel, int(pending))
		notify := bus.notify
		if left := s.deliveriesLeft(); len(events) > left && left > 0 {
			events, next = events[:left], events[left-1].replay
		}
		refused := len(events) > s.deliveriesLeft()
		s.mu.Unlock()
		if refused {
			return rpcError(ctx, codes.ResourceExhausted, ErrorCodeDeliveryLimit,
				"You have exceeded the event delivery limit for your org. Try again later.")
		}
		if len(events) > 0 {
			resp := &eventbus.FetchResponse{LatestReplayId: replayBytes(next), RpcId: rpcID(),
				PendingNumRequested: pending - int32(len(events))}
			for _, ev := range events {
				resp.Events = append(resp.Events, &eventbus.ConsumerEvent{
					Event:    &eventbus.ProducerEvent{Id: ev.uuid, SchemaId: ev.schemaID, Payload: slices.Clone(ev.payload)},
					ReplayId: replayBytes(ev.replay),
				})
			}
			s.mu.Lock()
			latency, hang, faultErr, _ := s.pickFault(OpDeliver)
			if faultErr == nil {
				s.delivered(len(events)) // counted as sent, so that no delivery passes the allocation
			}
			s.mu.Unlock()
			if err := push(outgoing{resp: resp, due: time.Now().Add(latency), hang: hang, fault: faultErr}); err != nil {
				return err
			}
			pos, pending = next, pending-int32(len(events))
			keepAlive.Reset(s.opts.PubSubKeepAlive)
			continue
		}
		select {
		case <-ctx.Done():
			return streamEnd(ctx)
		case <-s.done:
			return rpcError(ctx, codes.Unavailable, "sfdc.platform.eventbus.grpc.service.unavailable", "The sandbox is shutting down.")
		case <-sub.stall:
			return s.stalled(ctx)
		case n := <-more:
			pending += n
		case <-notify:
		case <-keepAlive.C:
			// Salesforce sends the latest replay id at least every 270 s
			// when it has no events to deliver.
			if _, err := s.authenticateRPC(stream.Context()); err != nil {
				return err
			}
			if err := push(outgoing{resp: &eventbus.FetchResponse{LatestReplayId: replayBytes(next), RpcId: rpcID(), PendingNumRequested: pending}}); err != nil {
				return err
			}
			pos = next
		}
	}
}

// stalled holds a stalled stream open without sending anything, neither
// events nor keep-alives, until the client gives up or the sandbox closes.
func (s *pubSub) stalled(ctx context.Context) error {
	select {
	case <-ctx.Done():
		return streamEnd(ctx)
	case <-s.done:
		return rpcError(ctx, codes.Unavailable, "sfdc.platform.eventbus.grpc.service.unavailable", "The sandbox is shutting down.")
	}
}

// requested takes the num_requested of every FetchRequest waiting in more,
// without waiting for one.
func requested(more <-chan int32) int32 {
	var n int32
	for {
		select {
		case m := <-more:
			n += m
		default:
			return n
		}
	}
}

func clampRequested(n int32) int32 {
	return max(0, min(n, maxNumRequested))
}

// streamEnd is what a subscription answers when its context ends: the
// status it was ended with, or the client's cancellation.
func streamEnd(ctx context.Context) error {
	cause := context.Cause(ctx)
	if _, ok := status.FromError(cause); ok && cause != nil {
		return cause
	}
	if errors.Is(cause, context.Canceled) || errors.Is(cause, context.DeadlineExceeded) {
		return status.FromContextError(cause).Err()
	}
	return cause
}

// outgoing is a response of a subscription on its way to the client: it
// leaves at due (a delivery's latency), never (hang), or ends the stream
// instead (fault, an injected error of OpDeliver).
type outgoing struct {
	resp  *eventbus.FetchResponse
	due   time.Time
	hang  bool
	fault *Error
}

// send sends a subscription's responses in order, each when it is due; a
// fault or a failed send ends the subscription (cancel). It closes sent
// when it stops.
func (s *pubSub) send(ctx context.Context, cancel context.CancelCauseFunc, stream eventbus.PubSub_SubscribeServer, out <-chan outgoing, sent chan<- struct{}) {
	defer close(sent)
	for o := range out {
		if err := s.wait(ctx, time.Until(o.due), o.hang); err != nil {
			cancel(err)
			return
		}
		if o.fault != nil {
			cancel(faultError(ctx, o.fault))
			return
		}
		if ctx.Err() != nil {
			return
		}
		if err := stream.Send(o.resp); err != nil {
			cancel(err)
			return
		}
	}
}

// ResetStreams ends every open subscription with UNAVAILABLE, as when a
// connection to Salesforce breaks. It returns how many it ended.
func (s *pubSub) ResetStreams() int {
	return s.endStreams(status.Error(codes.Unavailable, "stream reset by the sandbox"))
}

// StallStreams stalls every open subscription: it stays open and sends
// nothing more, neither events nor keep-alives, as a connection that a
// proxy or a load balancer silently dropped. Only the client's giving up
// ends it; subscriptions opened later stream normally. It returns how many
// it stalled.
func (s *pubSub) StallStreams() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	for sub := range s.subs {
		sub.once.Do(func() { close(sub.stall) })
	}
	return len(s.subs)
}

func (s *pubSub) endStreams(err error) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.endStreamsLocked(err)
}

func (s *pubSub) endStreamsLocked(err error) int {
	for sub := range s.subs {
		sub.cancel(err)
	}
	return len(s.subs)
}

// Subscriptions returns how many subscriptions are open.
func (s *pubSub) Subscriptions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.subs)
}

// ExpireEvents purges every change event retained so far, as when the
// retention window passed: replay ids up to now are refused from then on.
func (s *pubSub) ExpireEvents() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.store.bus.events = nil
	s.store.bus.floor = s.store.bus.last
}

// LatestReplayID returns the replay id of the newest change event.
func (s *pubSub) LatestReplayID() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return replayBytes(s.store.bus.last)
}

// ChangeEventTopics returns the Pub/Sub topics of the objects with change
// events, sorted.
func (s *pubSub) ChangeEventTopics() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for topic := range s.store.bus.byTopic {
		out = append(out, topic)
	}
	slices.Sort(out)
	return out
}

// OrgID is the sandbox org's id: the tenantid of Pub/Sub API calls.
func (s *pubSub) OrgID() string { return orgID }

var _ eventbus.PubSubServer = (*pubsubService)(nil)
