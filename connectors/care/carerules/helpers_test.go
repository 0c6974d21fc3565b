package carerules_test

import (
	"time"

	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/connectors/care/rules"
)

var (
	customer = care.Author{ID: "u1", Handle: "maria"}
	brand    = care.Author{ID: "prof", Handle: "acme", IsBrand: true}
	t0       = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
)

// in is a message the case's customer wrote; parent "" for a top-level one.
func in(id string, k rules.Kind, parent string, depth int) care.Message {
	m := care.Message{ID: id, Kind: k, Direction: care.Inbound, Depth: depth, Author: customer}
	if parent != "" {
		m.ParentID = &parent
	}
	return m
}

// out is a message the brand posted.
func out(id string, k rules.Kind, parent string, depth int) care.Message {
	m := in(id, k, parent, depth)
	m.Direction, m.Author = care.Outbound, brand
	return m
}

func deleted(m care.Message) care.Message { m.Deleted = true; return m }
func hidden(m care.Message) care.Message  { m.Hidden = true; return m }

func at(m care.Message, d time.Duration) care.Message { m.PostedAt = t0.Add(d); return m }

func by(m care.Message, a care.Author) care.Message { m.Author = a; return m }

// ids lists the ids of msgs.
func ids(msgs []*care.Message) []string {
	out := []string{}
	for _, m := range msgs {
		out = append(out, m.ID)
	}
	return out
}

// id is m's id, "" for nil.
func id(m *care.Message) string {
	if m == nil {
		return ""
	}
	return m.ID
}

// indexOf finds the message of convo that m points to, -1 when m does not
// point into convo.
func indexOf(convo []care.Message, m *care.Message) int {
	for i := range convo {
		if &convo[i] == m {
			return i
		}
	}
	return -1
}
