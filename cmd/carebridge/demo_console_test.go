package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/internal/browsertest"
)

// printedAgent is the agent's part of what `carebridge demo` printed.
type printedAgent struct {
	console, caseID, username, password string
}

var (
	consoleLine = regexp.MustCompile(`Console\s+(http://\S+/lightning/r/Case/(\w+)/view)`)
	signInLine  = regexp.MustCompile(`Sign in\s+username (\S+)\s+password (\S+)`)
	careLine    = regexp.MustCompile(`Care sandbox\s+(http://\S+)\s+\(Basic auth (\S+):(\S+)\)`)
)

func agentOf(t *testing.T, text string) printedAgent {
	t.Helper()
	c, s := consoleLine.FindStringSubmatch(text), signInLine.FindStringSubmatch(text)
	if c == nil || s == nil {
		t.Fatalf("the demo prints no console link or agent sign-in:\n%s", text)
	}
	return printedAgent{console: c[1], caseID: c[2], username: s[1], password: s[2]}
}

// careMessages reads a case's conversation from the Care sandbox with the
// printed credentials.
func careMessages(t *testing.T, text, careCase string) []care.Message {
	t.Helper()
	m := careLine.FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("the demo prints no Care sandbox address:\n%s", text)
	}
	req, err := http.NewRequest(http.MethodGet, m[1]+"/3/care/cases/"+careCase+"/messages", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(m[2], m[3])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var env struct {
		Success bool           `json:"success"`
		Data    []care.Message `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&env); err != nil || !env.Success {
		t.Fatalf("Care messages of %s: HTTP %d, %v", careCase, resp.StatusCode, err)
	}
	return env.Data
}

// agentAction finds the agent's action of a type (with body, for a reply)
// in the output of the printed status query and says whether it is Sent;
// a refused or failed one is an error.
func agentAction(out []byte, typ, body string) (id string, sent bool, err error) {
	recs, err := sfRecords(out)
	if err != nil {
		return "", false, err
	}
	for _, r := range recs {
		if r["Type__c"] != typ || body != "" && r["Body__c"] != body {
			continue
		}
		id, _ = r["Id"].(string)
		switch r["Status__c"] {
		case "Sent":
			return id, true, nil
		case "Rejected", "Failed":
			return id, false, fmt.Errorf("the %s was %v: %v", typ, r["Status__c"], r["Status_Reason__c"])
		}
		return id, false, nil
	}
	return "", false, nil
}

// TestDemoAgentConsole is the agent's part of the demo, as the README walks
// it: the printed REST reply as the agent reaches Care and ends Sent; then,
// in headless Chromium, the printed console link asks for the sign-in,
// refuses a wrong password, signs the agent in with the printed one and
// shows her Case's conversation in the careConversation component; a reply
// and a like sent from the component reach Care, and the component shows
// both Sent. With CAREBRIDGE_SCREENSHOTS=docs/img it writes the pictures of
// docs/agents.md.
func TestDemoAgentConsole(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the carebridge binary")
	}
	requireCurl(t)
	demo, _ := startDemo(t)
	agent := agentOf(t, demo.text)
	change, look := demo.steps[5][0], demo.steps[5][1]
	restReply := regexp.MustCompile(`"Body__c":"([^"]+)"`).FindStringSubmatch(change)
	if restReply == nil {
		t.Fatalf("the agent's printed reply has no body: %q", change)
	}
	sentAs := func(typ, body string) func([]byte) (bool, error) {
		return func(out []byte) (bool, error) {
			_, sent, err := agentAction(out, typ, body)
			return sent, err
		}
	}

	t.Run("the printed REST reply as the agent ends Sent", func(t *testing.T) {
		runOK(t, change)
		until(t, "the agent's REST reply Sent", look, sentAs("reply", restReply[1]))
		if !hasCareMessage(careMessages(t, demo.text, "case_fb_1"), restReply[1]) {
			t.Fatalf("the reply is Sent but not in Care's conversation")
		}
	})

	ctx := browsertest.Start(t, 1280, 1000)
	do := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		step, cancel := context.WithTimeout(ctx, 45*time.Second)
		defer cancel()
		if err := chromedp.Do(step, actions...); err != nil {
			html, _ := chromedp.Run(ctx, chromedp.OuterHTML(chromedp.CSS("body")))
			t.Fatalf("%s: %v\npage: %s", what, err, tail(html, 30))
		}
	}
	likeFbC1 := chromedp.CSS(`c-care-conversation li[data-care-id="fb_c_1"] button[data-action="like"]`)

	do("the console link asks for the sign-in",
		chromedp.Navigate(agent.console),
		chromedp.WaitVisible(chromedp.CSS("#username")),
		chromedp.SendKeys(chromedp.CSS("#username"), agent.username))
	browsertest.Screenshot(t, ctx, "console-sign-in")
	do("a wrong password is refused",
		chromedp.SendKeys(chromedp.CSS("#password"), agent.password+"x"),
		chromedp.Click(chromedp.CSS("#Login")),
		chromedp.WaitVisible(chromedp.CSS(`[data-id="login-error"]`)))
	do("the printed password signs in and opens the Case's conversation",
		chromedp.SendKeys(chromedp.CSS("#password"), agent.password),
		chromedp.Click(chromedp.CSS("#Login")),
		chromedp.WaitVisible(likeFbC1))
	if loc, err := chromedp.Run(ctx, chromedp.Location()); err != nil || loc != agent.console {
		t.Fatalf("after the sign-in the browser is at %q (%v), want the console link %s", loc, err, agent.console)
	}

	reply := "Hi Maria, so sorry! A new pole is on its way to you today."
	do("reply to Maria's comment from the component",
		chromedp.Click(chromedp.CSS(`c-care-conversation li[data-care-id="fb_c_1"] button[data-action="reply"]`)),
		chromedp.SendKeys(chromedp.CSS(`c-care-conversation textarea[data-id="body"]`), reply),
		chromedp.Click(chromedp.CSS(`c-care-conversation button[data-id="send"]`)))
	do("like Maria's comment from the component",
		chromedp.WaitEnabled(likeFbC1),
		chromedp.Click(likeFbC1))

	until(t, "the console's reply Sent", look, sentAs("reply", reply))
	until(t, "the console's like Sent", look, sentAs("like", ""))
	out, err := shell(context.Background(), look)
	if err != nil {
		t.Fatal(err)
	}
	replyID, _, _ := agentAction(out, "reply", reply)
	likeID, _, _ := agentAction(out, "like", "")
	msgs := careMessages(t, demo.text, "case_fb_1")
	if !hasCareMessage(msgs, reply) {
		t.Errorf("the console's reply is Sent but not in Care's conversation")
	}
	for _, m := range msgs {
		if m.ID == "fb_c_1" && !m.Liked {
			t.Errorf("the console's like is Sent but Care's fb_c_1 is not liked")
		}
	}
	do("the component shows the reply Sent",
		chromedp.WaitVisible(chromedp.CSS(`c-care-conversation li[data-action-id="`+replyID+`"] .care-status_sent`)))
	do("the component shows the like Sent",
		chromedp.WaitVisible(chromedp.CSS(`c-care-conversation li[data-action-id="`+likeID+`"] .care-status_sent`)))
	do("the component shows Maria's comment liked",
		chromedp.WaitVisible(chromedp.CSS(`c-care-conversation li[data-care-id="fb_c_1"] .care-state_liked`)))
	browsertest.Screenshot(t, ctx, "console-demo")
}

func hasCareMessage(msgs []care.Message, text string) bool {
	for _, m := range msgs {
		if m.Text == text && m.Direction == care.Outbound {
			return true
		}
	}
	return false
}
