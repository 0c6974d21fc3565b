package sfsim_test

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/simpleforce/simpleforce"

	"github.com/carebridge/carebridge/connectors/salesforce/metadata"
	"github.com/carebridge/carebridge/connectors/salesforce/sfsim"
)

const (
	testClientID     = "test-client-id"
	testClientSecret = "test-client-secret-do-not-log"
	apiPrefix        = "/services/data/v62.0/"
)

func TestMain(m *testing.M) {
	log.SetOutput(io.Discard) // simpleforce logs every failed call with the standard logger
	os.Exit(m.Run())
}

type env struct {
	t     *testing.T
	srv   *sfsim.Server
	ts    *httptest.Server
	token string
	jwt   *rsa.PrivateKey // signs assertions for as
}

// jwtKey is the test binary's JWT bearer key (generated once: RSA key
// generation is slow).
var jwtKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

// newEnv starts a sandbox and logs in as the integration user. Unless opts
// has a JWT key of its own, the JWT bearer grant is on so that as can log
// in as other users.
func newEnv(t *testing.T, opts sfsim.Options) *env {
	t.Helper()
	if opts.ClientID == "" {
		opts.ClientID, opts.ClientSecret = testClientID, testClientSecret
	}
	var key *rsa.PrivateKey
	if opts.JWTPublicKey == nil {
		key = jwtKey()
		opts.JWTPublicKey = &key.PublicKey
	}
	srv, err := sfsim.New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(func() {
		srv.Close()
		ts.Close()
	})
	e := &env{t: t, srv: srv, ts: ts, jwt: key}
	e.token = e.clientCredentials()
	return e
}

// as returns a copy of the env logged in (JWT bearer) as the user with
// that username: a service agent for any user but the integration user.
func (e *env) as(username string) *env {
	e.t.Helper()
	if e.jwt == nil {
		e.t.Fatal("as: the env was started with a JWT key of its own")
	}
	assertion, err := jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.MapClaims{"iss": testClientID, "aud": "https://login.salesforce.com",
		"sub": username, "exp": time.Now().Add(3 * time.Minute).Unix()}).SignedString(e.jwt)
	if err != nil {
		e.t.Fatal(err)
	}
	status, body := e.tokenRequest(url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"}, "assertion": {assertion}})
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(body, &tok); status != http.StatusOK || err != nil {
		e.t.Fatalf("log in as %s: %d %s", username, status, body)
	}
	other := *e
	other.token = tok.AccessToken
	return &other
}

// grant changes the integration user's shipped permission set, failing the
// test if the sandbox refuses.
func (e *env) grant(p metadata.Permission) {
	e.t.Helper()
	if err := e.srv.GrantPermission(sfsim.IntegrationPermissionSet, p); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) revoke(p metadata.Permission) {
	e.t.Helper()
	if err := e.srv.RevokePermission(sfsim.IntegrationPermissionSet, p); err != nil {
		e.t.Fatal(err)
	}
}

// allowDeletes grants the integration user Delete on Case, which the
// shipped set does not (carebridge deletes only its mirrored messages), so that a test can
// exercise the sandbox's deletes through the API.
func (e *env) allowDeletes() {
	e.t.Helper()
	e.grant(metadata.Permission{Object: "Case", Access: metadata.AccessDelete})
}

// leaveIntegrationGroup takes the integration user out of the shipped
// Carebridge_Integration group, as an admin who forgot that setup step:
// the sharing rule no longer shares Care's Cases with it.
func (e *env) leaveIntegrationGroup() {
	e.t.Helper()
	group, ok := e.srv.GroupID(sfsim.IntegrationGroup)
	if !ok || !e.srv.RemoveGroupMember(group, e.srv.IntegrationUserID()) {
		e.t.Fatal("the integration user is not a member of the shipped Carebridge_Integration group")
	}
}

// clientCredentials gets a fresh access token.
func (e *env) clientCredentials() string {
	e.t.Helper()
	status, body := e.tokenRequest(url.Values{"grant_type": {"client_credentials"}, "client_id": {testClientID}, "client_secret": {testClientSecret}})
	if status != http.StatusOK {
		e.t.Fatalf("token: %d %s", status, body)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(body, &tok); err != nil {
		e.t.Fatal(err)
	}
	return tok.AccessToken
}

func (e *env) tokenRequest(form url.Values) (int, []byte) {
	e.t.Helper()
	resp, err := http.PostForm(e.ts.URL+"/services/oauth2/token", form)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, body
}

// do sends a REST request with the env's token; path is relative to
// /services/data/v62.0/ unless it starts with "/".
func (e *env) do(method, path string, body any, header ...string) (*http.Response, []byte) {
	e.t.Helper()
	if !strings.HasPrefix(path, "/") {
		path = apiPrefix + path
	}
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, e.ts.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+e.token)
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp, out
}

func (e *env) query(soql string) (*http.Response, []byte) {
	return e.do(http.MethodGet, "query?q="+url.QueryEscape(soql), nil)
}

// queryRecords runs SOQL that must succeed and returns its records.
func (e *env) queryRecords(soql string) []map[string]any {
	e.t.Helper()
	resp, body := e.query(soql)
	if resp.StatusCode != http.StatusOK {
		e.t.Fatalf("query %q: %d %s", soql, resp.StatusCode, body)
	}
	var res struct {
		Records []map[string]any `json:"records"`
	}
	if err := json.Unmarshal(body, &res); err != nil {
		e.t.Fatal(err)
	}
	return res.Records
}

type apiErr struct {
	Message   string   `json:"message"`
	ErrorCode string   `json:"errorCode"`
	Fields    []string `json:"fields"`
}

// errorBody decodes a Salesforce error body, failing the test if the body
// is not the [{"message","errorCode","fields"}] shape.
func errorBody(t *testing.T, body []byte) apiErr {
	t.Helper()
	var errs []apiErr
	if err := json.Unmarshal(body, &errs); err != nil || len(errs) != 1 || errs[0].ErrorCode == "" || errs[0].Message == "" {
		t.Fatalf("not a Salesforce error body: %s", body)
	}
	if !bytes.Contains(body, []byte(`"fields":[`)) {
		t.Errorf("error body lacks fields array: %s", body)
	}
	return errs[0]
}

// client returns a simpleforce client bound to the sandbox with the env's
// token; extra headers are added to every request.
func (e *env) client(header ...string) *simpleforce.Client {
	c := simpleforce.NewClient(e.ts.URL, testClientID, "62.0")
	c.SetSidLoc(e.token, e.ts.URL)
	c.SetHttpClient(&http.Client{Transport: headerTransport{header: header}})
	return c
}

type headerTransport struct{ header []string }

func (h headerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	for i := 0; i+1 < len(h.header); i += 2 {
		r.Header.Set(h.header[i], h.header[i+1])
	}
	return http.DefaultTransport.RoundTrip(r)
}

func mustInsert(t *testing.T, s *sfsim.Server, object string, fields map[string]any) string {
	t.Helper()
	id, err := s.Insert(object, fields)
	if err != nil {
		t.Fatalf("Insert %s: %v", object, err)
	}
	return id
}
