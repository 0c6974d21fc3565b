package pubsub_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/carebridge/carebridge/connectors/salesforce"
	"github.com/carebridge/carebridge/connectors/salesforce/pubsub"
	"github.com/carebridge/carebridge/connectors/salesforce/pubsub/eventbus"
	"github.com/carebridge/carebridge/connectors/salesforce/sfsim"
)

// rawClient speaks the Pub/Sub API to the sandbox directly, to check the
// server's side of the protocol.
func rawClient(t *testing.T, endpoint string) eventbus.PubSubClient {
	t.Helper()
	conn, err := grpc.NewClient(endpoint, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return eventbus.NewPubSubClient(conn)
}

func TestServerFlowControlAndAuth(t *testing.T) {
	e := newEnvWithEndpoint(t, sfsim.Options{PubSubKeepAlive: 50 * time.Millisecond})
	api := rawClient(t, e.endpoint)
	sess, err := e.sf.Session(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	// Auth: no token, a wrong tenant.
	for name, md := range map[string]metadata.MD{
		"no token":     metadata.Pairs("instanceurl", sess.InstanceURL, "tenantid", sess.OrgID),
		"wrong tenant": metadata.Pairs("accesstoken", sess.AccessToken, "instanceurl", sess.InstanceURL, "tenantid", "00D000000000000AAA"),
	} {
		_, err := api.GetTopic(metadata.NewOutgoingContext(ctx, md), &eventbus.TopicRequest{TopicName: caseTopic})
		if status.Code(err) != codes.Unauthenticated {
			t.Errorf("%s: GetTopic = %v, want UNAUTHENTICATED", name, err)
		}
	}

	mark := e.sim.LatestReplayID()
	for i := range 5 {
		e.createCase(t, "fc-"+string(rune('a'+i)))
	}
	actx := metadata.NewOutgoingContext(ctx, metadata.Pairs("accesstoken", sess.AccessToken, "instanceurl", sess.InstanceURL, "tenantid", sess.OrgID))
	st, err := api.Subscribe(actx)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Send(&eventbus.FetchRequest{TopicName: caseTopic, ReplayPreset: eventbus.ReplayPreset_CUSTOM, ReplayId: mark, NumRequested: 2}); err != nil {
		t.Fatal(err)
	}
	// Responses arrive in order: the first keep-alive proves that nothing
	// beyond the 2 requested events was sent before it.
	got := 0
	for {
		resp, err := st.Recv()
		if err != nil {
			t.Fatal(err)
		}
		got += len(resp.GetEvents())
		if len(resp.GetEvents()) == 0 {
			if resp.GetPendingNumRequested() != 0 || len(resp.GetLatestReplayId()) == 0 {
				t.Errorf("keep-alive: pending %d, latest %x", resp.GetPendingNumRequested(), resp.GetLatestReplayId())
			}
			break
		}
	}
	if got != 2 {
		t.Fatalf("%d events delivered for num_requested 2", got)
	}
	if err := st.Send(&eventbus.FetchRequest{NumRequested: 10}); err != nil {
		t.Fatal(err)
	}
	for got < 5 {
		resp, err := st.Recv()
		if err != nil {
			t.Fatal(err)
		}
		got += len(resp.GetEvents())
	}
	if got != 5 {
		t.Fatalf("%d events, want 5", got)
	}
}

// newEnvWithEndpoint is newEnv that also reports the Pub/Sub endpoint.
type endpointEnv struct {
	*env
	endpoint string
}

func newEnvWithEndpoint(t *testing.T, opts sfsim.Options) endpointEnv {
	var endpoint string
	e := newEnvHook(t, opts, pubsub.Config{}, func(addr string) { endpoint = addr })
	return endpointEnv{env: e, endpoint: endpoint}
}

// TestServerCountsCreditSentWhileItDelivers: the client's num_requested
// counts as soon as it is sent, also while the server is busy delivering a
// stream of events (each delivery slowed by the event bus): the credit the
// server reports is what the client asked for less what it got. A server
// that took new credit only when it had nothing to deliver let it drain to
// the size of one delivery, so a steady stream queued up behind it (an
// event waited half a second where one delivery takes 150 ms).
func TestServerCountsCreditSentWhileItDelivers(t *testing.T) {
	e := newEnvWithEndpoint(t, sfsim.Options{PubSubKeepAlive: time.Minute})
	api := rawClient(t, e.endpoint)
	sess, err := e.sf.Session(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	e.sim.InjectFault(sfsim.Fault{Op: sfsim.OpDeliver, Latency: 50 * time.Millisecond})
	mark := e.sim.LatestReplayID()
	published := make(chan error, 1)
	go func() {
		for i := range 150 {
			rec := salesforce.Record{"Subject": fmt.Sprintf("credit-%d", i), "Status": "New"}
			if _, err := e.sf.Create(ctx, "Case", rec); err != nil {
				published <- err
				return
			}
			time.Sleep(5 * time.Millisecond) // the pace of the stream, not a wait for a result
		}
		published <- nil
	}()
	actx := metadata.NewOutgoingContext(ctx, metadata.Pairs("accesstoken", sess.AccessToken, "instanceurl", sess.InstanceURL, "tenantid", sess.OrgID))
	st, err := api.Subscribe(actx)
	if err != nil {
		t.Fatal(err)
	}
	const credit = 100
	if err := st.Send(&eventbus.FetchRequest{TopicName: caseTopic, ReplayPreset: eventbus.ReplayPreset_CUSTOM, ReplayId: mark, NumRequested: credit}); err != nil {
		t.Fatal(err)
	}
	var lowest int32 = credit
	for got, deliveries := 0, 0; got < 150; {
		resp, err := st.Recv()
		if err != nil {
			t.Fatalf("after %d events: %v", got, err)
		}
		n := len(resp.GetEvents())
		if n == 0 {
			continue
		}
		got, deliveries = got+n, deliveries+1
		if deliveries > 3 {
			lowest = min(lowest, resp.GetPendingNumRequested())
		}
		if err := st.Send(&eventbus.FetchRequest{NumRequested: int32(n)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := <-published; err != nil {
		t.Fatal(err)
	}
	// Replenished after every delivery, the credit stays near what was
	// asked for: at most the events of the last few deliveries are out.
	if lowest < credit/4 {
		t.Errorf("the server's credit fell to %d of the %d asked for, though the client gave back every event it got", lowest, credit)
	}
}

// TestDeliveryLatencyIsNotCumulative: a delivery's latency delays it on its
// way, as a network does; an event committed while an earlier delivery is
// on its way follows it by its own latency, not after it. (A sandbox that
// waited out each delivery's latency before picking the next made a steady
// stream's events wait up to twice the latency.)
func TestDeliveryLatencyIsNotCumulative(t *testing.T) {
	e := newEnvWithEndpoint(t, sfsim.Options{PubSubKeepAlive: time.Minute})
	api := rawClient(t, e.endpoint)
	sess, err := e.sf.Session(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	const latency = 500 * time.Millisecond
	e.sim.InjectFault(sfsim.Fault{Op: sfsim.OpDeliver, Latency: latency})
	mark := e.sim.LatestReplayID()
	actx := metadata.NewOutgoingContext(ctx, metadata.Pairs("accesstoken", sess.AccessToken, "instanceurl", sess.InstanceURL, "tenantid", sess.OrgID))
	st, err := api.Subscribe(actx)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Send(&eventbus.FetchRequest{TopicName: caseTopic, ReplayPreset: eventbus.ReplayPreset_CUSTOM, ReplayId: mark, NumRequested: 10}); err != nil {
		t.Fatal(err)
	}
	e.createCase(t, "first")
	time.Sleep(latency / 5) // the second commit comes while the first delivery is on its way
	e.createCase(t, "second")
	committed := time.Now()
	for got := 0; got < 2; {
		resp, err := st.Recv()
		if err != nil {
			t.Fatal(err)
		}
		got += len(resp.GetEvents())
	}
	if took := time.Since(committed); took > latency*3/2 {
		t.Errorf("the second event arrived %v after its commit; want about the delivery latency %v", took, latency)
	}
}
