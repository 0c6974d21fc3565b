package rules

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"reflect"
	"slices"
	"strings"
	"time"
)

// maxScenarioBytes bounds what RunCheck reads.
const maxScenarioBytes = 1 << 20

// RunCheck is `carebridge rules check`: it reads one JSON scenario from stdin,
// strictly (unknown fields and missing required fields are errors naming the
// field), and writes the decision as one line of JSON to stdout.
func RunCheck(stdin io.Reader, stdout io.Writer, e *Engine) error {
	if e == nil {
		e = Default()
	}
	data, err := io.ReadAll(io.LimitReader(stdin, maxScenarioBytes+1))
	if err != nil {
		return fmt.Errorf("rules check: read scenario: %w", err)
	}
	if len(data) > maxScenarioBytes {
		return fmt.Errorf("rules check: scenario larger than %d bytes", maxScenarioBytes)
	}
	s, err := ParseScenario(data)
	if err != nil {
		return fmt.Errorf("rules check: %w", err)
	}
	out, err := json.Marshal(e.Check(s))
	if err != nil {
		return fmt.Errorf("rules check: encode decision: %w", err)
	}
	if _, err := stdout.Write(append(out, '\n')); err != nil {
		return fmt.Errorf("rules check: write decision: %w", err)
	}
	return nil
}

// ParseScenario reads one JSON scenario strictly: exactly one object,
// unknown fields are errors, and the fields a decision needs (platform,
// action, now, case; reply_mode and target for a reply; target for other
// message actions; new_status for set_status) must be present. Errors name
// the field ("case.owner").
func ParseScenario(data []byte) (Scenario, error) {
	var s Scenario
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil {
		return s, fmt.Errorf("parse scenario: %w", err)
	}
	if fields == nil {
		return s, errors.New("parse scenario: want a JSON object, got null")
	}
	if err := decodeStrict(data, reflect.ValueOf(&s).Elem(), ""); err != nil {
		return s, fmt.Errorf("parse scenario: %w", err)
	}
	required := []string{"platform", "action", "now", "case"}
	switch s.Action {
	case Reply:
		required = append(required, "reply_mode", "target", "target.kind")
	case SetStatus:
		required = append(required, "new_status")
	case SetProfile:
	default:
		required = append(required, "target", "target.kind")
	}
	for _, name := range required {
		if !present(fields, name) {
			return s, fmt.Errorf("parse scenario: missing field %q", name)
		}
	}
	return s, nil
}

// present reports whether a dotted field is in the object and not null.
func present(fields map[string]json.RawMessage, name string) bool {
	first, rest, nested := strings.Cut(name, ".")
	v, ok := fields[first]
	if !ok || string(bytes.TrimSpace(v)) == "null" {
		return false
	}
	if !nested {
		return true
	}
	var inner map[string]json.RawMessage
	if err := json.Unmarshal(v, &inner); err != nil {
		return false
	}
	return present(inner, rest)
}

var timeType = reflect.TypeFor[time.Time]()

// decodeStrict decodes raw into v, refusing object keys v has no field for
// and naming the dotted path of any field that fails.
func decodeStrict(raw json.RawMessage, v reflect.Value, path string) error {
	if v.Kind() != reflect.Struct || v.Type() == timeType {
		if err := json.Unmarshal(raw, v.Addr().Interface()); err != nil {
			return fmt.Errorf("field %q: %w", path, err)
		}
		return nil
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		if path == "" {
			return err
		}
		return fmt.Errorf("field %q: want an object: %w", path, err)
	}
	t := v.Type()
	for _, key := range slices.Sorted(maps.Keys(obj)) {
		val := obj[key]
		name := key
		if path != "" {
			name = path + "." + key
		}
		i := fieldIndex(t, key)
		if i < 0 {
			return fmt.Errorf("unknown field %q", name)
		}
		if err := decodeStrict(val, v.Field(i), name); err != nil {
			return err
		}
	}
	return nil
}

// fieldIndex finds the struct field whose JSON name is key (-1 if none).
func fieldIndex(t reflect.Type, key string) int {
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name == key && name != "" && name != "-" {
			return i
		}
	}
	return -1
}
