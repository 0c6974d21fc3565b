package salesforce

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/carebridge/carebridge/connectors/salesforce/sfsim"
	"github.com/carebridge/carebridge/connectors/upstream"
)

// TestMalformedCollectionResultsAreNamed: a collections answer whose
// results or per-record errors are not objects is not "1 results for 1
// records": each such record gets a permanent error naming its index and
// what was found, the well-formed results next to it keep theirs, and a
// body that is no array at all fails the call saying what it was. The
// answers come from a server in front of the sandbox that replaces the
// sandbox's collections answer.
func TestMalformedCollectionResultsAreNamed(t *testing.T) {
	sb := newSandbox(t, sfsim.Options{})
	var answer atomic.Value
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/composite/sobjects") {
			_, _ = io.Copy(io.Discard, r.Body)
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, answer.Load().(string))
			return
		}
		sb.sim.ServeHTTP(w, r)
	}))
	t.Cleanup(front.Close)
	cfg := sb.config()
	cfg.LoginURL = front.URL
	c := newTarget(t, "sandbox", cfg).client
	records := []Record{{"Subject": "a"}, {"Subject": "b"}, {"Subject": "c"}, {"Subject": "d"}}
	good := `{"id":"500000000000001AAA","success":true,"errors":[]}`
	tests := []struct {
		name, body string
		wantErrs   []string // per record; "" for a success
	}{
		{"errors hold a string and a number", `[` + good + `,{"success":false,"errors":["UNABLE_TO_LOCK_ROW"]},{"success":false,"errors":[42]},` + good + `]`,
			[]string{"", `record 1 is not a result object: its errors[0] is a string "UNABLE_TO_LOCK_ROW", not an error object`,
				"record 2 is not a result object: its errors[0] is a number 42, not an error object", ""}},
		{"results that are not objects", `[` + good + `,"ok",7,null]`,
			[]string{"", `record 1 is not a result object: a string "ok"`, "record 2 is not a result object: a number 7", "record 3 is not a result object: null"}},
		{"fields of the wrong type", `[{"success":"yes"},{"id":5,"success":true},{"success":false,"errors":"broken"},` + good + `]`,
			[]string{`its success is a string "yes"`, "its id is a number 5", `its errors are a string "broken", not an array`, ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			answer.Store(tt.body)
			res, err := c.CreateMany(t.Context(), "Case", records)
			if err != nil {
				t.Fatalf("the call failed as a whole: %v", err)
			}
			for i, want := range tt.wantErrs {
				got := res[i].Err
				if want == "" {
					if got != nil || res[i].ID == "" {
						t.Errorf("record %d: %+v, want a success", i, res[i])
					}
					continue
				}
				var ue *upstream.Error
				if got == nil || !strings.Contains(got.Error(), want) || !errors.As(got, &ue) || ue.Class != upstream.Permanent {
					t.Errorf("record %d: %v, want a permanent error saying %q", i, got, want)
				}
			}
		})
	}
	for _, tt := range []struct {
		body, want string
		class      upstream.Class
	}{
		{`{"error":"oops"}`, "collections response is an object, not an array of results", upstream.Permanent},
		{`<html>Bad gateway</html>`, `collections response is not JSON ("<html>Bad gateway</html>")`, upstream.Permanent},
		{`null`, "collections response is null, not an array of results", upstream.Permanent},
		// Cut short on its way: the call may well succeed when repeated.
		{`[` + good + `]`, "collections response has 1 results for 4 records", upstream.Retryable},
	} {
		answer.Store(tt.body)
		res, err := c.CreateMany(t.Context(), "Case", records)
		if err == nil || !strings.Contains(err.Error(), tt.want) || upstream.ClassOf(err) != tt.class || res[0].Err == nil {
			t.Errorf("answer %s: %v, want the call to fail (%v) saying %q", tt.body, err, tt.class, tt.want)
		}
	}
}
