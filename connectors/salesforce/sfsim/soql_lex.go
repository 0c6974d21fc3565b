package sfsim

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

type tokenKind int

const (
	tokEOF tokenKind = iota
	tokIdent
	tokString
	tokNumber
	tokDateTime
	tokDate
	tokOp     // = != <> < <= > >=
	tokLParen // (
	tokRParen // )
	tokComma  // ,
)

type token struct {
	kind tokenKind
	text string    // identifier or operator text, decoded string value
	num  float64   // tokNumber
	time time.Time // tokDateTime, tokDate
	pos  int       // byte offset in the statement
}

func (t token) String() string {
	switch t.kind {
	case tokEOF:
		return "end of statement"
	case tokString:
		return "'" + t.text + "'"
	default:
		return t.text
	}
}

// syntaxError is a MALFORMED_QUERY problem at a position of the statement.
type syntaxError struct {
	pos int
	msg string
}

func (e *syntaxError) Error() string { return fmt.Sprintf("at position %d: %s", e.pos, e.msg) }

// lex splits a SOQL statement into tokens.
func lex(src string) ([]token, error) {
	var toks []token
	i := 0
	for i < len(src) {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '(':
			toks = append(toks, token{kind: tokLParen, text: "(", pos: i})
			i++
		case c == ')':
			toks = append(toks, token{kind: tokRParen, text: ")", pos: i})
			i++
		case c == ',':
			toks = append(toks, token{kind: tokComma, text: ",", pos: i})
			i++
		case c == '=':
			toks = append(toks, token{kind: tokOp, text: "=", pos: i})
			i++
		case c == '!':
			if i+1 < len(src) && src[i+1] == '=' {
				toks = append(toks, token{kind: tokOp, text: "!=", pos: i})
				i += 2
				continue
			}
			return nil, &syntaxError{i, "unexpected character '!'"}
		case c == '<' || c == '>':
			op, n := string(c), 1
			if i+1 < len(src) && src[i+1] == '=' {
				op, n = op+"=", 2
			} else if c == '<' && i+1 < len(src) && src[i+1] == '>' {
				op, n = "!=", 2
			}
			toks = append(toks, token{kind: tokOp, text: op, pos: i})
			i += n
		case c == '\'':
			s, n, err := lexString(src, i)
			if err != nil {
				return nil, err
			}
			toks = append(toks, token{kind: tokString, text: s, pos: i})
			i += n
		case isDigit(c) || ((c == '-' || c == '+') && i+1 < len(src) && isDigit(src[i+1])):
			t, n, err := lexNumberOrDate(src, i)
			if err != nil {
				return nil, err
			}
			toks = append(toks, t)
			i += n
		case isIdentStart(c):
			j := i + 1
			for j < len(src) && isIdentPart(src[j]) {
				j++
			}
			toks = append(toks, token{kind: tokIdent, text: src[i:j], pos: i})
			i = j
		default:
			r, _ := utf8.DecodeRuneInString(src[i:])
			return nil, &syntaxError{i, fmt.Sprintf("unexpected character %q", r)}
		}
	}
	return append(toks, token{kind: tokEOF, pos: len(src)}), nil
}

func isDigit(c byte) bool      { return c >= '0' && c <= '9' }
func isIdentStart(c byte) bool { return c == '_' || (c|0x20 >= 'a' && c|0x20 <= 'z') }
func isIdentPart(c byte) bool  { return isIdentStart(c) || isDigit(c) || c == '.' }

// lexString decodes the quoted string literal whose opening quote is src[start].
// The LIKE wildcard escapes \% and \_ are kept with their backslash so that
// LIKE can tell them from wildcards, and so is an escaped backslash (\\), so
// that a backslash followed by a percent sign ('\\%') stays apart from an
// escaped percent sign ('\%'): the decoded value keeps exactly these three
// two-character escapes (plainString resolves them).
func lexString(src string, start int) (string, int, error) {
	var b strings.Builder
	i := start + 1
	for i < len(src) {
		c := src[i]
		switch c {
		case '\'':
			return b.String(), i + 1 - start, nil
		case '\\':
			if i+1 >= len(src) {
				return "", 0, &syntaxError{i, "unterminated escape sequence"}
			}
			e := src[i+1]
			switch e {
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			case 'b':
				b.WriteByte('\b')
			case 'f':
				b.WriteByte('\f')
			case '"', '\'':
				b.WriteByte(e)
			case '\\', '%', '_':
				b.WriteByte('\\')
				b.WriteByte(e)
			case 'u':
				if i+6 > len(src) {
					return "", 0, &syntaxError{i, "invalid unicode escape"}
				}
				v, err := strconv.ParseUint(src[i+2:i+6], 16, 16)
				if err != nil {
					return "", 0, &syntaxError{i, "invalid unicode escape"}
				}
				b.WriteRune(rune(v))
				i += 4
			default:
				return "", 0, &syntaxError{i, fmt.Sprintf("illegal escape sequence \\%c", e)}
			}
			i += 2
		default:
			b.WriteByte(c)
			i++
		}
	}
	return "", 0, &syntaxError{start, "unterminated string literal"}
}

// lexNumberOrDate reads a number, a date (2026-11-25) or a datetime
// (2026-11-25T03:55:12Z, with optional fraction and +hh:mm offset).
func lexNumberOrDate(src string, start int) (token, int, error) {
	j := start
	if src[j] == '-' || src[j] == '+' {
		j++
	}
	digitsStart := j
	for j < len(src) && isDigit(src[j]) {
		j++
	}
	if j-digitsStart == 4 && j < len(src) && src[j] == '-' && j == start+4 {
		k := j
		for k < len(src) && (isDigit(src[k]) || strings.IndexByte("-:.+TZ", src[k]) >= 0) {
			k++
		}
		lit := src[start:k]
		if t, err := time.Parse(dateLayout, lit); err == nil {
			return token{kind: tokDate, text: lit, time: t, pos: start}, k - start, nil
		}
		if strings.Contains(lit, "T") {
			if t, err := time.Parse(time.RFC3339Nano, lit); err == nil {
				return token{kind: tokDateTime, text: lit, time: t.UTC(), pos: start}, k - start, nil
			}
		}
		return token{}, 0, &syntaxError{start, fmt.Sprintf("invalid date or datetime literal %s", lit)}
	}
	if j < len(src) && src[j] == '.' {
		j++
		for j < len(src) && isDigit(src[j]) {
			j++
		}
	}
	if j < len(src) && isIdentStart(src[j]) {
		return token{}, 0, &syntaxError{start, fmt.Sprintf("invalid number %s", src[start:j+1])}
	}
	n, err := strconv.ParseFloat(src[start:j], 64)
	if err != nil {
		return token{}, 0, &syntaxError{start, fmt.Sprintf("invalid number %s", src[start:j])}
	}
	return token{kind: tokNumber, text: src[start:j], num: n, pos: start}, j - start, nil
}
