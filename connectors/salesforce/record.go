package salesforce

import (
	"fmt"
	"regexp"
	"time"
)

// Record is one Salesforce record: field name to JSON value (strings,
// float64 numbers, bools, nil, nested records for relationships), without
// the "attributes" entry.
type Record map[string]any

// ID returns the record's Id, or "".
func (r Record) ID() string { return r.String("Id") }

// String returns a string field, or "" when it is missing, null or not a
// string.
func (r Record) String(field string) string {
	s, _ := r[field].(string)
	return s
}

// Bool returns a boolean field (false when missing or null).
func (r Record) Bool(field string) bool {
	b, _ := r[field].(bool)
	return b
}

// Time parses a datetime field; the zero time and no error when it is
// missing or null.
func (r Record) Time(field string) (time.Time, error) {
	v, ok := r[field]
	if !ok || v == nil {
		return time.Time{}, nil
	}
	s, ok := v.(string)
	if !ok {
		return time.Time{}, fmt.Errorf("field %s: %T is not a datetime", field, v)
	}
	t, err := ParseTime(s)
	if err != nil {
		return time.Time{}, fmt.Errorf("field %s: %w", field, err)
	}
	return t, nil
}

func newRecord(m map[string]any) Record {
	r := make(Record, len(m))
	for k, v := range m {
		if k == "attributes" {
			continue
		}
		if nested, ok := v.(map[string]any); ok {
			v = map[string]any(newRecord(nested))
		}
		r[k] = v
	}
	return r
}

// Datetime layouts Salesforce returns, then the RFC 3339 forms.
var timeLayouts = []string{
	"2006-01-02T15:04:05.000-0700",
	"2006-01-02T15:04:05-0700",
	time.RFC3339Nano,
}

// ParseTime parses a Salesforce datetime (2026-11-25T03:55:12.000+0000) or
// an RFC 3339 one, returning it in UTC.
func ParseTime(s string) (time.Time, error) {
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("datetime %q: want 2006-01-02T15:04:05.000+0000 or RFC 3339", truncate(s, 40))
}

// FormatTime renders t the way Salesforce returns datetimes.
func FormatTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000-0700") }

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

var idPattern = regexp.MustCompile(`^[A-Za-z0-9]{15}([A-Za-z0-9]{3})?$`)

// ValidID reports whether id looks like a Salesforce record id (15 or 18
// alphanumeric characters).
func ValidID(id string) bool { return idPattern.MatchString(id) }
