package care

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/carebridge/carebridge/connectors/upstream"
)

// Change listing defaults.
const (
	defaultPageSize = MaxPageSize // the fewest calls the contract allows
	changesMaxPages = 50          // per ChangedCases call; More says when there is more
)

// Changes is the result of ChangedCases.
type Changes struct {
	// Cases changed after the cursor, oldest change first, each case once
	// (its latest version).
	Cases []Case
	// Cursor marks everything in Cases as seen. Persist it once Cases are
	// handled (enqueued); pass it to the next ChangedCases call, from this
	// process or after a restart.
	Cursor string
	// More: the page limit of one call was reached; call again.
	More bool
}

// ChangedCases returns the cases changed after cursor ("" for all; see
// CursorAt to start at a time), reading every page, and the cursor to
// resume from.
//
// The cursor is this client's own: the (updated_at, id) of the newest
// change seen. Care's listing is ordered by (updated_at, id) and
// updated_since is inclusive, so the client asks from that updated_at and
// drops what is not after the position: no case is returned twice, and a
// case changed again is returned again. A change Care stamps with an
// earlier time than one already seen would be missed; the bridge's
// reconcile sweep repairs that.
//
// On error Changes holds the pages read before the failure and a cursor
// covering exactly them.
func (c *Client) ChangedCases(ctx context.Context, cursor string) (Changes, error) {
	from, err := parseCursor(cursor)
	if err != nil {
		return Changes{Cursor: cursor}, localError(contract(opListCases), err.Error())
	}
	var (
		out      = Changes{Cursor: cursor}
		last     = from
		pageCur  string
		lastSeen = map[string]bool{}
	)
	for pages := 0; ; pages++ {
		if pages == changesMaxPages {
			out.More = true
			break
		}
		if err := ctx.Err(); err != nil {
			return out, &upstream.Error{System: System, Op: contract(opListCases).Name, Class: upstream.Retryable, Message: "cancelled", Err: err}
		}
		page, err := c.ListCases(ctx, from.at, pageCur, c.pageSize)
		if err != nil {
			return out, err
		}
		for _, cs := range page.Cases {
			p := position{at: cs.UpdatedAt, id: cs.ID}
			if !from.before(p) {
				continue // seen before the cursor (updated_since is inclusive)
			}
			out.Cases = append(out.Cases, cs)
			if last.before(p) {
				last = p
			}
		}
		out.Cursor = last.encode()
		out.Cases = latestOnly(out.Cases)
		if page.NextCursor == "" {
			break
		}
		if lastSeen[page.NextCursor] {
			return out, &upstream.Error{System: System, Op: contract(opListCases).Name, Class: upstream.Permanent,
				Message: "the server repeated a page cursor"}
		}
		lastSeen[page.NextCursor] = true
		pageCur = page.NextCursor
	}
	return out, nil
}

// latestOnly keeps the last occurrence of each case: a case changed while
// the listing was paged appears again, newer, later in the order.
func latestOnly(cases []Case) []Case {
	lastAt := make(map[string]int, len(cases))
	for i, cs := range cases {
		lastAt[cs.ID] = i
	}
	if len(lastAt) == len(cases) {
		return cases
	}
	out := cases[:0]
	for i, cs := range cases {
		if lastAt[cs.ID] == i {
			out = append(out, cs)
		}
	}
	return out
}

// CursorAt returns a cursor that lists the changes at or after t.
func CursorAt(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	// Just before t: every id sorts after "".
	return position{at: t.Add(-time.Nanosecond)}.encode()
}

// position is a place in the (updated_at, id) order of the listing.
type position struct {
	at time.Time
	id string
}

func (p position) zero() bool { return p.at.IsZero() && p.id == "" }

func (p position) before(q position) bool {
	if p.zero() {
		return true
	}
	if c := p.at.Compare(q.at); c != 0 {
		return c < 0
	}
	return p.id < q.id
}

const cursorPrefix = "cc1."

func (p position) encode() string {
	if p.zero() {
		return ""
	}
	return cursorPrefix + strconv.FormatInt(p.at.UnixNano(), 10) + "." + base64.RawURLEncoding.EncodeToString([]byte(p.id))
}

func parseCursor(s string) (position, error) {
	if s == "" {
		return position{}, nil
	}
	rest, ok := strings.CutPrefix(s, cursorPrefix)
	if !ok {
		return position{}, errors.New("cursor is not a care change cursor")
	}
	ns, id, ok := strings.Cut(rest, ".")
	if !ok {
		return position{}, errors.New("cursor is malformed")
	}
	n, err := strconv.ParseInt(ns, 10, 64)
	if err != nil {
		return position{}, fmt.Errorf("cursor time is malformed")
	}
	raw, err := base64.RawURLEncoding.DecodeString(id)
	if err != nil {
		return position{}, fmt.Errorf("cursor id is malformed")
	}
	return position{at: time.Unix(0, n).UTC(), id: string(raw)}, nil
}
