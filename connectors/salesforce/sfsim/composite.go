package sfsim

import (
	"bytes"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
)

// The Composite resource (POST /services/data/vNN.N/composite) runs up to 25
// subrequests in order, in one API call: Salesforce counts the whole series
// as a single call toward the org's allocation. At most 5 of them may be
// queries or sObject Collections calls. Subrequests are sObject, Query and
// sObject Collections requests; each runs as the caller, as it would on its
// own, and answers with its own status and body.
//
// The sandbox runs them with allOrNone false (an error in one leaves the
// others as they are, Salesforce's default) and without references between
// subrequests (@{referenceId.field}); it refuses both with a message that
// says so rather than running them differently from Salesforce.
const (
	maxCompositeSubrequests = 25
	maxCompositeQueries     = 5 // queries and sObject Collections calls
)

// inheritedHeaders are the headers of the composite request that its
// subrequests inherit; a subrequest may not name them.
var inheritedHeaders = []string{"Accept", "Authorization", "Content-Type"}

var referenceIDShape = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)

type compositeSubrequest struct {
	Method      string            `json:"method"`
	URL         string            `json:"url"`
	ReferenceID string            `json:"referenceId"`
	Body        json.RawMessage   `json:"body"`
	HTTPHeaders map[string]string `json:"httpHeaders"`
}

type compositeSubresponse struct {
	Body           json.RawMessage   `json:"body"`
	HTTPHeaders    map[string]string `json:"httpHeaders"`
	HTTPStatusCode int               `json:"httpStatusCode"`
	ReferenceID    string            `json:"referenceId"`
}

func (s *Server) handleComposite(w http.ResponseWriter, r *http.Request, _ route, user string) {
	var body struct {
		AllOrNone          bool                  `json:"allOrNone"`
		CollateSubrequests bool                  `json:"collateSubrequests"`
		CompositeRequest   []compositeSubrequest `json:"compositeRequest"`
	}
	if err := decodeBody(w, r, &body); err != nil {
		writeError(w, err)
		return
	}
	subs := body.CompositeRequest
	if len(subs) == 0 {
		writeError(w, apiError(http.StatusBadRequest, "INVALID_INPUT", "compositeRequest: at least one subrequest is required"))
		return
	}
	if len(subs) > maxCompositeSubrequests {
		writeError(w, apiError(http.StatusBadRequest, "INVALID_INPUT", "compositeRequest: at most %d subrequests are allowed, not %d", maxCompositeSubrequests, len(subs)))
		return
	}
	if body.AllOrNone {
		writeError(w, apiError(http.StatusNotImplemented, "NOT_IMPLEMENTED", "the sandbox runs composite requests with allOrNone false only"))
		return
	}
	seen := map[string]bool{}
	routes := make([]route, len(subs))
	reqs := make([]*http.Request, len(subs))
	refused := make([]*Error, len(subs)) // a subrequest answered with an error without running
	heavy := 0
	for i, sub := range subs {
		if !referenceIDShape.MatchString(sub.ReferenceID) || seen[sub.ReferenceID] {
			writeError(w, apiError(http.StatusBadRequest, "INVALID_INPUT", "compositeRequest[%d]: referenceId %q must be unique, start with a letter and hold only letters, digits and underscores", i, sub.ReferenceID))
			return
		}
		seen[sub.ReferenceID] = true
		for k := range sub.HTTPHeaders {
			for _, h := range inheritedHeaders {
				if strings.EqualFold(k, h) {
					writeError(w, apiError(http.StatusBadRequest, "INVALID_INPUT", "compositeRequest[%d]: httpHeaders may not name %s: a subrequest inherits it from the composite request", i, h))
					return
				}
			}
		}
		if strings.Contains(sub.URL, "@{") || bytes.Contains(sub.Body, []byte("@{")) {
			writeError(w, apiError(http.StatusNotImplemented, "NOT_IMPLEMENTED", "compositeRequest[%d]: the sandbox does not resolve references between subrequests", i))
			return
		}
		req, err := http.NewRequestWithContext(r.Context(), sub.Method, sub.URL, bytes.NewReader(sub.Body))
		if err != nil || !strings.HasPrefix(req.URL.Path, "/services/data/v") {
			writeError(w, apiError(http.StatusBadRequest, "INVALID_INPUT", "compositeRequest[%d]: url %q is not a REST API resource", i, sub.URL))
			return
		}
		rt, rerr := s.resolveRoute(req)
		if rerr == nil && !composable(rt.op) {
			rerr = apiError(http.StatusBadRequest, "INVALID_INPUT", "compositeRequest[%d]: %s %s cannot be a composite subrequest", i, sub.Method, req.URL.Path)
		}
		if rerr != nil && rerr.Status == http.StatusBadRequest {
			writeError(w, rerr)
			return
		}
		reqs[i], routes[i], refused[i] = req, rt, rerr
		if rerr == nil && (rt.op == OpQuery || strings.HasPrefix(rt.op, "collections_")) {
			heavy++
		}
	}
	if heavy > maxCompositeQueries {
		writeError(w, apiError(http.StatusBadRequest, "INVALID_INPUT", "compositeRequest: at most %d subrequests may be queries or sObject Collections calls, not %d", maxCompositeQueries, heavy))
		return
	}
	out := make([]compositeSubresponse, len(subs))
	for i, sub := range subs {
		req := reqs[i]
		// A subrequest inherits Accept, Authorization and Content-Type of
		// the composite request, and has the other headers it names itself
		// (Sforce-Auto-Assign, Sforce-Call-Options), none of the
		// composite request's.
		for _, h := range inheritedHeaders {
			if v := r.Header.Get(h); v != "" {
				req.Header.Set(h, v)
			}
		}
		for k, v := range sub.HTTPHeaders {
			req.Header.Set(k, v)
		}
		ans := &subAnswer{h: http.Header{}}
		if refused[i] != nil {
			writeError(ans, refused[i])
		} else {
			routes[i].handler(ans, req, routes[i], user)
		}
		res := compositeSubresponse{HTTPHeaders: map[string]string{}, HTTPStatusCode: ans.status, ReferenceID: sub.ReferenceID}
		if res.HTTPStatusCode == 0 {
			res.HTTPStatusCode = http.StatusOK
		}
		if b := bytes.TrimSpace(ans.body.Bytes()); len(b) > 0 {
			res.Body = b
		}
		if loc := ans.h.Get("Location"); loc != "" {
			res.HTTPHeaders["Location"] = loc
		}
		out[i] = res
	}
	writeJSON(w, http.StatusOK, map[string]any{"compositeResponse": out})
}

// composable reports whether a resource may be a composite subrequest:
// sObject resources, queries and sObject Collections.
func composable(op string) bool {
	switch op {
	case OpQuery, OpGet, OpCreate, OpUpdate, OpUpsert, OpDelete, OpDescribe,
		OpCollectionsCreate, OpCollectionsUpdate, OpCollectionsUpsert, OpCollectionsDelete:
		return true
	}
	return false
}

// subAnswer records a subrequest's answer.
type subAnswer struct {
	h      http.Header
	status int
	body   bytes.Buffer
}

func (a *subAnswer) Header() http.Header { return a.h }
func (a *subAnswer) Write(p []byte) (int, error) {
	if a.status == 0 {
		a.status = http.StatusOK
	}
	return a.body.Write(p)
}
func (a *subAnswer) WriteHeader(status int) {
	if a.status == 0 {
		a.status = status
	}
}
