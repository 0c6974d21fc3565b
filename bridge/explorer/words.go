package explorer

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/carebridge/carebridge/bridge/state"
	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/connectors/upstream"
)

// Event is one audit entry as the admin pages show it (the case's
// timeline, the sync health page's recent problems): the raw fields and a
// sentence.
type Event struct {
	ID         string    `json:"id"`
	Time       time.Time `json:"time"`
	Case       string    `json:"case"`
	Field      string    `json:"field,omitempty"`
	Side       string    `json:"side,omitempty"`
	Resolution string    `json:"resolution"`
	From       string    `json:"from,omitempty"`
	To         string    `json:"to,omitempty"`
	Policy     string    `json:"policy,omitempty"`
	// Kind groups resolutions: "write", "conflict", "blocked", "error",
	// "retired".
	Kind string `json:"kind"`
	Text string `json:"text"`
}

func sideName(side string) string {
	switch side {
	case "care":
		return "Care"
	case "salesforce":
		return "Salesforce"
	}
	return side
}

// AuditEvent describes an audit entry in words.
func AuditEvent(e state.AuditEntry) Event {
	ev := Event{ID: e.ID, Time: e.Time, Case: e.Case, Field: e.Field, Side: e.Side, Resolution: e.Resolution, From: e.From, To: e.To, Policy: e.Policy}
	switch r := e.Resolution; {
	case r == "applied":
		ev.Kind = "write"
		ev.Text = fmt.Sprintf("%s written to %s: %q → %q", e.Field, sideName(e.Side), e.From, e.To)
	case strings.HasPrefix(r, "conflict_"):
		ev.Kind = "conflict"
		ev.Text = fmt.Sprintf("Conflict on %s: both sides changed it since %q (%s); %s won by the field's policy %s", e.Field, e.From, e.To, sideName(e.Side), e.Policy)
	case r == "blocked":
		ev.Kind = "blocked"
		ev.Text = fmt.Sprintf("Change of %s held back by Care's rules: %s", e.Field, e.To)
	case r == "held_back":
		ev.Kind = "blocked"
		ev.Text = "Salesforce writes held back: " + e.To
	case r == "refused":
		ev.Kind = "error"
		ev.Text = "Salesforce refused carebridge's update of the Case: " + e.To
	case r == "retired":
		ev.Kind = "retired"
		ev.Text = "Case retired (closed on both sides); last synced values: " + e.To
	default:
		ev.Kind = r
		ev.Text = fmt.Sprintf("%s %s %s → %s", r, e.Field, e.From, e.To)
	}
	return ev
}

// plainWords says in plain words what went wrong talking to Care or
// Salesforce; the error itself is shown beside it.
func plainWords(err error) string {
	var ue *upstream.Error
	if !errors.As(err, &ue) {
		return "carebridge could not read it (the details say why)."
	}
	system := sideName(ue.System)
	if ue.System == care.System {
		system = "Emplifi Care"
	}
	switch s := ue.Status; {
	case s == 0 && ue.Class == upstream.Retryable:
		return system + " did not answer in time; try again in a moment."
	case s == http.StatusUnauthorized || s == http.StatusForbidden:
		return system + " refused carebridge's credentials or permissions; `carebridge check` says which."
	case s == http.StatusTooManyRequests || ue.Code == "REQUEST_LIMIT_EXCEEDED":
		return system + " is over its API limit; carebridge waits and tries again."
	case s >= 500:
		return fmt.Sprintf("%s failed with a server error (HTTP %d); try again in a moment.", system, s)
	case s == http.StatusNotFound:
		return system + " does not know it."
	case s == 0:
		return system + " was not asked: " + ue.Message + "."
	}
	return fmt.Sprintf("%s refused the request (HTTP %d).", system, ue.Status)
}
