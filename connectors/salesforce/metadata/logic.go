package metadata

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// Logic is the filter logic of numbered criteria, as lookup filters and
// sharing rules write it in booleanFilter: "1 AND (2 OR NOT 3)". The
// numbers count the criteria from 1.
type Logic struct {
	text string
	root logicNode
}

type logicNode struct {
	op   string // "AND", "OR", "NOT", "" for an item
	item int    // 0-based criterion of a leaf
	args []logicNode
}

// ParseLogic reads a booleanFilter over n criteria. Every criterion it
// names must exist.
func ParseLogic(expr string, n int) (*Logic, error) {
	p := logicParser{toks: logicTokens(expr), n: n}
	if len(p.toks) == 0 {
		return nil, fmt.Errorf("booleanFilter %q: empty", expr)
	}
	root, err := p.or()
	if err == nil && p.pos < len(p.toks) {
		err = fmt.Errorf("unexpected %q", p.toks[p.pos])
	}
	if err != nil {
		return nil, fmt.Errorf("booleanFilter %q: %w", expr, err)
	}
	return &Logic{text: expr, root: root}, nil
}

// String is the filter logic as written.
func (l *Logic) String() string { return l.text }

// Eval evaluates the logic over n criteria, asking holds for each 0-based
// criterion; a nil Logic means all n must hold, as criteria without a
// booleanFilter do.
func (l *Logic) Eval(n int, holds func(i int) bool) bool {
	if l != nil {
		return l.root.eval(holds)
	}
	for i := range n {
		if !holds(i) {
			return false
		}
	}
	return true
}

func (n logicNode) eval(holds func(int) bool) bool {
	switch n.op {
	case "AND":
		for _, a := range n.args {
			if !a.eval(holds) {
				return false
			}
		}
		return true
	case "OR":
		for _, a := range n.args {
			if a.eval(holds) {
				return true
			}
		}
		return false
	case "NOT":
		return !n.args[0].eval(holds)
	}
	return holds(n.item)
}

func logicTokens(s string) []string {
	var toks []string
	for i := 0; i < len(s); {
		r := rune(s[i])
		switch {
		case unicode.IsSpace(r):
			i++
		case r == '(' || r == ')':
			toks = append(toks, string(r))
			i++
		default:
			j := i
			for j < len(s) && !unicode.IsSpace(rune(s[j])) && s[j] != '(' && s[j] != ')' {
				j++
			}
			toks = append(toks, s[i:j])
			i = j
		}
	}
	return toks
}

type logicParser struct {
	toks []string
	pos  int
	n    int
}

func (p *logicParser) peek() string {
	if p.pos < len(p.toks) {
		return strings.ToUpper(p.toks[p.pos])
	}
	return ""
}

func (p *logicParser) or() (logicNode, error) {
	return p.binary("OR", p.and)
}

func (p *logicParser) and() (logicNode, error) {
	return p.binary("AND", p.unary)
}

func (p *logicParser) binary(op string, next func() (logicNode, error)) (logicNode, error) {
	first, err := next()
	if err != nil {
		return logicNode{}, err
	}
	args := []logicNode{first}
	for p.peek() == op {
		p.pos++
		n, err := next()
		if err != nil {
			return logicNode{}, err
		}
		args = append(args, n)
	}
	if len(args) == 1 {
		return first, nil
	}
	return logicNode{op: op, args: args}, nil
}

func (p *logicParser) unary() (logicNode, error) {
	switch tok := p.peek(); tok {
	case "":
		return logicNode{}, fmt.Errorf("ends too early")
	case "NOT":
		p.pos++
		n, err := p.unary()
		return logicNode{op: "NOT", args: []logicNode{n}}, err
	case "(":
		p.pos++
		n, err := p.or()
		if err != nil {
			return logicNode{}, err
		}
		if p.peek() != ")" {
			return logicNode{}, fmt.Errorf("missing )")
		}
		p.pos++
		return n, nil
	default:
		i, err := strconv.Atoi(tok)
		if err != nil {
			return logicNode{}, fmt.Errorf("unexpected %q (numbers, AND, OR, NOT and parentheses only)", p.toks[p.pos])
		}
		if i < 1 || i > p.n {
			return logicNode{}, fmt.Errorf("criterion %d does not exist (there are %d)", i, p.n)
		}
		p.pos++
		return logicNode{item: i - 1}, nil
	}
}
