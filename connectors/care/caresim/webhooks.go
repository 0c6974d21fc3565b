package caresim

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/carebridge/carebridge/connectors/care"
)

// maxDeliveryAttempts bounds the retries of one event; after that it is
// dropped (and logged) so one dead receiver cannot grow the queue forever.
const maxDeliveryAttempts = 30

// webhooks delivers events in order, one at a time, retrying with backoff.
type webhooks struct {
	url, secret string
	client      *http.Client
	log         *slog.Logger
	base, max   time.Duration

	mu        sync.Mutex
	queue     [][]byte // event bodies, oldest first
	delivered int
	failed    int // failed attempts
	wake      chan struct{}

	cancel context.CancelFunc
	done   chan struct{}
	once   sync.Once
}

func startWebhooks(opts Options, log *slog.Logger) *webhooks {
	w := &webhooks{
		url:    opts.WebhookURL,
		secret: opts.WebhookSecret,
		client: &http.Client{Timeout: 10 * time.Second},
		log:    log,
		base:   opts.WebhookBackoff,
		max:    opts.WebhookMaxBackoff,
		wake:   make(chan struct{}, 1),
		done:   make(chan struct{}),
	}
	if w.base <= 0 {
		w.base = 100 * time.Millisecond
	}
	if w.max <= 0 {
		w.max = 5 * time.Second
	}
	ctx, cancel := context.WithCancel(context.Background())
	w.cancel = cancel
	go w.run(ctx)
	return w
}

func (w *webhooks) stop() {
	w.once.Do(func() {
		w.cancel()
		<-w.done
	})
}

func (w *webhooks) enqueue(body []byte) {
	w.mu.Lock()
	w.queue = append(w.queue, body)
	w.mu.Unlock()
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

func (w *webhooks) head() ([]byte, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.queue) == 0 {
		return nil, false
	}
	return w.queue[0], true
}

func (w *webhooks) pop(delivered bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.queue = w.queue[1:]
	if delivered {
		w.delivered++
	}
}

func (w *webhooks) run(ctx context.Context) {
	defer close(w.done)
	for {
		body, ok := w.head()
		if !ok {
			select {
			case <-ctx.Done():
				return
			case <-w.wake:
				continue
			}
		}
		if !w.deliver(ctx, body) {
			return
		}
	}
}

// deliver sends one event until it succeeds or is given up; false when ctx
// ended.
func (w *webhooks) deliver(ctx context.Context, body []byte) bool {
	backoff := w.base
	for attempt := 1; ; attempt++ {
		err := w.post(ctx, body)
		if err == nil {
			w.pop(true)
			return true
		}
		if ctx.Err() != nil {
			return false
		}
		w.mu.Lock()
		w.failed++
		w.mu.Unlock()
		if attempt == 1 {
			w.log.Warn("care sandbox: webhook delivery failed, retrying", "err", err)
		}
		if attempt >= maxDeliveryAttempts {
			w.log.Error("care sandbox: webhook event dropped after retries", "attempts", attempt, "err", err)
			w.pop(false)
			return true
		}
		t := time.NewTimer(backoff)
		select {
		case <-ctx.Done():
			t.Stop()
			return false
		case <-t.C:
		}
		backoff = min(backoff*2, w.max)
	}
}

func (w *webhooks) post(ctx context.Context, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.url, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("building webhook request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(care.SignatureHeader, Sign(w.secret, time.Now(), body))
	resp, err := w.client.Do(req)
	if err != nil {
		return fmt.Errorf("posting webhook: %w", err)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("posting webhook: receiver answered %d", resp.StatusCode)
	}
	return nil
}

// Sign returns the X-Care-Signature value for body sent at t:
// "t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + body)>".
func Sign(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts))
	mac.Write([]byte("."))
	mac.Write(body)
	return "t=" + ts + ",v1=" + hex.EncodeToString(mac.Sum(nil))
}

// emitLocked queues a webhook event about case caseID.
func (s *state) emitLocked(typ, caseID string, data any) {
	if s.hooks == nil {
		return
	}
	raw, err := json.Marshal(data)
	if err != nil {
		s.log.Error("care sandbox: encoding webhook data failed", "type", typ, "case", caseID, "err", err)
		return
	}
	ev := care.Event{ID: newEventID(), Type: typ, CaseID: caseID, CreatedAt: s.now(), Data: raw}
	body, err := json.Marshal(ev)
	if err != nil {
		s.log.Error("care sandbox: encoding webhook event failed", "type", typ, "case", caseID, "err", err)
		return
	}
	s.hooks.enqueue(body)
}

func newEventID() string {
	var b [12]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return "evt_" + hex.EncodeToString(b[:])
}

// WebhookStats reports delivered events, failed attempts and events waiting.
func (s *Server) WebhookStats() (delivered, failedAttempts, pending int) {
	if s.hooks == nil {
		return 0, 0, 0
	}
	s.hooks.mu.Lock()
	defer s.hooks.mu.Unlock()
	return s.hooks.delivered, s.hooks.failed, len(s.hooks.queue)
}
