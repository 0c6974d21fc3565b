// Package work owns the work queue's keys: the kinds of work carebridge
// queues, how a key of each kind is written and read, and what the queue
// does with a kind whose runs keep failing. Every producer (Care webhooks,
// the polls, the sweep, the change stream, the admin API) writes keys with
// it and the engine reads them with it; no other package spells a prefix.
//
// A key's text is also what operators see (the admin API's failing keys and
// dead letters, `carebridge deadletters`), so the forms below are stable:
//
//	case:<Care case id>
//	action:<Care_Action__c id>
//	check:<part>:<unix nanoseconds>:<Care case id>
package work

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/carebridge/carebridge/connectors/care"
)

// Kind is a kind of work.
type Kind int

const (
	// Case reconciles a Care case with its Salesforce Case. Level-triggered:
	// a failing run retries without end, a refused one waits for the case's
	// next change.
	Case Kind = iota + 1
	// Action sends an agent's Care_Action__c to Care. One-shot: a run that
	// keeps failing, or is refused, goes to the dead letters, where a
	// person decides whether it runs again.
	Action
	// Check looks whether the reconcile running when Care reported a change
	// already read it, and queues the case when it did not. It waits in the
	// queue behind that reconcile.
	Check
)

var prefixes = map[Kind]string{Case: "case:", Action: "action:", Check: "check:"}

// String is the kind's name as keys spell it.
func (k Kind) String() string {
	if p, ok := prefixes[k]; ok {
		return strings.TrimSuffix(p, ":")
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Prefix is what every key of the kind starts with: the queue's listings
// of one kind (Queue.Waiting) take it.
func (k Kind) Prefix() string { return prefixes[k] }

// DeadLetters reports whether the queue dead-letters the kind's keys.
func (k Kind) DeadLetters() bool { return k == Action }

// DeadLetterPrefixes are the prefixes of the kinds the queue dead-letters
// (queue.Options.DeadLetterPrefixes).
func DeadLetterPrefixes() []string {
	var out []string
	for _, k := range []Kind{Case, Action, Check} {
		if k.DeadLetters() {
			out = append(out, k.Prefix())
		}
	}
	return out
}

// Key is one unit of work.
type Key struct {
	Kind Kind
	// ID is the Care case id (Case, Check) or the Care_Action__c id
	// (Action).
	ID string
	// Part and At are a Check's: which part of the case Care reported
	// changed, as of which stamp.
	Part care.EventPart
	At   time.Time
}

// ForCase is the key that reconciles the Care case careID.
func ForCase(careID string) string { return Key{Kind: Case, ID: careID}.String() }

// ForAction is the key that sends the Care_Action__c actionID.
func ForAction(actionID string) string { return Key{Kind: Action, ID: actionID}.String() }

// ForCheck is the key that checks a change Care reported to part of the
// case careID as of at.
func ForCheck(careID string, part care.EventPart, at time.Time) string {
	return Key{Kind: Check, ID: careID, Part: part, At: at}.String()
}

// String writes the key.
func (k Key) String() string {
	if k.Kind == Check {
		return prefixes[Check] + string(k.Part) + ":" + strconv.FormatInt(k.At.UnixNano(), 10) + ":" + k.ID
	}
	return prefixes[k.Kind] + k.ID
}

// Parse reads a key. The id of a case or an action is not checked here
// (an empty or over-long id is the engine's to refuse, with the reason);
// a check key must name a part of a case, a stamp and a case.
func Parse(s string) (Key, error) {
	for _, kind := range []Kind{Case, Action} {
		if id, ok := strings.CutPrefix(s, prefixes[kind]); ok {
			return Key{Kind: kind, ID: id}, nil
		}
	}
	rest, ok := strings.CutPrefix(s, prefixes[Check])
	if !ok {
		return Key{}, fmt.Errorf("unknown key %q: not a case, action or check", s)
	}
	part, rest, ok1 := strings.Cut(rest, ":")
	nanos, careID, ok2 := strings.Cut(rest, ":")
	ns, err := strconv.ParseInt(nanos, 10, 64)
	if !ok1 || !ok2 || err != nil || careID == "" {
		return Key{}, fmt.Errorf("malformed check key %q", s)
	}
	switch p := care.EventPart(part); p {
	case care.PartCase, care.PartConversation, care.PartNotes:
		return Key{Kind: Check, ID: careID, Part: p, At: time.Unix(0, ns).UTC()}, nil
	}
	return Key{}, fmt.Errorf("check key %q names no part of a case", s)
}

// CaseID returns the Care case id of a case key, and whether s is one.
func CaseID(s string) (string, bool) { return strings.CutPrefix(s, prefixes[Case]) }
