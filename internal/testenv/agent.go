package testenv

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"testing"
)

// AgentPassword signs in every agent of the Salesforce sandboxes that
// StartSandboxes starts (sfsim.Options.AgentPassword).
const AgentPassword = "testenv-agent-password"

// APIVersion is the Salesforce REST API version agents call.
const APIVersion = "v62.0"

// Agent is a Salesforce agent signed in to a sandbox over its REST API
// (the OAuth password grant): what it may do is what the shipped
// Carebridge_Agent permission set and the org's sharing let it do.
type Agent struct {
	url, token string
}

// SignInAgent signs in the agent with that username.
func SignInAgent(t testing.TB, sfURL, clientID, clientSecret, username, password string) *Agent {
	t.Helper()
	resp, err := http.PostForm(sfURL+"/services/oauth2/token", url.Values{"grant_type": {"password"},
		"client_id": {clientID}, "client_secret": {clientSecret}, "username": {username}, "password": {password}})
	if err != nil {
		t.Fatalf("testenv: %s signs in: %v", username, err)
	}
	defer resp.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || resp.StatusCode != http.StatusOK || tok.AccessToken == "" {
		t.Fatalf("testenv: %s signs in: HTTP %d, %v", username, resp.StatusCode, err)
	}
	return &Agent{url: sfURL, token: tok.AccessToken}
}

// Do makes one REST call under /services/data/<APIVersion>/ (path without
// that prefix, e.g. "sobjects/Care_Action__c") and returns the status and
// the body.
func (a *Agent) Do(t testing.TB, method, path string, body any) (int, []byte) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, a.url+"/services/data/"+APIVersion+"/"+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+a.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("testenv: agent %s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("testenv: agent %s %s: %v", method, path, err)
	}
	return resp.StatusCode, out
}

// CreateAction creates a Care_Action__c and returns its id; Salesforce
// refusing it fails the test.
func (a *Agent) CreateAction(t testing.TB, fields map[string]any) string {
	t.Helper()
	status, body := a.Do(t, http.MethodPost, "sobjects/Care_Action__c", fields)
	var res struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(body, &res); status != http.StatusCreated || err != nil || res.ID == "" {
		t.Fatalf("testenv: the agent creates an action: HTTP %d %s", status, body)
	}
	return res.ID
}
