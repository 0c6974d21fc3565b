package sfsim

import (
	"fmt"
	"strings"
	"time"
)

// query is a parsed SOQL SELECT statement.
type query struct {
	fields  []fieldPath // selected fields (empty for COUNT())
	count   bool        // SELECT COUNT()
	object  string
	where   expr // nil when there is no WHERE clause
	orderBy []orderItem
	limit   int // -1 when absent
	offset  int // 0 when absent
}

// fieldPath is a field reference, possibly through relationships
// (Owner.Email, Case__r.Care_Case_Id__c).
type fieldPath struct {
	parts []string
	pos   int
}

func (f fieldPath) String() string { return strings.Join(f.parts, ".") }

type orderItem struct {
	field     fieldPath
	desc      bool
	nullsLast bool
}

type expr interface{ isExpr() }

type andExpr struct{ left, right expr }
type orExpr struct{ left, right expr }
type notExpr struct{ x expr }

// cmpExpr compares a field with literals: op is one of = != < <= > >= LIKE IN
// NOT IN. IN and NOT IN take a subquery instead of literals (a semi-join or
// anti-join: Id IN (SELECT ParentId FROM ...)).
type cmpExpr struct {
	field  fieldPath
	op     string
	values []literal
	sub    *query
}

func (andExpr) isExpr() {}
func (orExpr) isExpr()  {}
func (notExpr) isExpr() {}
func (cmpExpr) isExpr() {}

type litKind int

const (
	litString litKind = iota + 1
	litNumber
	litBool
	litNull
	litDateTime
	litDate
)

func (k litKind) String() string {
	switch k {
	case litString:
		return "string"
	case litNumber:
		return "number"
	case litBool:
		return "boolean"
	case litNull:
		return "null"
	case litDateTime:
		return "dateTime"
	case litDate:
		return "date"
	}
	return "unknown"
}

type literal struct {
	kind litKind
	str  string
	num  float64
	b    bool
	t    time.Time
}

// maxQueryDepth bounds nesting of parentheses and NOT so that hostile input
// cannot exhaust the stack.
const maxQueryDepth = 100

// maxQueryLength is Salesforce's limit on the length of a statement.
const maxQueryLength = 100000

type parser struct {
	toks  []token
	i     int
	depth int
	inSub bool // parsing a semi-join subquery
}

// parseSOQL parses one SELECT statement.
func parseSOQL(src string) (*query, error) {
	if len(src) > maxQueryLength {
		return nil, &syntaxError{maxQueryLength, "SOQL statements cannot be longer than 100,000 characters"}
	}
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	q, err := p.parseQuery(false)
	if err != nil {
		return nil, err
	}
	if p.peek().kind != tokEOF {
		return nil, p.unexpected("expecting end of statement")
	}
	return q, nil
}

func (p *parser) peek() token { return p.toks[p.i] }

func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tokEOF {
		p.i++
	}
	return t
}

func (p *parser) isKeyword(kw string) bool {
	t := p.peek()
	return t.kind == tokIdent && strings.EqualFold(t.text, kw)
}

func (p *parser) acceptKeyword(kw string) bool {
	if p.isKeyword(kw) {
		p.i++
		return true
	}
	return false
}

func (p *parser) expectKeyword(kw string) error {
	if !p.acceptKeyword(kw) {
		return p.unexpected("expecting " + kw)
	}
	return nil
}

func (p *parser) expect(kind tokenKind, what string) (token, error) {
	t := p.peek()
	if t.kind != kind {
		return t, p.unexpected("expecting " + what)
	}
	return p.next(), nil
}

func (p *parser) unexpected(hint string) error {
	t := p.peek()
	return &syntaxError{t.pos, fmt.Sprintf("unexpected token: %s (%s)", t, hint)}
}

// isReserved reports whether word is a SOQL keyword that cannot name a field.
func isReserved(word string) bool {
	switch strings.ToLower(word) {
	case "select", "from", "where", "and", "or", "not", "in", "like", "order", "by", "limit", "offset",
		"null", "true", "false", "asc", "desc", "nulls":
		return true
	}
	return false
}

// parseQuery parses a SELECT up to its end: the end of the statement, or the
// closing parenthesis of a subquery (sub), which it leaves for the caller.
func (p *parser) parseQuery(sub bool) (*query, error) {
	q := &query{limit: -1}
	if err := p.expectKeyword("SELECT"); err != nil {
		return nil, err
	}
	if p.isKeyword("COUNT") && p.toks[p.i+1].kind == tokLParen {
		p.i += 2
		if _, err := p.expect(tokRParen, "')'"); err != nil {
			return nil, err
		}
		q.count = true
	} else {
		for {
			f, err := p.parseField()
			if err != nil {
				return nil, err
			}
			q.fields = append(q.fields, f)
			if p.peek().kind != tokComma {
				break
			}
			p.next()
		}
	}
	if err := p.expectKeyword("FROM"); err != nil {
		return nil, err
	}
	obj, err := p.expect(tokIdent, "an object name")
	if err != nil {
		return nil, err
	}
	if isReserved(obj.text) || strings.Contains(obj.text, ".") {
		return nil, &syntaxError{obj.pos, fmt.Sprintf("unexpected token: %s (expecting an object name)", obj.text)}
	}
	q.object = obj.text
	if p.acceptKeyword("WHERE") {
		if q.where, err = p.parseCondition(); err != nil {
			return nil, err
		}
	}
	if p.acceptKeyword("ORDER") {
		if err := p.expectKeyword("BY"); err != nil {
			return nil, err
		}
		if q.orderBy, err = p.parseOrderBy(); err != nil {
			return nil, err
		}
	}
	if p.acceptKeyword("LIMIT") {
		if q.limit, err = p.parseCount("LIMIT"); err != nil {
			return nil, err
		}
	}
	if p.acceptKeyword("OFFSET") {
		if q.offset, err = p.parseCount("OFFSET"); err != nil {
			return nil, err
		}
	}
	if sub && (q.count || len(q.orderBy) > 0 || q.limit >= 0 || q.offset > 0) {
		return nil, &syntaxError{p.peek().pos, "a semi-join subquery selects one field and takes no COUNT(), ORDER BY, LIMIT or OFFSET"}
	}
	return q, nil
}

func (p *parser) parseCount(clause string) (int, error) {
	t, err := p.expect(tokNumber, "a non-negative integer after "+clause)
	if err != nil {
		return 0, err
	}
	if t.num < 0 || t.num != float64(int(t.num)) || t.num > 1e9 || strings.ContainsAny(t.text, ".+-") {
		return 0, &syntaxError{t.pos, fmt.Sprintf("%s must be a non-negative integer, not %s", clause, t.text)}
	}
	return int(t.num), nil
}

func (p *parser) parseField() (fieldPath, error) {
	t, err := p.expect(tokIdent, "a field name")
	if err != nil {
		return fieldPath{}, err
	}
	if isReserved(t.text) {
		return fieldPath{}, &syntaxError{t.pos, fmt.Sprintf("unexpected token: %s (expecting a field name)", t.text)}
	}
	parts := strings.Split(t.text, ".")
	for _, part := range parts {
		if part == "" || isDigit(part[0]) {
			return fieldPath{}, &syntaxError{t.pos, fmt.Sprintf("invalid field name %s", t.text)}
		}
	}
	return fieldPath{parts: parts, pos: t.pos}, nil
}

func (p *parser) parseOrderBy() ([]orderItem, error) {
	var items []orderItem
	for {
		f, err := p.parseField()
		if err != nil {
			return nil, err
		}
		it := orderItem{field: f}
		if p.acceptKeyword("DESC") {
			it.desc = true
		} else {
			p.acceptKeyword("ASC")
		}
		it.nullsLast = it.desc
		if p.acceptKeyword("NULLS") {
			switch {
			case p.acceptKeyword("FIRST"):
				it.nullsLast = false
			case p.acceptKeyword("LAST"):
				it.nullsLast = true
			default:
				return nil, p.unexpected("expecting FIRST or LAST")
			}
		}
		items = append(items, it)
		if p.peek().kind != tokComma {
			return items, nil
		}
		p.next()
	}
}

func (p *parser) enter() error {
	p.depth++
	if p.depth > maxQueryDepth {
		return &syntaxError{p.peek().pos, "condition nested too deeply"}
	}
	return nil
}

// parseCondition parses conditions joined by AND or by OR. Like Salesforce,
// it refuses to mix the two without parentheses ("A OR B AND C").
func (p *parser) parseCondition() (expr, error) {
	left, err := p.parseNot()
	if err != nil {
		return nil, err
	}
	joiner := ""
	for {
		var op string
		switch {
		case p.isKeyword("AND"):
			op = "AND"
		case p.isKeyword("OR"):
			op = "OR"
		default:
			return left, nil
		}
		if joiner != "" && op != joiner {
			return nil, &syntaxError{p.peek().pos, fmt.Sprintf("unexpected token: %s (use parentheses when mixing AND and OR)", p.peek().text)}
		}
		joiner = op
		p.next()
		right, err := p.parseNot()
		if err != nil {
			return nil, err
		}
		if op == "AND" {
			left = andExpr{left, right}
		} else {
			left = orExpr{left, right}
		}
	}
}

func (p *parser) parseNot() (expr, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	if p.acceptKeyword("NOT") {
		x, err := p.parseNot()
		if err != nil {
			return nil, err
		}
		return notExpr{x}, nil
	}
	if p.peek().kind == tokLParen {
		p.next()
		x, err := p.parseCondition()
		if err != nil {
			return nil, err
		}
		if _, err := p.expect(tokRParen, "')'"); err != nil {
			return nil, err
		}
		return x, nil
	}
	return p.parseComparison()
}

func (p *parser) parseComparison() (expr, error) {
	f, err := p.parseField()
	if err != nil {
		return nil, err
	}
	switch {
	case p.peek().kind == tokOp:
		op := p.next().text
		v, err := p.parseLiteral()
		if err != nil {
			return nil, err
		}
		return cmpExpr{field: f, op: op, values: []literal{v}}, nil
	case p.acceptKeyword("LIKE"):
		t, err := p.expect(tokString, "a string after LIKE")
		if err != nil {
			return nil, err
		}
		return cmpExpr{field: f, op: "LIKE", values: []literal{{kind: litString, str: t.text}}}, nil
	case p.acceptKeyword("IN"):
		return p.parseIn(f, "IN")
	case p.isKeyword("NOT") && p.toks[p.i+1].kind == tokIdent && strings.EqualFold(p.toks[p.i+1].text, "IN"):
		p.i += 2
		return p.parseIn(f, "NOT IN")
	}
	return nil, p.unexpected("expecting a comparison operator")
}

// parseIn parses the list or subquery after IN / NOT IN.
func (p *parser) parseIn(f fieldPath, op string) (expr, error) {
	if p.peek().kind == tokLParen && p.toks[p.i+1].kind == tokIdent && strings.EqualFold(p.toks[p.i+1].text, "SELECT") {
		if p.inSub {
			return nil, &syntaxError{p.peek().pos, "semi-join subqueries cannot be nested"}
		}
		p.next()
		p.inSub = true
		sub, err := p.parseQuery(true)
		p.inSub = false
		if err != nil {
			return nil, err
		}
		if _, err := p.expect(tokRParen, "')' after the subquery"); err != nil {
			return nil, err
		}
		return cmpExpr{field: f, op: op, sub: sub}, nil
	}
	vs, err := p.parseList()
	if err != nil {
		return nil, err
	}
	return cmpExpr{field: f, op: op, values: vs}, nil
}

func (p *parser) parseList() ([]literal, error) {
	if _, err := p.expect(tokLParen, "'(' after IN"); err != nil {
		return nil, err
	}
	var vs []literal
	for {
		v, err := p.parseLiteral()
		if err != nil {
			return nil, err
		}
		vs = append(vs, v)
		if p.peek().kind == tokRParen {
			p.next()
			return vs, nil
		}
		if _, err := p.expect(tokComma, "',' or ')'"); err != nil {
			return nil, err
		}
	}
}

func (p *parser) parseLiteral() (literal, error) {
	t := p.peek()
	switch t.kind {
	case tokString:
		p.next()
		return literal{kind: litString, str: t.text}, nil
	case tokNumber:
		p.next()
		return literal{kind: litNumber, num: t.num}, nil
	case tokDateTime:
		p.next()
		return literal{kind: litDateTime, t: t.time}, nil
	case tokDate:
		p.next()
		return literal{kind: litDate, t: t.time}, nil
	case tokIdent:
		switch strings.ToLower(t.text) {
		case "true", "false":
			p.next()
			return literal{kind: litBool, b: strings.EqualFold(t.text, "true")}, nil
		case "null":
			p.next()
			return literal{kind: litNull}, nil
		}
	}
	return literal{}, p.unexpected("expecting a value")
}
