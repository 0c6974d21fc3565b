package caresim

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/carebridge/carebridge/connectors/care"
)

// TestFirstCasesIsTheSortedListingsPrefix: the bounded selection returns
// exactly the first cases of the full (updated_at, id) order after a
// cursor, ties in updated_at included, whatever the page size.
func TestFirstCasesIsTheSortedListingsPrefix(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	t0 := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	cases := map[string]*care.Case{}
	for range 500 {
		id := fmt.Sprintf("c%03d", rnd.IntN(1000))
		cases[id] = &care.Case{ID: id, UpdatedAt: t0.Add(time.Duration(rnd.IntN(40)) * time.Second)} // many ties
	}
	all := make([]care.Case, 0, len(cases))
	for _, c := range cases {
		all = append(all, *c)
	}
	slices.SortFunc(all, func(a, b care.Case) int {
		if c := a.UpdatedAt.Compare(b.UpdatedAt); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	ids := func(cs []care.Case) []string {
		out := make([]string, len(cs))
		for i, c := range cs {
			out[i] = c.ID
		}
		return out
	}
	since := t0.Add(10 * time.Second)
	var want []care.Case
	for _, c := range all {
		if !c.UpdatedAt.Before(since) {
			want = append(want, c)
		}
	}
	for _, n := range []int{1, 7, 51, 201, len(all) + 5} {
		var got []care.Case
		var after position
		for {
			page := firstCases(cases, since, after, n)
			got = append(got, page...)
			if len(page) < n {
				break
			}
			last := page[len(page)-1]
			after = position{last.UpdatedAt, last.ID}
		}
		if !slices.Equal(ids(got), ids(want)) {
			t.Fatalf("pages of %d: %d cases %v..., want %d %v...", n, len(got), ids(got)[:min(5, len(got))], len(want), ids(want)[:5])
		}
	}
}
