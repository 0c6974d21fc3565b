package rules

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
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
// message actions; new_status for set_status) must be present.
func ParseScenario(data []byte) (Scenario, error) {
	var s Scenario
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil {
		return s, fmt.Errorf("parse scenario: %w", err)
	}
	if fields == nil {
		return s, errors.New("parse scenario: want a JSON object, got null")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return s, fmt.Errorf("parse scenario: %w", err)
	}
	required := []string{"platform", "action", "now", "case"}
	switch s.Action {
	case Reply:
		required = append(required, "reply_mode", "target")
	case SetStatus:
		required = append(required, "new_status")
	case SetProfile:
	default:
		required = append(required, "target")
	}
	for _, name := range required {
		if v, ok := fields[name]; !ok || string(bytes.TrimSpace(v)) == "null" {
			return s, fmt.Errorf("parse scenario: missing field %q", name)
		}
	}
	if fields["target"] != nil {
		var target map[string]json.RawMessage
		if err := json.Unmarshal(fields["target"], &target); err == nil && target != nil {
			if _, ok := target["kind"]; !ok {
				return s, errors.New("parse scenario: missing field \"target.kind\"")
			}
		}
	}
	return s, nil
}
