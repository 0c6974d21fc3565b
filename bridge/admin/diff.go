package admin

import (
	"fmt"
	"strings"
)

// DiffLine is one line of a unified diff: Op is " " (unchanged context),
// "-" (only in the old text), "+" (only in the new one) or "@" (a hunk
// header, Text like "@@ -3,7 +3,8 @@").
type DiffLine struct {
	Op   string `json:"op"`
	Text string `json:"text"`
}

// Diff is a line diff of two mappings.
type Diff struct {
	Lines   []DiffLine `json:"lines"`
	Added   int        `json:"added"`
	Removed int        `json:"removed"`
	// Unified is the diff as text (diff -u without file headers).
	Unified string `json:"unified"`
	// Omitted counts the lines of the diff left out: an answer lists at
	// most maxDiffLines (Added and Removed still count every line).
	Omitted int `json:"omitted,omitempty"`
}

// maxDiffCells bounds the longest-common-subsequence table (4 bytes a
// cell): past it the changed middle of the two texts is shown as removed
// and added whole.
const maxDiffCells = 1 << 20

// maxDiffLines bounds the lines a diff lists, hunk headers included, so
// that an answer stays small whatever the texts: a whole mapping
// replaced by another is a few hundred lines.
const maxDiffLines = 2000

// diffContext is how many unchanged lines surround each change.
const diffContext = 3

// lineDiff compares two texts line by line.
func lineDiff(oldText, newText string) Diff {
	a, b := splitLines(oldText), splitLines(newText)
	ops := diffOps(a, b)
	d := Diff{Lines: []DiffLine{}}
	for _, o := range ops {
		switch o.op {
		case '-':
			d.Removed++
		case '+':
			d.Added++
		}
	}
	if d.Added+d.Removed == 0 {
		return d
	}
	// Group the changes into hunks with context.
	var sb strings.Builder
	i := 0
	for i < len(ops) {
		if ops[i].op == ' ' {
			i++
			continue
		}
		start := max(0, i-diffContext)
		end := i
		// Extend while the next change is within 2*context unchanged lines.
		for j := i; j < len(ops); j++ {
			if ops[j].op != ' ' {
				end = j
				continue
			}
			if j-end > 2*diffContext {
				break
			}
		}
		end = min(len(ops)-1, end+diffContext)
		oldStart, newStart, oldN, newN := ops[start].a+1, ops[start].b+1, 0, 0
		for _, o := range ops[start : end+1] {
			if o.op != '+' {
				oldN++
			}
			if o.op != '-' {
				newN++
			}
		}
		if oldN == 0 {
			oldStart--
		}
		if newN == 0 {
			newStart--
		}
		hunk := ops[start : end+1]
		i = end + 1
		if room := maxDiffLines - len(d.Lines) - 1; room < len(hunk) {
			// Past the bound: the start of this hunk, then nothing.
			d.Omitted += len(hunk) - max(room, 0)
			hunk = hunk[:max(room, 0)]
		}
		if len(hunk) == 0 {
			continue
		}
		head := fmt.Sprintf("@@ -%d,%d +%d,%d @@", oldStart, oldN, newStart, newN)
		d.Lines = append(d.Lines, DiffLine{Op: "@", Text: head})
		sb.WriteString(head + "\n")
		for _, o := range hunk {
			d.Lines = append(d.Lines, DiffLine{Op: string(o.op), Text: o.text})
			sb.WriteString(string(o.op) + o.text + "\n")
		}
	}
	d.Unified = sb.String()
	return d
}

func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

type diffOp struct {
	op   byte // ' ', '-', '+'
	text string
	a, b int // the line's index in the old and new text (the position for an added or removed line)
}

// diffOps is a shortest edit script from a to b: the common prefix and
// suffix, and a longest common subsequence of the middle (or, when the
// middle is too large for the table, all of it removed and added).
func diffOps(a, b []string) []diffOp {
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	ma, mb := a[pre:len(a)-suf], b[pre:len(b)-suf]
	var ops []diffOp
	for i := range pre {
		ops = append(ops, diffOp{' ', a[i], i, i})
	}
	n, m := len(ma), len(mb)
	if n*m > maxDiffCells {
		for i, s := range ma {
			ops = append(ops, diffOp{'-', s, pre + i, pre})
		}
		for j, s := range mb {
			ops = append(ops, diffOp{'+', s, pre + n, pre + j})
		}
	} else {
		// lcs[i][j] is the LCS length of ma[i:] and mb[j:].
		lcs := make([][]int32, n+1)
		for i := range lcs {
			lcs[i] = make([]int32, m+1)
		}
		for i := n - 1; i >= 0; i-- {
			for j := m - 1; j >= 0; j-- {
				if ma[i] == mb[j] {
					lcs[i][j] = lcs[i+1][j+1] + 1
				} else {
					lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
				}
			}
		}
		i, j := 0, 0
		for i < n || j < m {
			switch {
			case i < n && j < m && ma[i] == mb[j]:
				ops = append(ops, diffOp{' ', ma[i], pre + i, pre + j})
				i++
				j++
			case i < n && (j == m || lcs[i+1][j] >= lcs[i][j+1]):
				ops = append(ops, diffOp{'-', ma[i], pre + i, pre + j})
				i++
			default:
				ops = append(ops, diffOp{'+', mb[j], pre + i, pre + j})
				j++
			}
		}
	}
	for k := range suf {
		ia, ib := len(a)-suf+k, len(b)-suf+k
		ops = append(ops, diffOp{' ', a[ia], ia, ib})
	}
	return ops
}
