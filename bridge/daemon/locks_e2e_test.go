package daemon_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/carebridge/carebridge/bridge/config"
	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/connectors/care/rules"
	"github.com/carebridge/carebridge/connectors/salesforce/sfsim"
	"github.com/carebridge/carebridge/internal/testkit"
)

// TestLockedRecordsAreRetriedAloneAndNoneIsLost: the org refuses rows of
// sObject Collections calls with UNABLE_TO_LOCK_ROW while it writes the
// others, both for a share of all rows (Cases, messages, notes) and for the
// rows beyond 4 children of one Case in a call (the parent lock). Every
// Care message and note of three conversations still reaches Salesforce,
// and the bridge sends again only what was refused: no record the org
// accepted goes over the wire again, and no key is given up.
func TestLockedRecordsAreRetriedAloneAndNoneIsLost(t *testing.T) {
	var wire *collectionsWire
	w := startWorld(t, manualPolls, func(c *config.Config) {
		c.Queue.BaseDelay, c.Queue.MaxDelay = 50*time.Millisecond, 500*time.Millisecond
		wire = watchCollections(t, c)
	})
	w.sf.SetParentLockLimit(4)
	w.sf.InjectFault(sfsim.Fault{ErrorCode: "UNABLE_TO_LOCK_ROW", PerRecord: true, Rate: 0.2})
	const cases, replies, notes = 3, 10, 3
	for c := range cases {
		id := fmt.Sprintf("lock_%d", c)
		w.escalate(t, id, strPtr("agent_ana"))
		for i := range replies {
			if _, err := w.care.CustomerMessage(id, care.Message{Kind: rules.ReplyKind, ParentID: strPtr("c_" + id), Text: fmt.Sprint("reply ", i)}); err != nil {
				t.Fatal(err)
			}
		}
		for i := range notes {
			if _, err := w.care.UIAddNote(id, "agent_ana", fmt.Sprint("note ", i)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := w.d.Engine().Triggers().PollCare(context.Background()); err != nil {
		t.Fatal(err)
	}
	for c := range cases {
		id := fmt.Sprintf("lock_%d", c)
		testkit.Eventually(t, 20*time.Second, "every message and note of "+id+" in Salesforce", func() (bool, string) {
			r := w.sfCase(id)
			if r == nil {
				return false, "no Case"
			}
			m, n := len(w.mirror(r["Id"].(string))), len(w.notesOf(r["Id"].(string)))
			return m == 2+replies && n == notes, fmt.Sprintf("%d of %d messages, %d of %d notes", m, 2+replies, n, notes)
		})
	}
	wire.mu.Lock()
	defer wire.mu.Unlock()
	if wire.refused == 0 {
		t.Fatal("the org refused no row: the test shows nothing")
	}
	for rec, n := range wire.accepted {
		if n > 1 {
			t.Errorf("accepted %d times: %s", n, rec)
		}
	}
	for _, rec := range wire.resent {
		t.Errorf("sent again after the org accepted it: %s", rec)
	}
	if d, err := w.d.Queue().Depth(context.Background()); err != nil || d.Dead != 0 {
		t.Errorf("queue %+v, %v: nothing may be given up", d, err)
	}
	t.Logf("%d rows refused and sent again, %d accepted", wire.refused, len(wire.accepted))
}

// collectionsWire is what went over the wire in sObject Collections calls:
// each record written (its object and fields) with how often the org
// accepted it, records sent again after the org accepted them, and how
// many rows it refused.
type collectionsWire struct {
	mu       sync.Mutex
	accepted map[string]int
	resent   []string
	refused  int
}

// watchCollections puts a proxy in front of the Salesforce sandbox of c
// that records every collections create, update and upsert into the
// returned wire; it is closed with t.
func watchCollections(t *testing.T, c *config.Config) *collectionsWire {
	t.Helper()
	target, err := url.Parse(c.Salesforce.LoginURL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	wire := &collectionsWire{accepted: map[string]int{}}
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.Contains(r.URL.Path, "/composite/sobjects") || r.Method == http.MethodDelete {
			proxy.ServeHTTP(w, r)
			return
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		answer := httptest.NewRecorder()
		proxy.ServeHTTP(answer, r)
		wire.note(body, answer.Body.Bytes())
		maps.Copy(w.Header(), answer.Header())
		w.WriteHeader(answer.Code)
		_, _ = w.Write(answer.Body.Bytes())
	}))
	t.Cleanup(front.Close)
	c.Salesforce.LoginURL = front.URL
	return wire
}

func (cw *collectionsWire) note(request, answer []byte) {
	var req struct {
		Records []map[string]any `json:"records"`
	}
	var results []struct {
		Success bool `json:"success"`
	}
	if json.Unmarshal(request, &req) != nil || json.Unmarshal(answer, &results) != nil || len(results) != len(req.Records) {
		return // a whole call refused: nothing of it was written
	}
	cw.mu.Lock()
	defer cw.mu.Unlock()
	for i, rec := range req.Records {
		key, _ := json.Marshal(rec) // map keys sorted: one text per record and fields
		if cw.accepted[string(key)] > 0 {
			cw.resent = append(cw.resent, string(key))
		}
		if results[i].Success {
			cw.accepted[string(key)]++
		} else {
			cw.refused++
		}
	}
}
