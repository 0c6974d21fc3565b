package salesforce

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/carebridge/carebridge/connectors/upstream"
)

const maxErrorBody = 1 << 20

// callTransport carries one simpleforce call: it binds the call's context to
// every request, authenticates it, refreshes the session once on 401,
// observes metrics and usage, and captures Salesforce errors before
// simpleforce sees them. simpleforce gets a sanitised error body (code only),
// so neither its log lines nor its error strings carry Salesforce's message
// text, and its parser never indexes an empty error array.
type callTransport struct {
	c       *Client
	ctx     context.Context
	op      string
	session session

	status  int             // status of the last response
	failure *upstream.Error // classified failure, nil when none
}

func (t *callTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		body = b
	}
	for attempt := 0; ; attempt++ {
		r := req.Clone(t.ctx)
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.ContentLength = int64(len(body))
		r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
		r.Header.Set("Authorization", "Bearer "+t.session.token)
		r.Header.Set("Accept", "application/json")
		r.Header.Set("Sforce-Auto-Assign", "FALSE")
		// names carebridge in the changeOrigin of the change events its
		// writes cause, so that their echoes can be told apart
		r.Header.Set("Sforce-Call-Options", "client="+simpleforceClientID)
		if t.c.cfg.QueryBatchSize > 0 && r.Method == http.MethodGet && strings.Contains(r.URL.Path, "/query") {
			r.Header.Set("Sforce-Query-Options", "batchSize="+strconv.Itoa(t.c.cfg.QueryBatchSize))
		}
		start := time.Now()
		resp, err := t.c.base.RoundTrip(r)
		if err != nil {
			t.c.metrics.Observe(System, t.op, 0, time.Since(start))
			t.status = 0
			t.failure = transportError(t.op, err)
			return nil, err
		}
		t.c.metrics.Observe(System, t.op, resp.StatusCode, time.Since(start))
		t.c.recordUsage(resp.Header.Get("Sforce-Limit-Info"))
		t.status = resp.StatusCode
		if resp.StatusCode >= 200 && resp.StatusCode < 300 {
			t.failure = nil
			return resp, nil
		}
		raw, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		resp.Body.Close()
		apiErr := parseErrorBody(raw)
		if resp.StatusCode == http.StatusUnauthorized && attempt == 0 &&
			(apiErr.code() == CodeInvalidSession || apiErr.code() == "") {
			s, err := t.c.auth.refresh(t.ctx, t.session.token)
			if err != nil {
				t.failure = toUpstream(err)
				return nil, err
			}
			t.session = s
			continue
		}
		if resp.StatusCode == http.StatusMultipleChoices && apiErr.code() == "" {
			apiErr = apiError{ErrorCode: codeMultipleExternalMatch, Message: "the external id matches several records"}
		}
		t.failure = newAPIError(t.op, resp.StatusCode, apiErr)
		resp.Body = io.NopCloser(bytes.NewReader(sanitisedBody(apiErr.code())))
		resp.ContentLength = -1
		resp.Header.Del("Content-Length")
		return resp, nil
	}
}

func sanitisedBody(code string) []byte {
	b, _ := json.Marshal([]apiError{{ErrorCode: code, Message: "(withheld by carebridge)"}})
	return b
}

func toUpstream(err error) *upstream.Error {
	if ue, ok := err.(*upstream.Error); ok {
		return ue
	}
	return transportError(opToken, err)
}

// parseLimitInfo reads "api-usage=N/M" from a Sforce-Limit-Info header
// (which may list further entries, comma-separated).
func parseLimitInfo(h string) (used, max int, ok bool) {
	for part := range strings.SplitSeq(h, ",") {
		v, found := strings.CutPrefix(strings.TrimSpace(part), "api-usage=")
		if !found {
			continue
		}
		u, m, found := strings.Cut(v, "/")
		if !found {
			return 0, 0, false
		}
		ui, err1 := strconv.Atoi(strings.TrimSpace(u))
		mi, err2 := strconv.Atoi(strings.TrimSpace(m))
		if err1 != nil || err2 != nil || ui < 0 || mi < 0 {
			return 0, 0, false
		}
		return ui, mi, true
	}
	return 0, 0, false
}
