package soql

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Escape returns s escaped for use inside a SOQL string literal (without the
// surrounding quotes), following Salesforce's quoted-string escape rules:
// backslash first, then the quotes, then the named control characters; any
// other control character becomes \uXXXX. Invalid UTF-8 bytes become
// \uFFFD, so the result is always valid UTF-8.
func Escape(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch r {
		case '\\':
			b.WriteString(`\\`)
		case '\'':
			b.WriteString(`\'`)
		case '"':
			b.WriteString(`\"`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		default:
			if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == utf8.RuneError || r == '\u2028' || r == '\u2029' {
				fmt.Fprintf(&b, `\u%04X`, r)
				continue
			}
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Quote returns s as a complete SOQL string literal: escaped and wrapped in
// single quotes.
func Quote(s string) string { return "'" + Escape(s) + "'" }
