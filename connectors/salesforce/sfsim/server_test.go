package sfsim_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/simpleforce/simpleforce"

	"github.com/carebridge/carebridge/connectors/salesforce/metadata"
	"github.com/carebridge/carebridge/connectors/salesforce/sfsim"
	"github.com/carebridge/carebridge/internal/testkit"
)

func TestTokenGrants(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	otherKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, sfsim.Options{ClientID: testClientID, ClientSecret: testClientSecret,
		Username: "int@example.com", Password: "pw", JWTPublicKey: &key.PublicKey})
	refresh := e.srv.IssueRefreshToken()

	assertion := func(k *rsa.PrivateKey, method jwt.SigningMethod, mutate func(jwt.MapClaims)) string {
		claims := jwt.MapClaims{"iss": testClientID, "aud": "https://login.salesforce.com", "sub": "int@example.com",
			"exp": time.Now().Add(3 * time.Minute).Unix()}
		if mutate != nil {
			mutate(claims)
		}
		var signKey any = k
		if method == jwt.SigningMethodHS256 {
			signKey = []byte("shared")
		}
		s, err := jwt.NewWithClaims(method, claims).SignedString(signKey)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	jwtForm := func(a string) url.Values {
		return url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"}, "assertion": {a}}
	}
	tests := []struct {
		name      string
		form      url.Values
		wantError string // "" = success
	}{
		{"client credentials", url.Values{"grant_type": {"client_credentials"}, "client_id": {testClientID}, "client_secret": {testClientSecret}}, ""},
		{"client credentials wrong secret", url.Values{"grant_type": {"client_credentials"}, "client_id": {testClientID}, "client_secret": {"nope"}}, "invalid_client"},
		{"client credentials unknown client", url.Values{"grant_type": {"client_credentials"}, "client_id": {"other"}, "client_secret": {testClientSecret}}, "invalid_client_id"},
		{"password", url.Values{"grant_type": {"password"}, "client_id": {testClientID}, "client_secret": {testClientSecret}, "username": {"int@example.com"}, "password": {"pw"}}, ""},
		{"password wrong", url.Values{"grant_type": {"password"}, "client_id": {testClientID}, "client_secret": {testClientSecret}, "username": {"int@example.com"}, "password": {"bad"}}, "invalid_grant"},
		{"refresh token", url.Values{"grant_type": {"refresh_token"}, "client_id": {testClientID}, "client_secret": {testClientSecret}, "refresh_token": {refresh}}, ""},
		{"refresh token unknown", url.Values{"grant_type": {"refresh_token"}, "client_id": {testClientID}, "refresh_token": {"5Aepnope"}}, "invalid_grant"},
		{"jwt bearer", jwtForm(assertion(key, jwt.SigningMethodRS256, nil)), ""},
		{"jwt audience test org", jwtForm(assertion(key, jwt.SigningMethodRS256, func(c jwt.MapClaims) { c["aud"] = "https://test.salesforce.com" })), ""},
		{"jwt signed by another key", jwtForm(assertion(otherKey, jwt.SigningMethodRS256, nil)), "invalid_grant"},
		{"jwt HS256", jwtForm(assertion(key, jwt.SigningMethodHS256, nil)), "invalid_grant"},
		{"jwt expired", jwtForm(assertion(key, jwt.SigningMethodRS256, func(c jwt.MapClaims) { c["exp"] = time.Now().Add(-time.Hour).Unix() })), "invalid_grant"},
		{"jwt without exp", jwtForm(assertion(key, jwt.SigningMethodRS256, func(c jwt.MapClaims) { delete(c, "exp") })), "invalid_grant"},
		{"jwt wrong issuer", jwtForm(assertion(key, jwt.SigningMethodRS256, func(c jwt.MapClaims) { c["iss"] = "other" })), "invalid_client_id"},
		{"jwt wrong audience", jwtForm(assertion(key, jwt.SigningMethodRS256, func(c jwt.MapClaims) { c["aud"] = "https://evil.example" })), "invalid_grant"},
		{"jwt unknown subject", jwtForm(assertion(key, jwt.SigningMethodRS256, func(c jwt.MapClaims) { c["sub"] = "ghost@example.com" })), "invalid_grant"},
		{"jwt inactive subject", jwtForm(assertion(key, jwt.SigningMethodRS256, func(c jwt.MapClaims) { c["sub"] = "dan@carebridge.example" })), "invalid_grant"},
		{"jwt garbage", jwtForm("not.a.jwt"), "invalid_grant"},
		{"unsupported grant", url.Values{"grant_type": {"authorization_code"}}, "unsupported_grant_type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := e.tokenRequest(tt.form)
			var resp map[string]string
			if err := json.Unmarshal(body, &resp); err != nil {
				t.Fatalf("token response not JSON: %s", body)
			}
			if tt.wantError != "" {
				if status != http.StatusBadRequest || resp["error"] != tt.wantError {
					t.Fatalf("got %d %s, want 400 %s", status, body, tt.wantError)
				}
				return
			}
			if status != http.StatusOK || resp["access_token"] == "" || resp["instance_url"] != e.ts.URL || resp["token_type"] != "Bearer" {
				t.Fatalf("got %d %s", status, body)
			}
			if _, hasRefresh := resp["refresh_token"]; hasRefresh {
				t.Errorf("these grants issue no refresh token: %s", body)
			}
			e.token = resp["access_token"]
			if r, b := e.do(http.MethodGet, "", nil); r.StatusCode != http.StatusOK {
				t.Errorf("issued token refused: %d %s", r.StatusCode, b)
			}
		})
	}
}

func TestExpiredTokens(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2026, 11, 25, 3, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	e := newEnv(t, sfsim.Options{ClientID: testClientID, ClientSecret: testClientSecret, TokenTTL: time.Hour, Clock: clock})

	wantExpired := func(why string) {
		t.Helper()
		resp, body := e.do(http.MethodGet, "limits", nil)
		if resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("%s: status %d, want 401", why, resp.StatusCode)
		}
		got := errorBody(t, body)
		if got.ErrorCode != "INVALID_SESSION_ID" || got.Message != "Session expired or invalid" {
			t.Errorf("%s: body %s", why, body)
		}
		if resp.Header.Get("Sforce-Limit-Info") == "" {
			t.Errorf("%s: 401 without Sforce-Limit-Info", why)
		}
	}
	if resp, _ := e.do(http.MethodGet, "", nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("fresh token refused: %d", resp.StatusCode)
	}
	mu.Lock()
	now = now.Add(time.Hour)
	mu.Unlock()
	wantExpired("after TTL")

	e.token = e.clientCredentials()
	e.srv.ExpireTokens()
	wantExpired("after ExpireTokens")

	e.token = ""
	wantExpired("without token")

	// simpleforce sees the same error, typed
	e.token = "00Dbogus!token"
	_, err := e.client().Query("SELECT Id FROM Case")
	var sfErr simpleforce.SalesforceError
	if !errors.As(err, &sfErr) || sfErr.HttpCode != http.StatusUnauthorized || sfErr.ErrorCode != "INVALID_SESSION_ID" {
		t.Errorf("simpleforce error = %#v", err)
	}
}

func TestQueryPagingThroughSimpleforce(t *testing.T) {
	e := newEnv(t, sfsim.Options{})
	const n = 25
	for i := 0; i < n; i++ {
		mustInsert(t, e.srv, "Case", map[string]any{"Subject": fmt.Sprintf("case %02d", i), "Care_Case_Id__c": fmt.Sprintf("care-%02d", i)})
	}
	e.srv.ResetCalls()
	c := e.client("Sforce-Query-Options", "batchSize=10")
	res, err := c.Query("SELECT Id, Subject, Care_Case_Id__c FROM Case ORDER BY Care_Case_Id__c")
	if err != nil {
		t.Fatal(err)
	}
	var subjects []string
	pages := 0
	for {
		pages++
		if res.TotalSize != n {
			t.Errorf("totalSize = %d, want %d", res.TotalSize, n)
		}
		for _, r := range res.Records {
			subjects = append(subjects, r.StringField("Subject"))
			if r.Type() != "Case" || len(r.ID()) != 18 {
				t.Errorf("record attributes: type %q id %q", r.Type(), r.ID())
			}
		}
		if res.Done {
			break
		}
		if !strings.HasPrefix(res.NextRecordsURL, "/services/data/v62.0/query/") {
			t.Fatalf("nextRecordsUrl = %q", res.NextRecordsURL)
		}
		if res, err = c.Query(res.NextRecordsURL); err != nil {
			t.Fatal(err)
		}
	}
	if pages != 3 || len(subjects) != n {
		t.Fatalf("pages = %d, records = %d; want 3 pages of %d records", pages, len(subjects), n)
	}
	for i, s := range subjects {
		if want := fmt.Sprintf("case %02d", i); s != want {
			t.Errorf("record %d = %q, want %q", i, s, want)
		}
	}
	if got := e.srv.Calls(sfsim.OpQuery); got != 3 {
		t.Errorf("query calls = %d, want 3", got)
	}

	// default batch size is 2000: one page
	res, err = e.client().Query("SELECT Id FROM Case")
	if err != nil || !res.Done || len(res.Records) != n || res.NextRecordsURL != "" {
		t.Errorf("default page: done=%v records=%d next=%q err=%v", res.Done, len(res.Records), res.NextRecordsURL, err)
	}
	if resp, body := e.do(http.MethodGet, "query/01gbogus-10", nil); resp.StatusCode != http.StatusBadRequest || errorBody(t, body).ErrorCode != "INVALID_QUERY_LOCATOR" {
		t.Errorf("bad locator: %d %s", resp.StatusCode, body)
	}
}

func TestWritesThroughApexREST(t *testing.T) {
	e := newEnv(t, sfsim.Options{})
	e.allowDeletes()
	c := e.client("Sforce-Auto-Assign", "FALSE")
	call := func(method, path string, body any) ([]byte, error) {
		raw, _ := json.Marshal(body)
		return c.ApexREST(method, strings.TrimPrefix(apiPrefix, "/")+path, bytes.NewReader(raw))
	}
	out, err := call(http.MethodPost, "sobjects/Case", map[string]any{"Subject": "Refund", "Status": "New", "Care_Case_Id__c": "care-1"})
	if err != nil {
		t.Fatal(err)
	}
	var created struct {
		ID      string `json:"id"`
		Success bool   `json:"success"`
		Created *bool  `json:"created"`
	}
	if err := json.Unmarshal(out, &created); err != nil || !created.Success || !strings.HasPrefix(created.ID, "500") || len(created.ID) != 18 {
		t.Fatalf("create: %s", out)
	}
	if _, err := call(http.MethodPatch, "sobjects/Case/"+created.ID[:15], map[string]any{"Status": "Working"}); err != nil {
		t.Fatalf("update by 15-char id: %v", err)
	}
	out, err = c.ApexREST(http.MethodGet, strings.TrimPrefix(apiPrefix, "/")+"sobjects/Case/Care_Case_Id__c/care-1", nil)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	_ = json.Unmarshal(out, &got)
	if got["Status"] != "Working" || got["Id"] != created.ID || got["OwnerId"] != e.srv.IntegrationUserID() {
		t.Errorf("get by external id: %s", out)
	}

	for _, tt := range []struct {
		value       string
		wantCreated bool
	}{{"care-2", true}, {"care-2", false}, {"care-1", false}} {
		out, err = call(http.MethodPatch, "sobjects/Case/Care_Case_Id__c/"+tt.value, map[string]any{"Subject": "upserted " + tt.value})
		if err != nil {
			t.Fatalf("upsert %s: %v", tt.value, err)
		}
		created.Created = nil
		if err := json.Unmarshal(out, &created); err != nil || created.Created == nil || *created.Created != tt.wantCreated {
			t.Errorf("upsert %s: %s, want created=%v", tt.value, out, tt.wantCreated)
		}
	}
	if n := len(e.srv.Records("Case")); n != 2 {
		t.Errorf("cases after upserts = %d, want 2", n)
	}
	// upsert status codes over raw HTTP: 201 then 200
	for _, want := range []int{http.StatusCreated, http.StatusOK} {
		resp, body := e.do(http.MethodPatch, "sobjects/Case/Care_Case_Id__c/care-3", map[string]any{"Subject": "x"}, "Sforce-Auto-Assign", "FALSE")
		if resp.StatusCode != want {
			t.Errorf("upsert status = %d (%s), want %d", resp.StatusCode, body, want)
		}
	}

	if _, err := call(http.MethodDelete, "sobjects/Case/"+created.ID, nil); err != nil {
		t.Fatalf("delete: %v", err)
	}
	_, err = call(http.MethodPatch, "sobjects/Case/"+created.ID, map[string]any{"Subject": "again"})
	var sfErr simpleforce.SalesforceError
	if !errors.As(err, &sfErr) || sfErr.ErrorCode != "ENTITY_IS_DELETED" {
		t.Errorf("update of deleted record: %v", err)
	}
	for op, want := range map[string]int{sfsim.OpCreate: 1, sfsim.OpUpdate: 2, sfsim.OpGet: 1, sfsim.OpUpsert: 5, sfsim.OpDelete: 1} {
		if got := e.srv.Calls(op); got != want {
			t.Errorf("Calls(%s) = %d, want %d", op, got, want)
		}
	}
	for _, h := range e.srv.AutoAssignHeaders() {
		if h != "FALSE" {
			t.Errorf("Sforce-Auto-Assign recorded as %q", h)
		}
	}
}

func TestSchemaEnforcement(t *testing.T) {
	e := newEnv(t, sfsim.Options{})
	caseID := mustInsert(t, e.srv, "Case", map[string]any{"Subject": "parent", "Care_Case_Id__c": "dup-1"}) // Alice's
	alice := e.as("alice@carebridge.example")                                                               // agents create actions
	tests := []struct {
		name      string
		object    string
		body      map[string]any
		status    int
		code      string
		wantField string
	}{
		{"unknown field", "Case", map[string]any{"Subject": "x", "Bogus__c": 1}, 400, "INVALID_FIELD", "Bogus__c"},
		{"unknown object", "Bogus__c", map[string]any{"Name": "x"}, 404, "NOT_FOUND", ""},
		{"duplicate external id", "Case", map[string]any{"Care_Case_Id__c": "dup-1"}, 400, "DUPLICATE_VALUE", "Care_Case_Id__c"},
		{"restricted picklist", "Case", map[string]any{"Care_Sentiment__c": "ecstatic"}, 400, "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", "Care_Sentiment__c"},
		{"bad status", "Case", map[string]any{"Status": "Pending"}, 400, "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", "Status"},
		{"string too long", "Case", map[string]any{"Subject": strings.Repeat("x", 256)}, 400, "STRING_TOO_LONG", "Subject"},
		{"external id too long", "Case", map[string]any{"Care_Case_Id__c": strings.Repeat("x", 65)}, 400, "STRING_TOO_LONG", "Care_Case_Id__c"},
		{"comment body 4000", "CaseComment", map[string]any{"ParentId": caseID, "CommentBody": strings.Repeat("é", 4001)}, 400, "STRING_TOO_LONG", "CommentBody"},
		{"read-only field", "Case", map[string]any{"IsClosed": true}, 400, "INVALID_FIELD_FOR_INSERT_UPDATE", "IsClosed"},
		{"required fields", "Care_Action__c", map[string]any{"Body__c": "hi"}, 400, "REQUIRED_FIELD_MISSING", "Case__c"},
		{"required type", "Care_Action__c", map[string]any{"Case__c": caseID}, 400, "REQUIRED_FIELD_MISSING", "Type__c"},
		{"comment without parent", "CaseComment", map[string]any{"CommentBody": "x"}, 400, "REQUIRED_FIELD_MISSING", "ParentId"},
		{"reference to nothing", "Care_Message__c", map[string]any{"Case__c": "500000000000ABC", "Care_Message_Id__c": "m"}, 400, "INVALID_CROSS_REFERENCE_KEY", "Case__c"},
		{"reference to wrong object", "CaseComment", map[string]any{"ParentId": e.srv.IntegrationUserID()}, 400, "INVALID_CROSS_REFERENCE_KEY", "ParentId"},
		{"malformed reference", "CaseComment", map[string]any{"ParentId": "nope"}, 400, "MALFORMED_ID", "ParentId"},
		{"bad datetime", "Case", map[string]any{"Care_DM_Deadline__c": "tomorrow"}, 400, "JSON_PARSER_ERROR", "Care_DM_Deadline__c"},
		{"bool as string", "Care_Message__c", map[string]any{"Case__c": caseID, "Liked__c": "yes"}, 400, "JSON_PARSER_ERROR", "Liked__c"},
		{"owner is a queue", "Case", map[string]any{"OwnerId": e.srv.QueueID()}, 201, "", ""},
		{"owner is a contact", "Case", map[string]any{"OwnerId": "003000000000ABC"}, 400, "INVALID_CROSS_REFERENCE_KEY", "OwnerId"},
		{"valid action", "Care_Action__c", map[string]any{"Case__c": caseID, "Type__c": "reply", "Reply_Mode__c": "public_reply", "Body__c": "hi"}, 201, "", ""},
		{"valid message", "Care_Message__c", map[string]any{"Case__c": caseID[:15], "Care_Message_Id__c": "m-1", "Thread_Depth__c": 2, "Posted_At__c": "2026-11-25T03:55:12.000+0000", "Liked__c": true}, 201, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			caller := e
			if tt.object == "Care_Action__c" {
				caller = alice
			}
			resp, body := caller.do(http.MethodPost, "sobjects/"+tt.object, tt.body)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d (%s), want %d", resp.StatusCode, body, tt.status)
			}
			if !strings.HasPrefix(resp.Header.Get("Sforce-Limit-Info"), "api-usage=") {
				t.Errorf("Sforce-Limit-Info = %q", resp.Header.Get("Sforce-Limit-Info"))
			}
			if tt.code == "" {
				return
			}
			got := errorBody(t, body)
			if got.ErrorCode != tt.code {
				t.Errorf("errorCode %s (%s), want %s", got.ErrorCode, got.Message, tt.code)
			}
			if tt.wantField != "" && !contains(got.Fields, tt.wantField) {
				t.Errorf("fields %v, want %s", got.Fields, tt.wantField)
			}
		})
	}
	actions := e.srv.Records("Care_Action__c")
	if len(actions) != 1 || actions[0]["Status__c"] != "Queued" || actions[0]["Mark_Pending__c"] != false || actions[0]["Name"] != "CA-0000001" {
		t.Errorf("action defaults: %v", actions)
	}
	msgs := e.srv.Records("Care_Message__c")
	if len(msgs) != 1 || msgs[0]["Case__c"] != caseID || msgs[0]["Posted_At__c"] != "2026-11-25T03:55:12.000+0000" {
		t.Errorf("message stored as %v", msgs)
	}
	// update rules: required field cannot be cleared, read-only refused
	msgID, _ := msgs[0]["Id"].(string)
	if resp, body := e.do(http.MethodPatch, "sobjects/Care_Message__c/"+msgID, map[string]any{"Case__c": caseID}); resp.StatusCode != 400 || errorBody(t, body).ErrorCode != "INVALID_FIELD_FOR_INSERT_UPDATE" {
		t.Errorf("reparenting a master-detail child: %d %s", resp.StatusCode, body)
	}
	if resp, body := e.do(http.MethodPatch, "sobjects/Case/"+caseID, map[string]any{"Subject": nil, "CaseNumber": "1"}); resp.StatusCode != 400 || errorBody(t, body).ErrorCode != "INVALID_FIELD_FOR_INSERT_UPDATE" {
		t.Errorf("updating CaseNumber: %d %s", resp.StatusCode, body)
	}
	if err := e.srv.Update("Case", caseID, map[string]any{"Care_Case_Id__c": "dup-2"}); err != nil {
		t.Errorf("Update: %v", err)
	}
	var sfErr *sfsim.Error
	if err := e.srv.Update("Case", caseID, map[string]any{"Nope__c": 1}); !errors.As(err, &sfErr) || sfErr.Code != "INVALID_FIELD" {
		t.Errorf("Update with unknown field: %v", err)
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func TestCaseStatusAndSystemFields(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2026, 11, 25, 3, 55, 12, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now } // frozen: every write in "one millisecond"
	e := newEnv(t, sfsim.Options{Clock: clock})

	resp, body := e.do(http.MethodPost, "sobjects/Case", map[string]any{"Subject": "s"})
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("create: %d %s", resp.StatusCode, body)
	}
	var created struct{ ID string }
	_ = json.Unmarshal(body, &created)
	rec, _ := e.srv.Record("Case", created.ID)
	if rec["Status"] != "New" || rec["IsClosed"] != false || rec["Priority"] != "Medium" || rec["CaseNumber"] == nil {
		t.Errorf("defaults: %v", rec)
	}
	if created, _ := rec["CreatedDate"].(string); rec["CreatedById"] != e.srv.IntegrationUserID() ||
		!strings.HasPrefix(created, "2026-11-25T03:55:12.") || !strings.HasSuffix(created, "+0000") {
		t.Errorf("audit fields: %v", rec)
	}
	stamps := []string{rec["SystemModstamp"].(string)}
	for _, status := range []string{"Closed", "On Hold", "Working"} {
		if resp, body := e.do(http.MethodPatch, "sobjects/Case/"+created.ID, map[string]any{"Status": status}); resp.StatusCode != http.StatusNoContent {
			t.Fatalf("update to %s: %d %s", status, resp.StatusCode, body)
		}
		rec, _ = e.srv.Record("Case", created.ID)
		if closed := status == "Closed"; rec["IsClosed"] != closed || (rec["ClosedDate"] != nil) != closed {
			t.Errorf("status %s: IsClosed=%v ClosedDate=%v", status, rec["IsClosed"], rec["ClosedDate"])
		}
		stamps = append(stamps, rec["SystemModstamp"].(string))
	}
	// A real org stamps whole seconds: writes within one second share a
	// stamp, so a stamp is a time and never a version.
	for _, s := range stamps {
		if s != "2026-11-25T03:55:12.000+0000" {
			t.Errorf("SystemModstamp %s, want the write's second with .000: %v", s, stamps)
		}
	}
	if rec["LastModifiedDate"] != rec["SystemModstamp"] {
		t.Errorf("LastModifiedDate %v != SystemModstamp %v", rec["LastModifiedDate"], rec["SystemModstamp"])
	}
	// SystemModstamp > the second of the writes finds none of them; >= finds
	// the record once.
	at := now
	if got := e.queryRecords("SELECT Id FROM Case WHERE SystemModstamp > " + at.Format(time.RFC3339)); len(got) != 0 {
		t.Errorf("poll after %s: %v", at.Format(time.RFC3339), got)
	}
	if got := e.queryRecords("SELECT Id FROM Case WHERE SystemModstamp >= " + at.Format(time.RFC3339)); len(got) != 1 {
		t.Errorf("poll at or after %s: %v", at.Format(time.RFC3339), got)
	}
	mu.Lock()
	now = now.Add(1500 * time.Millisecond)
	mu.Unlock()
	if resp, body := e.do(http.MethodPatch, "sobjects/Case/"+created.ID, map[string]any{"Status": "New"}); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("update: %d %s", resp.StatusCode, body)
	}
	rec, _ = e.srv.Record("Case", created.ID)
	if rec["SystemModstamp"] != "2026-11-25T03:55:13.000+0000" {
		t.Errorf("SystemModstamp 1.5 s later = %v, want 03:55:13.000 (cut, not rounded)", rec["SystemModstamp"])
	}
	if err := e.srv.Update("Case", created.ID, map[string]any{"Subject": "by a user"}); err != nil {
		t.Fatal(err)
	}
	rec, _ = e.srv.Record("Case", created.ID)
	if rec["LastModifiedById"] == e.srv.IntegrationUserID() {
		t.Error("Update should look like a Salesforce user's edit, not the integration user's")
	}
}

func TestDeletedRecords(t *testing.T) {
	e := newEnv(t, sfsim.Options{})
	e.allowDeletes()
	caseID := mustInsert(t, e.srv, "Case", map[string]any{"Subject": "gone", "Care_Case_Id__c": "del-1"})
	msgID := mustInsert(t, e.srv, "Care_Message__c", map[string]any{"Case__c": caseID, "Care_Message_Id__c": "dm-1"})
	if resp, body := e.do(http.MethodDelete, "sobjects/Case/"+caseID, nil); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("delete: %d %s", resp.StatusCode, body)
	}
	if got := e.queryRecords("SELECT Id FROM Case"); len(got) != 0 {
		t.Errorf("query sees deleted: %v", got)
	}
	resp, body := e.do(http.MethodGet, "queryAll?q="+url.QueryEscape("SELECT Id, IsDeleted FROM Case"), nil)
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"IsDeleted":true`) {
		t.Errorf("queryAll: %d %s", resp.StatusCode, body)
	}
	if rec, _ := e.srv.Record("Care_Message__c", msgID); rec["IsDeleted"] != true {
		t.Errorf("master-detail child not deleted with its Case: %v", rec)
	}
	for _, tt := range []struct {
		method string
		status int
	}{{http.MethodGet, 404}, {http.MethodPatch, 400}, {http.MethodDelete, 404}} {
		resp, body := e.do(tt.method, "sobjects/Case/"+caseID, map[string]any{"Subject": "x"})
		if resp.StatusCode != tt.status || errorBody(t, body).ErrorCode != "ENTITY_IS_DELETED" {
			t.Errorf("%s deleted record: %d %s", tt.method, resp.StatusCode, body)
		}
	}
	// the external id is free again
	if resp, body := e.do(http.MethodPatch, "sobjects/Case/Care_Case_Id__c/del-1", map[string]any{"Subject": "again"}); resp.StatusCode != http.StatusCreated {
		t.Errorf("upsert after delete: %d %s", resp.StatusCode, body)
	}
}

type collResult struct {
	ID      string   `json:"id"`
	Success bool     `json:"success"`
	Created *bool    `json:"created"`
	Errors  []apiErr `json:"errors"`
}

func (e *env) results(resp *http.Response, body []byte) []collResult {
	t := e.t
	t.Helper()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("collections: %d %s", resp.StatusCode, body)
	}
	var out []collResult
	if err := json.Unmarshal(body, &out); err != nil {
		t.Fatalf("collections body: %s", body)
	}
	return out
}

func TestCollections(t *testing.T) {
	e := newEnv(t, sfsim.Options{})
	e.allowDeletes()
	rec := func(fields ...any) map[string]any {
		m := map[string]any{"attributes": map[string]any{"type": "Case"}}
		for i := 0; i+1 < len(fields); i += 2 {
			m[fields[i].(string)] = fields[i+1]
		}
		return m
	}
	// create, partial failure, results in request order
	res := e.results(e.do(http.MethodPost, "composite/sobjects", map[string]any{"allOrNone": false, "records": []any{
		rec("Subject", "a", "Care_Case_Id__c", "c-1"),
		rec("Subject", "b", "Care_Sentiment__c", "ecstatic"),
		rec("Subject", "c", "Care_Case_Id__c", "c-1"),
		rec("Subject", "d"),
	}}))
	if len(res) != 4 || !res[0].Success || res[1].Success || res[2].Success || !res[3].Success {
		t.Fatalf("partial create: %+v", res)
	}
	if res[1].Errors[0].ErrorCode != "" || res[1].ID != "" {
		t.Errorf("collection errors use statusCode, failed creates carry no id: %+v", res[1])
	}
	var raw []map[string]any
	_, body := e.do(http.MethodPost, "composite/sobjects", map[string]any{"records": []any{rec("Care_Sentiment__c", "ecstatic")}})
	_ = json.Unmarshal(body, &raw)
	if errs, _ := raw[0]["errors"].([]any); len(errs) != 1 || errs[0].(map[string]any)["statusCode"] != "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST" {
		t.Errorf("collection error shape: %s", body)
	}
	if n := len(e.srv.Records("Case")); n != 2 {
		t.Errorf("cases after partial create = %d, want 2", n)
	}

	// allOrNone rolls everything back
	res = e.results(e.do(http.MethodPost, "composite/sobjects", map[string]any{"allOrNone": true, "records": []any{
		rec("Subject", "ok"), rec("Subject", strings.Repeat("x", 300)),
	}}))
	if res[0].Success || res[1].Success || len(res[0].Errors) == 0 {
		t.Fatalf("allOrNone: %+v", res)
	}
	if n := len(e.srv.Records("Case")); n != 2 {
		t.Errorf("allOrNone left %d cases, want 2", n)
	}

	// upsert: created flags per record, duplicates in one request refused
	res = e.results(e.do(http.MethodPatch, "composite/sobjects/Case/Care_Case_Id__c", map[string]any{"allOrNone": false, "records": []any{
		rec("Care_Case_Id__c", "c-1", "Subject", "updated"),
		rec("Care_Case_Id__c", "c-2", "Subject", "new"),
		rec("Care_Case_Id__c", "c-3", "Status", "Nope"),
		rec("Care_Case_Id__c", "c-4"), rec("Care_Case_Id__c", "c-4"),
	}}))
	if !res[0].Success || *res[0].Created || !res[1].Success || !*res[1].Created || res[2].Success || res[3].Success || res[4].Success {
		t.Fatalf("upsert collection: %+v", res)
	}
	if got := e.queryRecords("SELECT Subject FROM Case WHERE Care_Case_Id__c = 'c-1'"); len(got) != 1 || got[0]["Subject"] != "updated" {
		t.Errorf("upserted c-1: %v", got)
	}

	// update by Id; unknown id fails alone
	ids := []string{res[0].ID, res[1].ID}
	res = e.results(e.do(http.MethodPatch, "composite/sobjects", map[string]any{"records": []any{
		rec("Id", ids[0], "Status", "Closed"), rec("Id", "500000000000ABC", "Status", "Closed"), rec("Id", ids[1][:15], "Status", "On Hold"),
	}}))
	if !res[0].Success || res[1].Success || !res[2].Success || res[2].ID != ids[1] {
		t.Fatalf("update collection: %+v", res)
	}
	if got := e.queryRecords("SELECT Id FROM Case WHERE IsClosed = true"); len(got) != 1 {
		t.Errorf("closed after update: %v", got)
	}

	// delete with ?ids=
	res = e.results(e.do(http.MethodDelete, "composite/sobjects?ids="+ids[0]+",500000000000ABC", nil))
	if !res[0].Success || res[1].Success {
		t.Fatalf("delete collection: %+v", res)
	}

	// more than 200 records is refused as a whole
	var many []any
	for i := 0; i < 201; i++ {
		many = append(many, rec("Subject", "x"))
	}
	resp, body := e.do(http.MethodPost, "composite/sobjects", map[string]any{"records": many})
	if resp.StatusCode != http.StatusBadRequest || errorBody(t, body).ErrorCode != "EXCEEDED_ID_LIMIT" {
		t.Errorf("201 records: %d %s", resp.StatusCode, body)
	}
	for op, want := range map[string]int{sfsim.OpCollectionsCreate: 4, sfsim.OpCollectionsUpsert: 1, sfsim.OpCollectionsUpdate: 1, sfsim.OpCollectionsDelete: 1} {
		if got := e.srv.Calls(op); got != want {
			t.Errorf("Calls(%s) = %d, want %d", op, got, want)
		}
	}
}

func TestCollectionsUpsertTenThousandCases(t *testing.T) {
	e := newEnv(t, sfsim.Options{})
	e.srv.ResetCalls()
	start := time.Now()
	for batch := 0; batch < 50; batch++ {
		records := make([]any, 200)
		for i := range records {
			records[i] = map[string]any{"attributes": map[string]any{"type": "Case"},
				"Care_Case_Id__c": fmt.Sprintf("bulk-%05d", batch*200+i), "Subject": "bulk", "Care_Platform__c": "twitter"}
		}
		res := e.results(e.do(http.MethodPatch, "composite/sobjects/Case/Care_Case_Id__c", map[string]any{"records": records}))
		for _, r := range res {
			if !r.Success {
				t.Fatalf("batch %d: %+v", batch, r)
			}
		}
	}
	if got := e.srv.Calls(sfsim.OpCollectionsUpsert); got != 50 {
		t.Errorf("write calls = %d, want 50", got)
	}
	if got := len(e.srv.Records("Case")); got != 10000 {
		t.Errorf("cases = %d", got)
	}
	t.Logf("10000 upserts in 50 calls: %.0f records/s", 10000/time.Since(start).Seconds())
	resp, body := e.query("SELECT COUNT() FROM Case WHERE Care_Platform__c = 'twitter'")
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"totalSize":10000`) {
		t.Errorf("count: %s", body)
	}
}

func TestQuerySemantics(t *testing.T) {
	e := newEnv(t, sfsim.Options{})
	users := e.srv.Users()
	alice, bob := "", ""
	for _, u := range users {
		switch u["Email"] {
		case "alice@carebridge.example":
			alice = u["Id"].(string)
		case "bob@carebridge.example":
			bob = u["Id"].(string)
		}
	}
	c1 := mustInsert(t, e.srv, "Case", map[string]any{"Subject": "Refund please", "Care_Case_Id__c": "q-1", "OwnerId": alice, "Priority": "High"})
	c2 := mustInsert(t, e.srv, "Case", map[string]any{"Subject": "refund NOW", "Care_Case_Id__c": "q-2", "OwnerId": e.srv.QueueID(), "Status": "On Hold"})
	c3 := mustInsert(t, e.srv, "Case", map[string]any{"Subject": "It's 50% off?", "Care_Case_Id__c": `q-3\'`, "Status": "Closed", "OwnerId": bob})
	c4 := mustInsert(t, e.srv, "Case", map[string]any{"Care_Case_Id__c": "q-4", "Priority": "Low", "OwnerId": e.srv.IntegrationUserID()})
	mustInsert(t, e.srv, "Care_Message__c", map[string]any{"Case__c": c1, "Care_Message_Id__c": "m-1", "Thread_Depth__c": 1.0, "Posted_At__c": "2026-11-25T03:55:12Z"})
	mustInsert(t, e.srv, "Care_Message__c", map[string]any{"Case__c": c2, "Care_Message_Id__c": "m-2", "Thread_Depth__c": 2.0, "Posted_At__c": "2026-11-25T05:00:00Z"})

	ids := func(recs []map[string]any) string {
		var out []string
		for _, r := range recs {
			out = append(out, r["Id"].(string))
		}
		return strings.Join(out, ",")
	}
	join := func(s ...string) string { return strings.Join(s, ",") }
	tests := []struct {
		soql string
		want string
	}{
		{"SELECT Id FROM Case WHERE Subject = 'REFUND PLEASE'", c1}, // text compares ignore case
		{"SELECT Id FROM Case WHERE Subject LIKE 'refund%' ORDER BY Care_Case_Id__c", join(c1, c2)},
		{`SELECT Id FROM Case WHERE Subject LIKE '%50\% off%'`, c3},
		{"SELECT Id FROM Case WHERE Subject = null", c4},
		{"SELECT Id FROM Case WHERE Subject != null AND IsClosed = false ORDER BY Care_Case_Id__c DESC", join(c2, c1)},
		{"SELECT Id FROM Case WHERE Status IN ('On Hold', 'Closed') ORDER BY Care_Case_Id__c", join(c2, c3)},
		{"SELECT Id FROM Case WHERE Status NOT IN ('On Hold', 'Closed') ORDER BY Care_Case_Id__c", join(c1, c4)},
		{"SELECT Id FROM Case WHERE NOT (Priority = 'Medium' OR Priority = 'Low')", c1},
		{"SELECT Id FROM Case WHERE Id = '" + c2[:15] + "'", c2},
		{"SELECT Id FROM Case WHERE Id IN ('" + c1 + "', '" + c3[:15] + "') ORDER BY Id", join(c1, c3)},
		{"SELECT Id FROM Case WHERE Owner.Email = 'alice@carebridge.example'", c1},
		{"SELECT Id FROM Case ORDER BY Subject NULLS LAST, Care_Case_Id__c", join(c3, c2, c1, c4)}, // ignoring case
		{"SELECT Id FROM Case ORDER BY Subject", join(c4, c3, c2, c1)},
		{"SELECT Id FROM Case ORDER BY Subject DESC NULLS FIRST", join(c4, c1, c2, c3)},
		{"SELECT Id FROM Case ORDER BY Subject DESC", join(c1, c2, c3, c4)},
		{"SELECT Id FROM Case ORDER BY Care_Case_Id__c LIMIT 2 OFFSET 1", join(c2, c3)},
		{"SELECT Id FROM Case WHERE CreatedDate > 2000-01-01T00:00:00Z AND CreatedDate < 2999-01-01T00:00:00.000+02:00 LIMIT 1", c1},
		{"SELECT Id FROM Care_Message__c WHERE Thread_Depth__c >= 2", ""},
		// SOQL injection through a value: the literal matches only itself
		{`SELECT Id FROM Case WHERE Care_Case_Id__c = 'q-1\' OR Care_Case_Id__c != \'x'`, ""},
		{`SELECT Id FROM Case WHERE Care_Case_Id__c = 'q-3\\\''`, c3},
	}
	for _, tt := range tests {
		if tt.soql == "SELECT Id FROM Care_Message__c WHERE Thread_Depth__c >= 2" {
			got := e.queryRecords(tt.soql)
			if len(got) != 1 {
				t.Errorf("%s: %v", tt.soql, got)
			}
			continue
		}
		if got := ids(e.queryRecords(tt.soql)); got != tt.want {
			t.Errorf("%s\n got %s\nwant %s", tt.soql, got, tt.want)
		}
	}

	// relationship fields come back nested; a queue owner has no IsActive
	recs := e.queryRecords("SELECT Id, Owner.Email, Owner.Name, Owner.IsActive, Owner.Type FROM Case ORDER BY Care_Case_Id__c LIMIT 2")
	owner, _ := recs[0]["Owner"].(map[string]any)
	if owner["Email"] != "alice@carebridge.example" || owner["Name"] != "Alice Archer" || owner["IsActive"] != true || owner["Type"] != "User" {
		t.Errorf("Owner of q-1: %v", recs[0])
	}
	if owner, _ := recs[1]["Owner"].(map[string]any); owner["Name"] != "Social Care" || owner["IsActive"] != nil || owner["Type"] != "Queue" {
		t.Errorf("queue owner of q-2: %v", recs[1])
	}
	if got := ids(e.queryRecords("SELECT Id FROM Case WHERE Owner.Type = 'Queue'")); got != c2 {
		t.Errorf("Owner.Type = 'Queue': %s, want %s", got, c2)
	}
	msgs := e.queryRecords("SELECT Care_Message_Id__c, Case__r.Care_Case_Id__c, Posted_At__c FROM Care_Message__c WHERE Case__r.Status = 'On Hold'")
	if len(msgs) != 1 || msgs[0]["Case__r"].(map[string]any)["Care_Case_Id__c"] != "q-2" || msgs[0]["Posted_At__c"] != "2026-11-25T05:00:00.000+0000" {
		t.Errorf("child to parent: %v", msgs)
	}
	if resp, body := e.query("SELECT COUNT() FROM Case WHERE IsClosed = false"); !strings.Contains(string(body), `"totalSize":3`) {
		t.Errorf("COUNT(): %d %s", resp.StatusCode, body)
	}

	errTests := []struct{ soql, code string }{
		{"SELECT Id FROM", "MALFORMED_QUERY"},
		{"SELECT Id FROM Case WHERE Subject = 'unterminated", "MALFORMED_QUERY"},
		{"SELECT Id FROM Case WHERE", "MALFORMED_QUERY"},
		{"SELECT Id, Id FROM Case", "MALFORMED_QUERY"},
		{"SELECT Nope__c FROM Case", "INVALID_FIELD"},
		{"SELECT Id FROM Case WHERE Nope__c = 1", "INVALID_FIELD"},
		{"SELECT Id FROM Case ORDER BY Nope__c", "INVALID_FIELD"},
		{"SELECT Owner.Nope FROM Case", "INVALID_FIELD"},
		{"SELECT Nope.Name FROM Case", "INVALID_FIELD"},
		{"SELECT Id FROM Case WHERE SystemModstamp > '2026-11-25T03:55:12Z'", "INVALID_FIELD"},
		{"SELECT Id FROM Case WHERE Subject = 5", "INVALID_FIELD"},
		{"SELECT Id FROM Case WHERE Description = 'x'", "INVALID_FIELD"},
		{"SELECT Id FROM Case WHERE Care_Sync_Error__c != null", "INVALID_FIELD"},
		{"SELECT Id FROM Case ORDER BY Description", "INVALID_FIELD"},
		{"SELECT Id FROM Case WHERE Id = 'short'", "INVALID_QUERY_FILTER_OPERATOR"},
		{"SELECT Id FROM Nope__c", "INVALID_TYPE"},
	}
	for _, tt := range errTests {
		resp, body := e.query(tt.soql)
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: status %d", tt.soql, resp.StatusCode)
			continue
		}
		if got := errorBody(t, body); got.ErrorCode != tt.code {
			t.Errorf("%s: %s %s, want %s", tt.soql, got.ErrorCode, got.Message, tt.code)
		}
	}
}

func TestDailyLimit(t *testing.T) {
	e := newEnv(t, sfsim.Options{DailyLimit: 3})
	e.grant(metadata.Permission{User: metadata.PermViewSetup}) // /limits needs it
	for i := 1; i <= 3; i++ {
		resp, body := e.do(http.MethodGet, "limits", nil)
		if resp.StatusCode != 200 {
			t.Fatalf("call %d: %d", i, resp.StatusCode)
		}
		if got, want := resp.Header.Get("Sforce-Limit-Info"), fmt.Sprintf("api-usage=%d/3", i); got != want {
			t.Errorf("Sforce-Limit-Info = %q, want %q", got, want)
		}
		var lim struct{ DailyApiRequests struct{ Max, Remaining int } }
		_ = json.Unmarshal(body, &lim)
		if lim.DailyApiRequests.Max != 3 || lim.DailyApiRequests.Remaining != 3-i {
			t.Errorf("limits: %s", body)
		}
	}
	resp, body := e.query("SELECT Id FROM Case")
	got := errorBody(t, body)
	if resp.StatusCode != http.StatusForbidden || got.ErrorCode != "REQUEST_LIMIT_EXCEEDED" || got.Message != "TotalRequests Limit exceeded." {
		t.Errorf("over quota: %d %s", resp.StatusCode, body)
	}
	if used, max := e.srv.Usage(); used != 3 || max != 3 {
		t.Errorf("Usage = %d/%d", used, max)
	}
	e.srv.SetDailyLimit(10)
	if resp, _ := e.query("SELECT Id FROM Case"); resp.StatusCode != 200 || resp.Header.Get("Sforce-Limit-Info") != "api-usage=4/10" {
		t.Errorf("after raising the limit: %d %s", resp.StatusCode, resp.Header.Get("Sforce-Limit-Info"))
	}
}

func TestFaults(t *testing.T) {
	e := newEnv(t, sfsim.Options{})
	e.srv.InjectFault(sfsim.Fault{Op: sfsim.OpQuery, Status: 503, Times: 2})
	e.srv.InjectFault(sfsim.Fault{Op: sfsim.OpCreate, ErrorCode: "UNABLE_TO_LOCK_ROW", Times: 1})
	for i := 0; i < 2; i++ {
		resp, body := e.query("SELECT Id FROM Case")
		if resp.StatusCode != 503 || errorBody(t, body).ErrorCode != "SERVER_UNAVAILABLE" {
			t.Errorf("scripted failure %d: %d %s", i, resp.StatusCode, body)
		}
	}
	if resp, _ := e.query("SELECT Id FROM Case"); resp.StatusCode != 200 {
		t.Errorf("third query: %d", resp.StatusCode)
	}
	resp, body := e.do(http.MethodPost, "sobjects/Case", map[string]any{"Subject": "x"})
	if resp.StatusCode != 400 || errorBody(t, body).ErrorCode != "UNABLE_TO_LOCK_ROW" {
		t.Errorf("lock fault: %d %s", resp.StatusCode, body)
	}
	if len(e.srv.Records("Case")) != 0 {
		t.Error("a failed call must not write")
	}
	if got := e.srv.Calls(sfsim.OpQuery); got != 3 {
		t.Errorf("query calls = %d, want 3 (failed calls count)", got)
	}

	e.srv.InjectFault(sfsim.Fault{ErrorCode: "REQUEST_LIMIT_EXCEEDED", Rate: 1})
	if resp, body := e.do(http.MethodGet, "limits", nil); resp.StatusCode != 403 || errorBody(t, body).ErrorCode != "REQUEST_LIMIT_EXCEEDED" {
		t.Errorf("rate 1 fault: %d %s", resp.StatusCode, body)
	}
	e.srv.ClearFaults()

	e.srv.InjectFault(sfsim.Fault{Op: sfsim.OpDescribe, Latency: 150 * time.Millisecond, Times: 1})
	start := time.Now()
	if resp, _ := e.do(http.MethodGet, "sobjects/Case/describe", nil); resp.StatusCode != 200 || time.Since(start) < 150*time.Millisecond {
		t.Errorf("latency fault: %d after %v", resp.StatusCode, time.Since(start))
	}

	e.srv.InjectFault(sfsim.Fault{Op: sfsim.OpQuery, Hang: true, Times: 1})
	client := &http.Client{Timeout: 200 * time.Millisecond}
	req, _ := http.NewRequest(http.MethodGet, e.ts.URL+apiPrefix+"query?q=SELECT+Id+FROM+Case", nil)
	req.Header.Set("Authorization", "Bearer "+e.token)
	start = time.Now()
	_, err := client.Do(req)
	var netErr interface{ Timeout() bool }
	if !errors.As(err, &netErr) || !netErr.Timeout() {
		t.Errorf("hang: want a client timeout, got %v", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Errorf("hang outlived the client timeout: %v", time.Since(start))
	}
	if resp, _ := e.query("SELECT Id FROM Case"); resp.StatusCode != 200 {
		t.Errorf("after hang: %d", resp.StatusCode)
	}

	e.srv.InjectFault(sfsim.Fault{Op: sfsim.OpToken, Status: 503, Times: 1})
	if status, _ := e.tokenRequest(url.Values{"grant_type": {"client_credentials"}, "client_id": {testClientID}, "client_secret": {testClientSecret}}); status != 503 {
		t.Errorf("token fault: %d", status)
	}
	if e.srv.Calls(sfsim.OpToken) != 2 {
		t.Errorf("token calls = %d", e.srv.Calls(sfsim.OpToken))
	}
}

// TestLostResponse: a LoseResponse fault carries the call out and answers
// with the error, as a connection dropped after the commit would.
func TestLostResponse(t *testing.T) {
	e := newEnv(t, sfsim.Options{})
	e.srv.InjectFault(sfsim.Fault{Op: sfsim.OpCreate, Status: 503, Times: 1, LoseResponse: true})
	resp, body := e.do(http.MethodPost, "sobjects/Case", map[string]any{"Subject": "landed"})
	if resp.StatusCode != 503 || errorBody(t, body).ErrorCode != "SERVER_UNAVAILABLE" {
		t.Errorf("lost answer: %d %s, want 503 SERVER_UNAVAILABLE", resp.StatusCode, body)
	}
	recs := e.srv.Records("Case")
	if len(recs) != 1 || recs[0]["Subject"] != "landed" {
		t.Errorf("records after a lost answer: %v, want the created Case", recs)
	}
	if resp, _ := e.do(http.MethodPost, "sobjects/Case", map[string]any{"Subject": "second"}); resp.StatusCode != 201 {
		t.Errorf("after the fault is used up: %d, want 201", resp.StatusCode)
	}
}

func TestFaultsOverHTTP(t *testing.T) {
	e := newEnv(t, sfsim.Options{})
	post := func(body string) int {
		resp, err := http.Post(e.ts.URL+"/sandbox/faults", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := post(`{"op":"get","errorCode":"UNABLE_TO_LOCK_ROW","times":1,"latency":"10ms"}`); got != http.StatusNoContent {
		t.Fatalf("inject: %d", got)
	}
	for _, bad := range []string{`{"latency":"soon"}`, `{"rate":2}`, `not json`, `{"op":"querry","status":503}`} {
		if got := post(bad); got != http.StatusBadRequest {
			t.Errorf("inject %s: %d, want 400", bad, got)
		}
	}
	id := mustInsert(t, e.srv, "Case", map[string]any{"Subject": "x"})
	if resp, body := e.do(http.MethodGet, "sobjects/Case/"+id, nil); resp.StatusCode != 400 || errorBody(t, body).ErrorCode != "UNABLE_TO_LOCK_ROW" {
		t.Errorf("faulted get: %d %s", resp.StatusCode, body)
	}
	resp, err := http.Get(e.ts.URL + "/sandbox/calls")
	if err != nil {
		t.Fatal(err)
	}
	var calls struct {
		Total int            `json:"total"`
		Calls map[string]int `json:"calls"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&calls)
	resp.Body.Close()
	if calls.Calls["get"] != 1 || calls.Calls["token"] != 1 || calls.Total != 2 {
		t.Errorf("calls: %+v", calls)
	}
	req, _ := http.NewRequest(http.MethodDelete, e.ts.URL+"/sandbox/calls", nil)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusNoContent {
		t.Fatalf("reset calls: %v", err)
	}
	if e.srv.TotalCalls() != 0 {
		t.Errorf("TotalCalls after reset = %d", e.srv.TotalCalls())
	}
}

func TestAutoAssign(t *testing.T) {
	e := newEnv(t, sfsim.Options{})
	e.srv.SetAssignmentRule(e.srv.QueueID())
	owner := func(header ...string) any {
		resp, body := e.do(http.MethodPost, "sobjects/Case", map[string]any{"Subject": "x"}, header...)
		var created struct{ ID string }
		if err := json.Unmarshal(body, &created); err != nil || resp.StatusCode != 201 {
			t.Fatalf("create: %d %s", resp.StatusCode, body)
		}
		rec, _ := e.srv.Record("Case", created.ID)
		return rec["OwnerId"]
	}
	if got := owner(); got != e.srv.QueueID() {
		t.Errorf("no header: owner %v, want the queue", got)
	}
	if got := owner("Sforce-Auto-Assign", "TRUE"); got != e.srv.QueueID() {
		t.Errorf("TRUE: owner %v, want the queue", got)
	}
	if got := owner("Sforce-Auto-Assign", "FALSE"); got != e.srv.IntegrationUserID() {
		t.Errorf("FALSE: owner %v, want the integration user", got)
	}
	if got := e.srv.AutoAssignHeaders(); strings.Join(got, ",") != ",TRUE,FALSE" {
		t.Errorf("AutoAssignHeaders = %q", got)
	}
	e.srv.SetAssignmentRule("")
	if got := owner(); got != e.srv.IntegrationUserID() {
		t.Errorf("rule off: owner %v", got)
	}
}

func TestDescribeAndSeedData(t *testing.T) {
	e := newEnv(t, sfsim.Options{})
	resp, body := e.do(http.MethodGet, "sobjects/Case/describe", nil)
	if resp.StatusCode != 200 {
		t.Fatalf("describe: %d %s", resp.StatusCode, body)
	}
	var d struct {
		Name   string
		Fields []struct {
			Name, Type     string
			ExternalID     bool `json:"externalId"`
			Updateable     bool
			Length         int
			PicklistValues []struct{ Value string } `json:"picklistValues"`
		}
	}
	if err := json.Unmarshal(body, &d); err != nil {
		t.Fatal(err)
	}
	found := map[string]bool{}
	for _, f := range d.Fields {
		found[f.Name] = true
		switch f.Name {
		case "Care_Case_Id__c":
			if !f.ExternalID || f.Length != 64 || f.Type != "string" {
				t.Errorf("describe Care_Case_Id__c: %+v", f)
			}
		case "Status":
			var values []string
			for _, v := range f.PicklistValues {
				values = append(values, v.Value)
			}
			if strings.Join(values, ",") != "New,Working,Escalated,On Hold,Closed" {
				t.Errorf("Status values %v", values)
			}
		case "IsClosed":
			if f.Updateable {
				t.Error("IsClosed updateable")
			}
		}
	}
	if !found["Care_Sync_Error__c"] || !found["SystemModstamp"] {
		t.Errorf("describe lacks fields: %v", found)
	}
	if resp, _ := e.do(http.MethodGet, "sobjects/Nope__c/describe", nil); resp.StatusCode != 404 {
		t.Errorf("describe unknown: %d", resp.StatusCode)
	}

	statuses := e.queryRecords("SELECT MasterLabel, IsClosed, IsDefault FROM CaseStatus ORDER BY SortOrder")
	if len(statuses) != 5 || statuses[0]["MasterLabel"] != "New" || statuses[0]["IsDefault"] != true || statuses[4]["IsClosed"] != true || statuses[3]["MasterLabel"] != "On Hold" {
		t.Errorf("CaseStatus: %v", statuses)
	}
	queues := e.queryRecords("SELECT Id, Name FROM Group WHERE Type = 'Queue'")
	if len(queues) != 1 || queues[0]["Id"] != e.srv.QueueID() {
		t.Errorf("queues: %v", queues)
	}
	active := e.queryRecords("SELECT Id, Email FROM User WHERE IsActive = true AND Email != null")
	if len(active) < 3 || len(e.srv.Users()) != len(active)+1 {
		t.Errorf("active users %d of %d", len(active), len(e.srv.Users()))
	}
}

func TestSOAPLoginThroughSimpleforce(t *testing.T) {
	e := newEnv(t, sfsim.Options{ClientID: testClientID, ClientSecret: testClientSecret, Username: "int@example.com", Password: "pw"})
	c := simpleforce.NewClient(e.ts.URL, testClientID, "62.0")
	if err := c.LoginPassword("int@example.com", "bad", ""); err == nil {
		t.Error("bad password accepted")
	}
	if err := c.LoginPassword("int@example.com", "pw", ""); err != nil {
		t.Fatalf("login: %v", err)
	}
	if _, err := c.Query("SELECT Id FROM User"); err != nil {
		t.Errorf("query after SOAP login: %v", err)
	}
}

// TestNoSecretsInLogs: the sandbox's own log never carries the client
// secret, passwords or tokens.
func TestNoSecretsInLogs(t *testing.T) {
	var buf syncBuffer
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	e := newEnv(t, sfsim.Options{ClientID: testClientID, ClientSecret: testClientSecret, Password: "hunter2-password", Logger: logger})
	e.tokenRequest(url.Values{"grant_type": {"client_credentials"}, "client_id": {testClientID}, "client_secret": {"wrong-secret-value"}})
	e.tokenRequest(url.Values{"grant_type": {"password"}, "client_id": {testClientID}, "client_secret": {testClientSecret}, "username": {"integration@carebridge.example"}, "password": {"hunter2-password"}})
	e.query("SELECT Id FROM Case")
	e.srv.ExpireTokens()
	e.query("SELECT Id FROM Case")
	logs := buf.String()
	if logs == "" {
		t.Fatal("nothing logged: the test would prove nothing")
	}
	for _, secret := range []string{testClientSecret, "wrong-secret-value", "hunter2-password", e.token} {
		if strings.Contains(logs, secret) {
			t.Errorf("log contains a secret: %s", logs)
		}
	}
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestRunCommand(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- sfsim.RunCommand(ctx, []string{"--listen", "127.0.0.1:0", "--client-id", "cid", "--client-secret", "csecret"}, &out)
	}()
	var base string
	testkit.Eventually(t, 5*time.Second, "the sandbox to print its URL", func() (bool, string) {
		for _, line := range strings.Split(out.String(), "\n") {
			if u, ok := strings.CutPrefix(line, "Salesforce sandbox listening on "); ok {
				base = strings.TrimSpace(u)
			}
		}
		select {
		case err := <-done:
			t.Fatalf("RunCommand returned early: %v", err)
		default:
		}
		return base != "", out.String()
	})
	if base == "" || !strings.Contains(out.String(), "csecret") {
		t.Fatalf("no URL/credentials printed: %q", out.String())
	}
	resp, err := http.PostForm(base+"/services/oauth2/token", url.Values{"grant_type": {"client_credentials"}, "client_id": {"cid"}, "client_secret": {"csecret"}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"instance_url":"`+base+`"`) {
		t.Errorf("token from the standalone sandbox: %d %s", resp.StatusCode, body)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("RunCommand: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("RunCommand did not stop when its context ended")
	}
	if err := sfsim.RunCommand(context.Background(), []string{"--bogus"}, io.Discard); err == nil {
		t.Error("unknown flag accepted")
	}
}

func TestExternalIDWithSlash(t *testing.T) {
	e := newEnv(t, sfsim.Options{})
	resp, body := e.do(http.MethodPatch, "sobjects/Case/Care_Case_Id__c/"+url.PathEscape("fb/123/456"), map[string]any{"Subject": "slash"})
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("upsert: %d %s", resp.StatusCode, body)
	}
	if got := e.queryRecords("SELECT Subject FROM Case WHERE Care_Case_Id__c = 'fb/123/456'"); len(got) != 1 {
		t.Errorf("stored under the wrong key: %v", e.srv.Records("Case"))
	}
}

func TestTokenFaultsSpeakOAuth(t *testing.T) {
	e := newEnv(t, sfsim.Options{})
	e.srv.InjectFault(sfsim.Fault{Op: sfsim.OpToken, ErrorCode: "invalid_grant", Message: "authentication failure", Times: 1})
	status, body := e.tokenRequest(url.Values{"grant_type": {"client_credentials"}, "client_id": {testClientID}, "client_secret": {testClientSecret}})
	var got map[string]string
	if err := json.Unmarshal(body, &got); err != nil || status != http.StatusBadRequest || got["error"] != "invalid_grant" {
		t.Errorf("OAuth fault: %d %s", status, body)
	}
}

func TestCaseCommentsMatchByText(t *testing.T) {
	e := newEnv(t, sfsim.Options{})
	caseID := mustInsert(t, e.srv, "Case", map[string]any{"Subject": "notes"})
	mustInsert(t, e.srv, "CaseComment", map[string]any{"ParentId": caseID, "CommentBody": "Refund approved.\nThanks", "IsPublished": false})
	got := e.queryRecords("SELECT Id, CreatedById, CreatedDate FROM CaseComment WHERE ParentId = '" + caseID + "' AND CommentBody = 'Refund approved.\\nThanks'")
	if len(got) != 1 || got[0]["CreatedById"] == nil {
		t.Errorf("comment by text: %v", got)
	}
}

func TestCountSeesLiveRecordsOnly(t *testing.T) {
	s, err := sfsim.New(sfsim.Options{ClientID: "id", ClientSecret: "secret"})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for i := range 3 {
		id, err := s.Insert("Case", map[string]any{"Subject": fmt.Sprint("case ", i)})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if err := s.Delete("Case", ids[0]); err != nil {
		t.Fatal(err)
	}
	if n, want := s.Count("Case"), len(s.Records("Case")); n != 2 || n != want {
		t.Errorf("Count = %d, Records holds %d; want 2", n, want)
	}
	if n := s.Count("NoSuchObject"); n != 0 {
		t.Errorf("Count of an unknown object = %d", n)
	}
}
