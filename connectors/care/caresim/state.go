package caresim

import (
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/connectors/care/rules"
)

// state is what the parts share: the sandbox's data, guarded by mu, and
// what the ...Locked helpers need (options, rules, clock, log, webhooks).
type state struct {
	opts  Options
	rules *rules.Engine
	log   *slog.Logger
	clock func() time.Time
	hooks *webhooks // nil without a webhook URL

	mu        sync.Mutex
	cases     map[string]*care.Case
	messages  map[string]*care.Message
	convo     map[string][]string // case id -> message ids, oldest first
	notes     map[string][]care.Note
	replies   map[string][]string // case id -> ids of messages sent through the API
	agents    []care.Agent
	profiles  []care.Profile
	banned    map[string]bool   // platform/author id
	following map[string]bool   // platform/author id
	accounts  map[string]string // platform/author id -> account state other than active
	lastStamp time.Time
	seq       int64
	noteIDs   map[string]bool // every note's id, so a new id is checked without a scan
}

// now returns the sandbox clock in UTC.
func (s *state) now() time.Time { return s.clock().UTC() }

// stampLocked returns a strictly increasing change time (microseconds, so
// it survives any JSON or database round trip).
func (s *state) stampLocked() time.Time {
	t := s.now().Truncate(time.Microsecond)
	if !t.After(s.lastStamp) {
		t = s.lastStamp.Add(time.Microsecond)
	}
	s.lastStamp = t
	return t
}

// newIDLocked returns an unused id with the prefix.
func (s *state) newIDLocked(prefix string, taken func(string) bool) string {
	for {
		s.seq++
		id := fmt.Sprintf("%s_%d", prefix, s.seq)
		if !taken(id) {
			return id
		}
	}
}
