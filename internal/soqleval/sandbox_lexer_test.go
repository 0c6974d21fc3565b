package soqleval_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/carebridge/carebridge/connectors/salesforce/sfsim"
	"github.com/carebridge/carebridge/connectors/salesforce/soql"
)

// FuzzQuoteThroughTheSandbox: whatever text a Care case carries, the
// literal Quote makes of it means exactly that text to a SOQL lexer: a query
// for it finds the one record holding it, and nothing injected into the
// literal changes the query. The lexer is the Salesforce sandbox's own, over
// HTTP, so this does not test Escape against assumptions of its own.
func FuzzQuoteThroughTheSandbox(f *testing.F) {
	for _, s := range []string{"plain", `it's`, `\`, `\'`, `'\`, "x' OR Subject != '", "\x00\n\r\t\b\f\x7f", "\xff\xfe",
		"\u2028🙂", `\u0027`, `%_`, "a\\nb", `"quoted"`} {
		f.Add(s)
	}
	sb, err := sfsim.New(sfsim.Options{ClientID: "cid", ClientSecret: "csecret"})
	if err != nil {
		f.Fatal(err)
	}
	srv := httptest.NewServer(sb)
	f.Cleanup(srv.Close)
	token := clientCredentials(f, srv.URL)
	f.Fuzz(func(t *testing.T, s string) {
		s = strings.ToValidUTF8(s, "\uFFFD")
		if r := []rune(s); len(r) > 100 {
			s = string(r[:100]) // Subject holds 255
		}
		if s == "" || !utf8.ValidString(s) {
			t.Skip("an empty Subject is null")
		}
		id, err := sb.Insert("Case", map[string]any{"Subject": s})
		if err != nil {
			t.Skipf("the sandbox does not store %q: %v", s, err)
		}
		defer func() { _ = sb.Delete("Case", id) }()
		q, err := soql.Select("Id", "Subject").From("Case").Where(soql.Eq("Subject", s)).Build()
		if err != nil {
			t.Fatalf("Build for %q: %v", s, err)
		}
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/services/data/v62.0/query?q="+url.QueryEscape(q), nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var body struct {
			Records []struct{ ID, Subject string } `json:"records"`
		}
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("the sandbox refused %s (for %q): HTTP %d", q, s, resp.StatusCode)
		}
		if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
			t.Fatal(err)
		}
		if len(body.Records) != 1 || body.Records[0].ID != id || body.Records[0].Subject != s {
			t.Fatalf("query %s for %q found %+v, want the one record %s", q, s, body.Records, id)
		}
	})
}

func clientCredentials(tb testing.TB, base string) string {
	tb.Helper()
	resp, err := http.PostForm(base+"/services/oauth2/token", url.Values{
		"grant_type": {"client_credentials"}, "client_id": {"cid"}, "client_secret": {"csecret"}})
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || tok.AccessToken == "" {
		tb.Fatalf("token: %v", err)
	}
	return tok.AccessToken
}
