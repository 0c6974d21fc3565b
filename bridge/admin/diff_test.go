package admin

import (
	"fmt"
	"strings"
	"testing"
)

func TestLineDiff(t *testing.T) {
	old := "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n"
	tests := []struct {
		name, new, want string
	}{
		{"same", old, ""},
		{"one changed", strings.Replace(old, "e\n", "E\n", 1), "@@ -2,7 +2,7 @@\n b\n c\n d\n-e\n+E\n f\n g\n h\n"},
		{"added at end", old + "k\n", "@@ -8,3 +8,4 @@\n h\n i\n j\n+k\n"},
		{"removed first", strings.TrimPrefix(old, "a\n"), "@@ -1,4 +1,3 @@\n-a\n b\n c\n d\n"},
		{"from nothing", "", "@@ -1,10 +0,0 @@\n-a\n-b\n-c\n-d\n-e\n-f\n-g\n-h\n-i\n-j\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := lineDiff(old, tt.new)
			if d.Unified != tt.want {
				t.Errorf("diff =\n%s\nwant\n%s", d.Unified, tt.want)
			}
		})
	}
	// Two changes far apart make two hunks.
	long := strings.Repeat("x\n", 20)
	changed := "y\n" + strings.Repeat("x\n", 18) + "z\n"
	if d := lineDiff(long, changed); strings.Count(d.Unified, "@@ -") != 2 || d.Added != 2 || d.Removed != 2 {
		t.Errorf("two far changes: %+v", d)
	}
}

// TestLineDiffIsBounded: a diff lists at most maxDiffLines lines and
// counts the rest, however large the texts (issue 25: a 1 MB body made a
// 30 MB answer).
func TestLineDiffIsBounded(t *testing.T) {
	var b strings.Builder
	for i := range 100_000 {
		fmt.Fprintf(&b, "line %d\n", i)
	}
	d := lineDiff("fields: []\n", b.String())
	if len(d.Lines) > maxDiffLines || d.Added != 100_000 || d.Removed != 1 || d.Omitted == 0 || len(d.Lines)+d.Omitted != 100_000+2 {
		t.Errorf("diff of 100,000 new lines: %d lines listed, %d omitted, +%d -%d; want at most %d listed and the rest counted",
			len(d.Lines), d.Omitted, d.Added, d.Removed, maxDiffLines)
	}
}
