package sfsim

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/carebridge/carebridge/connectors/salesforce/metadata"
)

// The sandbox's formula language: what the shipped validation rules use,
// with Salesforce's meaning. AND, OR, NOT, ISNEW, ISCHANGED, ISPICKVAL,
// PRIORVALUE and ISBLANK; $Permission.<CustomPermission>; fields of the
// record; text and number literals, TRUE and FALSE; = (==) and <> (!=);
// comments /* */. Anything else is refused when the formula is compiled,
// so that a rule the sandbox cannot evaluate never passes silently.

// formulaType is the type of a formula expression.
type formulaType int

const (
	fBool formulaType = iota
	fText
	fNumber
	fPicklist // a picklist field's value: only ISPICKVAL, ISBLANK, ISCHANGED and PRIORVALUE take it
	fDateTime
)

func (t formulaType) String() string {
	return [...]string{"Checkbox", "Text", "Number", "Picklist", "Date/Time"}[t]
}

// formulaEnv is what a formula reads when it runs: the record as it would
// be saved, the record before the save (nil when it is created) and the
// custom permissions of the user saving it.
type formulaEnv struct {
	rec, prior map[string]any
	permission func(name string) bool
}

// formula is a compiled boolean formula.
type formula struct {
	root formulaNode
}

func (f *formula) eval(env formulaEnv) bool {
	v, _ := f.root.eval(env).(bool)
	return v
}

type formulaNode interface {
	eval(env formulaEnv) any // bool, string, float64, time.Time or nil (blank)
}

type (
	litNode   struct{ v any }
	fieldNode struct{ name string }
	priorNode struct{ name string }
	permNode  struct{ name string }
	isNewNode struct{}
	// changedNode is ISCHANGED(field).
	changedNode struct{ name string }
	pickNode    struct {
		arg   formulaNode
		value string
	}
	blankNode struct{ arg formulaNode }
	notNode   struct{ arg formulaNode }
	andOrNode struct {
		and  bool
		args []formulaNode
	}
	eqNode struct {
		negate bool
		l, r   formulaNode
	}
)

func (n litNode) eval(formulaEnv) any     { return n.v }
func (n fieldNode) eval(e formulaEnv) any { return e.rec[n.name] }
func (n permNode) eval(e formulaEnv) any  { return e.permission(n.name) }
func (isNewNode) eval(e formulaEnv) any   { return e.prior == nil }
func (n blankNode) eval(e formulaEnv) any { return blank(n.arg.eval(e)) }
func (n notNode) eval(e formulaEnv) any   { b, _ := n.arg.eval(e).(bool); return !b }
func (n changedNode) eval(e formulaEnv) any {
	return e.prior != nil && !formulaEqual(e.prior[n.name], e.rec[n.name])
}

// PRIORVALUE on a new record is the value being saved, as in Salesforce.
func (n priorNode) eval(e formulaEnv) any {
	if e.prior == nil {
		return e.rec[n.name]
	}
	return e.prior[n.name]
}

func (n pickNode) eval(e formulaEnv) any { s, _ := n.arg.eval(e).(string); return s == n.value }

func (n andOrNode) eval(e formulaEnv) any {
	for _, a := range n.args {
		if b, _ := a.eval(e).(bool); b != n.and {
			return !n.and
		}
	}
	return n.and
}

func (n eqNode) eval(e formulaEnv) any { return formulaEqual(n.l.eval(e), n.r.eval(e)) != n.negate }

// blank is ISBLANK: no value, or empty text.
func blank(v any) bool {
	s, isText := v.(string)
	return v == nil || isText && s == ""
}

// formulaEqual compares two stored values; a blank equals a blank (formulas
// treat blank fields as blanks) and empty text.
func formulaEqual(a, b any) bool {
	if blank(a) || blank(b) {
		return blank(a) && blank(b)
	}
	if ta, ok := a.(time.Time); ok {
		tb, ok := b.(time.Time)
		return ok && ta.Equal(tb)
	}
	return a == b
}

// compileFormula compiles the errorConditionFormula of a rule on object o:
// every field must exist on o, every custom permission in the schema, and
// the formula must be a Checkbox (true or false) expression.
func compileFormula(src string, o *metadata.Object, schema *metadata.Schema) (*formula, error) {
	toks, err := lexFormula(src)
	if err != nil {
		return nil, err
	}
	p := &formulaParser{toks: toks, obj: o, schema: schema}
	root, typ, err := p.expr()
	if err == nil && p.pos < len(p.toks) {
		err = fmt.Errorf("unexpected %q", p.toks[p.pos].text)
	}
	if err == nil && typ != fBool {
		err = fmt.Errorf("the formula is %s, a validation rule needs Checkbox (true or false)", typ)
	}
	if err != nil {
		return nil, err
	}
	return &formula{root: root}, nil
}

type formulaToken struct {
	kind byte // 'i' identifier, 's' string, 'n' number, 'o' operator or punctuation
	text string
}

func lexFormula(src string) ([]formulaToken, error) {
	var toks []formulaToken
	rs := []rune(src)
	for i := 0; i < len(rs); {
		r := rs[i]
		switch {
		case unicode.IsSpace(r):
			i++
		case r == '/' && i+1 < len(rs) && rs[i+1] == '*':
			j := i + 2
			for j+1 < len(rs) && !(rs[j] == '*' && rs[j+1] == '/') {
				j++
			}
			if j+1 >= len(rs) {
				return nil, fmt.Errorf("comment /* without */")
			}
			i = j + 2
		case r == '\'' || r == '"':
			var b strings.Builder
			j := i + 1
			for ; j < len(rs) && rs[j] != r; j++ {
				if rs[j] == '\\' && j+1 < len(rs) {
					j++
				}
				b.WriteRune(rs[j])
			}
			if j >= len(rs) {
				return nil, fmt.Errorf("text literal without its closing %c", r)
			}
			toks = append(toks, formulaToken{'s', b.String()})
			i = j + 1
		case unicode.IsDigit(r):
			j := i
			for j < len(rs) && (unicode.IsDigit(rs[j]) || rs[j] == '.') {
				j++
			}
			toks = append(toks, formulaToken{'n', string(rs[i:j])})
			i = j
		case unicode.IsLetter(r) || r == '$' || r == '_':
			j := i
			for j < len(rs) && (unicode.IsLetter(rs[j]) || unicode.IsDigit(rs[j]) || rs[j] == '_' || rs[j] == '.' || rs[j] == '$') {
				j++
			}
			toks = append(toks, formulaToken{'i', string(rs[i:j])})
			i = j
		default:
			op := string(r)
			if i+1 < len(rs) {
				switch two := string(rs[i : i+2]); two {
				case "<>", "!=", "==", "<=", ">=", "&&", "||":
					op = two
				}
			}
			toks = append(toks, formulaToken{'o', op})
			i += len([]rune(op))
		}
	}
	return toks, nil
}

type formulaParser struct {
	toks   []formulaToken
	pos    int
	obj    *metadata.Object
	schema *metadata.Schema
}

func (p *formulaParser) peek() formulaToken {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return formulaToken{}
}

func (p *formulaParser) expect(op string) error {
	if t := p.peek(); t.kind != 'o' || t.text != op {
		if t.kind == 0 {
			return fmt.Errorf("expected %q, the formula ends", op)
		}
		return fmt.Errorf("expected %q, found %q", op, t.text)
	}
	p.pos++
	return nil
}

// expr parses a comparison (= and <> only; other operators are refused).
func (p *formulaParser) expr() (formulaNode, formulaType, error) {
	l, lt, err := p.operand()
	if err != nil {
		return nil, 0, err
	}
	t := p.peek()
	if t.kind != 'o' || t.text == ")" || t.text == "," {
		return l, lt, nil
	}
	switch t.text {
	case "=", "==", "<>", "!=":
	default:
		return nil, 0, fmt.Errorf("operator %q is not supported by the sandbox (= and <> are)", t.text)
	}
	p.pos++
	r, rt, err := p.operand()
	if err != nil {
		return nil, 0, err
	}
	switch {
	case lt == fPicklist || rt == fPicklist:
		return nil, 0, fmt.Errorf("a picklist field cannot be compared with %s: use ISPICKVAL", t.text)
	case lt != rt:
		return nil, 0, fmt.Errorf("%s compares a %s with a %s", t.text, lt, rt)
	}
	return eqNode{negate: t.text == "<>" || t.text == "!=", l: l, r: r}, fBool, nil
}

func (p *formulaParser) operand() (formulaNode, formulaType, error) {
	t := p.peek()
	switch t.kind {
	case 0:
		return nil, 0, fmt.Errorf("the formula ends too early")
	case 's':
		p.pos++
		return litNode{t.text}, fText, nil
	case 'n':
		p.pos++
		n, err := strconv.ParseFloat(t.text, 64)
		if err != nil {
			return nil, 0, fmt.Errorf("number %q", t.text)
		}
		return litNode{n}, fNumber, nil
	case 'o':
		if t.text != "(" {
			return nil, 0, fmt.Errorf("unexpected %q", t.text)
		}
		p.pos++
		n, typ, err := p.expr()
		if err != nil {
			return nil, 0, err
		}
		return n, typ, p.expect(")")
	}
	p.pos++
	if next := p.peek(); next.kind == 'o' && next.text == "(" {
		return p.call(t.text)
	}
	return p.reference(t.text)
}

// reference resolves TRUE, FALSE, $Permission.X or a field of the object.
func (p *formulaParser) reference(name string) (formulaNode, formulaType, error) {
	switch strings.ToUpper(name) {
	case "TRUE":
		return litNode{true}, fBool, nil
	case "FALSE":
		return litNode{false}, fBool, nil
	}
	if perm, ok := cutPrefixFold(name, "$Permission."); ok {
		c, ok := p.schema.CustomPermission(perm)
		if !ok {
			return nil, 0, fmt.Errorf("$Permission.%s: no such custom permission", perm)
		}
		return permNode{c.Name}, fBool, nil
	}
	if strings.HasPrefix(name, "$") {
		return nil, 0, fmt.Errorf("%s: global variables other than $Permission are not supported by the sandbox", name)
	}
	if strings.Contains(name, ".") {
		return nil, 0, fmt.Errorf("%s: fields across relationships are not supported by the sandbox", name)
	}
	f, ok := p.obj.Field(name)
	if !ok {
		return nil, 0, fmt.Errorf("field %s does not exist on %s", name, p.obj.Name)
	}
	return fieldNode{f.Name}, fieldFormulaType(f), nil
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) > len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):], true
	}
	return "", false
}

func fieldFormulaType(f metadata.Field) formulaType {
	switch f.Type {
	case metadata.TypeBoolean:
		return fBool
	case metadata.TypeDouble, metadata.TypeInt:
		return fNumber
	case metadata.TypePicklist:
		return fPicklist
	case metadata.TypeDateTime, metadata.TypeDate:
		return fDateTime
	}
	return fText
}

// call parses a function call; the name has been read, "(" is next.
func (p *formulaParser) call(name string) (formulaNode, formulaType, error) {
	fn := strings.ToUpper(name)
	switch fn {
	case "AND", "OR", "NOT", "ISNEW", "ISCHANGED", "ISPICKVAL", "PRIORVALUE", "ISBLANK":
	default:
		return nil, 0, fmt.Errorf("function %s is not supported by the sandbox (AND, OR, NOT, ISNEW, ISCHANGED, ISPICKVAL, PRIORVALUE, ISBLANK are)", name)
	}
	p.pos++ // (
	type arg struct {
		n   formulaNode
		typ formulaType
	}
	var args []arg
	if t := p.peek(); !(t.kind == 'o' && t.text == ")") {
		for {
			n, typ, err := p.expr()
			if err != nil {
				return nil, 0, fmt.Errorf("%s: %w", fn, err)
			}
			args = append(args, arg{n, typ})
			if t := p.peek(); t.kind == 'o' && t.text == "," {
				p.pos++
				continue
			}
			break
		}
	}
	if err := p.expect(")"); err != nil {
		return nil, 0, fmt.Errorf("%s: %w", fn, err)
	}
	want := func(n int) error {
		if len(args) != n {
			return fmt.Errorf("%s takes %d argument(s), found %d", fn, n, len(args))
		}
		return nil
	}
	field := func() (string, error) {
		f, ok := args[0].n.(fieldNode)
		if !ok {
			return "", fmt.Errorf("%s takes a field of the record", fn)
		}
		return f.name, nil
	}
	switch fn {
	case "AND", "OR":
		if len(args) == 0 {
			return nil, 0, fmt.Errorf("%s needs at least one argument", fn)
		}
		node := andOrNode{and: fn == "AND"}
		for i, a := range args {
			if a.typ != fBool {
				return nil, 0, fmt.Errorf("%s: argument %d is %s, not Checkbox", fn, i+1, a.typ)
			}
			node.args = append(node.args, a.n)
		}
		return node, fBool, nil
	case "NOT":
		if err := want(1); err != nil {
			return nil, 0, err
		}
		if args[0].typ != fBool {
			return nil, 0, fmt.Errorf("NOT takes a Checkbox, not %s", args[0].typ)
		}
		return notNode{args[0].n}, fBool, nil
	case "ISNEW":
		return isNewNode{}, fBool, want(0)
	case "ISCHANGED", "PRIORVALUE":
		if err := want(1); err != nil {
			return nil, 0, err
		}
		name, err := field()
		if err != nil {
			return nil, 0, err
		}
		if fn == "ISCHANGED" {
			return changedNode{name}, fBool, nil
		}
		return priorNode{name}, args[0].typ, nil
	case "ISPICKVAL":
		if err := want(2); err != nil {
			return nil, 0, err
		}
		lit, ok := args[1].n.(litNode)
		if args[0].typ != fPicklist || !ok || args[1].typ != fText {
			return nil, 0, fmt.Errorf("ISPICKVAL takes a picklist field (or its PRIORVALUE) and a text literal")
		}
		return pickNode{arg: args[0].n, value: lit.v.(string)}, fBool, nil
	default: // ISBLANK
		if err := want(1); err != nil {
			return nil, 0, err
		}
		return blankNode{args[0].n}, fBool, nil
	}
}
