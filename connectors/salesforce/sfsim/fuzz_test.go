package sfsim_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/carebridge/carebridge/connectors/salesforce/sfsim"
)

// FuzzRequests: whatever body or path a client sends, the sandbox answers
// with a Salesforce-shaped response and never a 5xx (which would mean a bug
// in the sandbox, not in the client).
func FuzzRequests(f *testing.F) {
	for _, seed := range []struct{ method, path, body string }{
		{"POST", "sobjects/Case", `{"Subject":"x","Care_Case_Id__c":"a"}`},
		{"POST", "sobjects/Care_Message__c", `{"Case__c":"500000000000ABC","Thread_Depth__c":"x"}`},
		{"PATCH", "sobjects/Case/Care_Case_Id__c/a%2Fb", `{"Status":"On Hold","Care_DM_Deadline__c":"2026-11-25T03:55:12Z"}`},
		{"POST", "composite/sobjects", `{"allOrNone":true,"records":[{"attributes":{"type":"Case"}},null,{"attributes":{}}]}`},
		{"PATCH", "composite/sobjects/Case/Care_Case_Id__c", `{"records":[{"attributes":{"type":"Case"},"Care_Case_Id__c":7}]}`},
		{"PATCH", "composite/sobjects", `{"records":[{"attributes":{"type":"Case"},"Id":["x"]}]}`},
		{"DELETE", "composite/sobjects?ids=,,", ``},
		{"GET", "query?q=SELECT+Id+FROM+Case+WHERE+Id+IN+('x')", ``},
		{"GET", "sobjects/Case/Id/500000000000ABC?fields=Id,,Nope", ``},
		{"POST", "sobjects/Case", `[1,2]`},
	} {
		f.Add(seed.method, seed.path, seed.body)
	}
	srv, err := sfsim.New(sfsim.Options{ClientID: testClientID, ClientSecret: testClientSecret})
	if err != nil {
		f.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	f.Cleanup(ts.Close)
	resp, err := http.PostForm(ts.URL+"/services/oauth2/token", url.Values{"grant_type": {"client_credentials"}, "client_id": {testClientID}, "client_secret": {testClientSecret}})
	if err != nil {
		f.Fatal(err)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&tok)
	resp.Body.Close()

	f.Fuzz(func(t *testing.T, method, path, body string) {
		switch method {
		case "GET", "POST", "PATCH", "DELETE":
		default:
			return
		}
		for _, c := range []byte(path) {
			if c <= ' ' || c == 0x7f {
				return // not a request target a client could send
			}
		}
		req, err := http.NewRequest(method, ts.URL+apiPrefix+path, bytes.NewBufferString(body))
		if err != nil {
			return // not a URL a client could send
		}
		req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		out, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode >= 500 {
			t.Fatalf("%s %s %s: %d %s", method, path, body, resp.StatusCode, out)
		}
		if resp.StatusCode >= 400 && !json.Valid(out) {
			t.Fatalf("%s %s: error body not JSON: %s", method, path, out)
		}
	})
}
