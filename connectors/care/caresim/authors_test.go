package caresim

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/connectors/care/rules"
)

// TestAuthorsDeleteEditAndAccountStates: what authors do on the platform
// reaches the API as Care reports it — an edit shows the current text
// with edited_at, an author's delete keeps the message's place without
// its content, a brand delete keeps the content with deleted_by brand, and
// an account's state shows on every message of the author in every case
// and goes back — and each is a change of the cases concerned (stamps
// and updated_at move), while what Care refuses is refused.
func TestAuthorsDeleteEditAndAccountStates(t *testing.T) {
	h := newHarness(t, Options{})
	list := loadContract(t).Components.Schemas["MessageListEnvelope"].Value
	other := care.Author{ID: "u9", Handle: "tom", Name: "Tom"}
	a := h.newCase(rules.Facebook, caseOpts{assigned: true}, brandPost("p"), in("c", rules.Comment, "p"),
		care.Message{ID: "c9", Kind: rules.Comment, ParentID: strp("p"), Text: "me too", Author: other})
	b := h.newCase(rules.Facebook, caseOpts{assigned: true}, care.Message{ID: "dm", Text: "about my order", Media: []string{"https://cdn.example/1.jpg"}, Permalink: "https://fb.example/dm"})

	changes := func(what string, cases []string, do func()) {
		t.Helper()
		before := map[string]care.Case{}
		for _, id := range cases {
			before[id] = h.getCase(id)
		}
		do()
		for _, id := range cases {
			after := h.getCase(id)
			if !after.UpdatedAt.After(before[id].UpdatedAt) || equalStamp(after.ConversationUpdatedAt, before[id].ConversationUpdatedAt) {
				t.Errorf("%s: case %s did not change (updated_at %v -> %v, conversation %v -> %v)", what, id,
					before[id].UpdatedAt, after.UpdatedAt, before[id].ConversationUpdatedAt, after.ConversationUpdatedAt)
			}
		}
		for _, id := range []string{a, b} {
			var v any
			if err := json.Unmarshal(h.do(http.MethodGet, "/3/care/cases/"+id+"/messages", nil, nil).raw, &v); err != nil {
				t.Fatal(err)
			}
			if err := list.VisitJSON(v); err != nil {
				t.Errorf("%s: the conversation of %s does not match the contract: %v", what, id, err)
			}
		}
	}

	changes("an edit", []string{b}, func() {
		wantOK(t, "edit", h.do(http.MethodPost, "/sandbox/cases/"+b+"/author-edit", AuthorMessageRequest{MessageID: "dm", Text: "about order 1043"}, nil))
	})
	if m := h.messages(b)["dm"]; m.Text != "about order 1043" || m.EditedAt == nil || len(m.Media) != 1 || m.Deleted {
		t.Errorf("edited: %+v, want the new text, edited_at and the media kept", m)
	}
	changes("an author's delete", []string{b}, func() {
		wantOK(t, "author delete", h.do(http.MethodPost, "/sandbox/cases/"+b+"/author-delete", AuthorMessageRequest{MessageID: "dm"}, nil))
	})
	if m := h.messages(b)["dm"]; !m.Deleted || m.DeletedBy == nil || *m.DeletedBy != care.DeletedByAuthor || m.DeletedAt == nil ||
		m.Text != "" || len(m.Media) != 0 || m.Permalink != "" || m.Author.Handle != "cust" {
		t.Errorf("deleted by its author: %+v, want deleted by the author, when, no content, the author kept", m)
	}
	changes("a brand delete", []string{a}, func() { wantOK(t, "brand delete", h.action("c9", care.ActionDelete)) })
	if m := h.messages(a)["c9"]; !m.Deleted || m.DeletedBy == nil || *m.DeletedBy != care.DeletedByBrand || m.DeletedAt == nil || m.Text != "me too" {
		t.Errorf("deleted by the brand: %+v, want deleted by the brand with its text kept in Care", m)
	}

	for _, tc := range []struct {
		what, path string
		body       any
		status     int
	}{
		{"a second delete", "/sandbox/cases/" + b + "/author-delete", AuthorMessageRequest{MessageID: "dm"}, http.StatusBadRequest},
		{"an edit of a deleted message", "/sandbox/cases/" + b + "/author-edit", AuthorMessageRequest{MessageID: "dm", Text: "x"}, http.StatusBadRequest},
		{"the brand's post as its author", "/sandbox/cases/" + a + "/author-delete", AuthorMessageRequest{MessageID: "p"}, http.StatusBadRequest},
		{"a message of another case", "/sandbox/cases/" + a + "/author-edit", AuthorMessageRequest{MessageID: "dm", Text: "x"}, http.StatusNotFound},
		{"an edit to nothing", "/sandbox/cases/" + a + "/author-edit", AuthorMessageRequest{MessageID: "c", Text: " "}, http.StatusBadRequest},
		{"a delete with text", "/sandbox/cases/" + a + "/author-delete", AuthorMessageRequest{MessageID: "c", Text: "x"}, http.StatusBadRequest},
		{"an unknown state", "/sandbox/account-state", AccountStateRequest{Platform: rules.Facebook, AuthorID: "cust", State: "private"}, http.StatusBadRequest},
		{"no author", "/sandbox/account-state", AccountStateRequest{Platform: rules.Facebook, State: care.AccountProtected}, http.StatusBadRequest},
	} {
		if r := h.do(http.MethodPost, tc.path, tc.body, nil); r.status != tc.status || r.message() == "" {
			t.Errorf("%s: %d %s, want %d with a reason", tc.what, r.status, r.raw, tc.status)
		}
	}

	var res AccountStateResult
	changes("the customer's account protected", []string{a, b}, func() {
		h.do(http.MethodPost, "/sandbox/account-state", AccountStateRequest{Platform: rules.Facebook, AuthorID: "cust", State: care.AccountProtected}, nil).data(t, &res)
	})
	if res.Messages != 2 || len(res.Cases) != 2 {
		t.Errorf("protected: %+v, want the customer's 2 messages in 2 cases", res)
	}
	ma, mb := h.messages(a), h.messages(b)
	if ma["c"].Author.AccountState != care.AccountProtected || mb["dm"].Author.AccountState != care.AccountProtected ||
		ma["c9"].Author.AccountState != care.AccountActive || ma["p"].Author.AccountState != care.AccountActive || ma["c"].Text == "" {
		t.Errorf("protected: c %+v, dm %+v, c9 %+v; want the customer's messages protected with their text, the others active", ma["c"].Author, mb["dm"].Author, ma["c9"].Author)
	}
	if _, err := h.sim.CustomerMessage(a, care.Message{Kind: rules.ReplyKind, ParentID: strp("c"), Text: "still there?"}); err != nil {
		t.Fatal(err)
	}
	if ms := h.sim.Messages(a); ms[len(ms)-1].Author.AccountState != care.AccountProtected {
		t.Errorf("a new message of a protected account: %+v", ms[len(ms)-1].Author)
	}
	before := h.getCase(a)
	h.do(http.MethodPost, "/sandbox/account-state", AccountStateRequest{Platform: rules.Facebook, AuthorID: "cust", State: care.AccountProtected}, nil).data(t, &res)
	if after := h.getCase(a); res.Messages != 0 || !after.UpdatedAt.Equal(before.UpdatedAt) {
		t.Errorf("the same state again: %+v, updated_at %v -> %v; want nothing changed", res, before.UpdatedAt, after.UpdatedAt)
	}
	changes("the account public again", []string{a, b}, func() {
		h.do(http.MethodPost, "/sandbox/account-state", AccountStateRequest{Platform: rules.Facebook, AuthorID: "cust", State: care.AccountActive}, nil).data(t, &res)
	})
	if m := h.messages(a)["c"]; m.Author.AccountState != care.AccountActive {
		t.Errorf("active again: %+v", m.Author)
	}
}
