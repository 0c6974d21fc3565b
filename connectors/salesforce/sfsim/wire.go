package sfsim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// DateTimeLayout is how Salesforce writes datetimes on the wire.
const DateTimeLayout = "2006-01-02T15:04:05.000-0700"

const dateLayout = "2006-01-02"

// Error is a Salesforce API error, as the REST API reports it.
type Error struct {
	Status  int      // HTTP status
	Code    string   // errorCode, e.g. INVALID_FIELD
	Message string   // message
	Fields  []string // fields involved, may be empty
}

func (e *Error) Error() string {
	if len(e.Fields) > 0 {
		return fmt.Sprintf("%s: %s (fields %s)", e.Code, e.Message, strings.Join(e.Fields, ", "))
	}
	return e.Code + ": " + e.Message
}

func apiError(status int, code, format string, args ...any) *Error {
	return &Error{Status: status, Code: code, Message: fmt.Sprintf(format, args...)}
}

func fieldError(status int, code string, fields []string, format string, args ...any) *Error {
	return &Error{Status: status, Code: code, Message: fmt.Sprintf(format, args...), Fields: fields}
}

type wireError struct {
	Message   string   `json:"message"`
	ErrorCode string   `json:"errorCode"`
	Fields    []string `json:"fields"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := newEncoder(&buf)
	var err error
	if o, ok := v.(*orderedObject); ok {
		if err = o.encode(&buf, enc); err == nil {
			buf.WriteByte('\n')
		}
	} else {
		err = enc.Encode(v)
	}
	if err != nil {
		status = http.StatusInternalServerError
		buf.Reset()
		buf.WriteString(`[{"message":"cannot encode response","errorCode":"UNKNOWN_EXCEPTION","fields":[]}]`)
	}
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

func writeError(w http.ResponseWriter, e *Error) {
	fields := e.Fields
	if fields == nil {
		fields = []string{}
	}
	writeJSON(w, e.Status, []wireError{{Message: e.Message, ErrorCode: e.Code, Fields: fields}})
}

func formatDateTime(t time.Time) string { return t.UTC().Format(DateTimeLayout) }

// parseDateTime accepts what Salesforce accepts in JSON bodies.
func parseDateTime(s string) (time.Time, bool) {
	for _, layout := range []string{DateTimeLayout, "2006-01-02T15:04:05.999999999-0700", time.RFC3339Nano} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// orderedObject is a JSON object that keeps its keys in insertion order.
type orderedObject struct {
	keys   []string
	values map[string]any
}

func newOrdered() *orderedObject { return &orderedObject{values: make(map[string]any)} }

func (o *orderedObject) set(k string, v any) {
	if _, ok := o.values[k]; !ok {
		o.keys = append(o.keys, k)
	}
	o.values[k] = v
}

func (o *orderedObject) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	if err := o.encode(&buf, newEncoder(&buf)); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func newEncoder(buf *bytes.Buffer) *json.Encoder {
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	return enc
}

// encode writes o into buf in one pass: nested ordered objects are written
// in place, not marshalled apart and then checked again by encoding/json
// (which made large query answers slow to render).
func (o *orderedObject) encode(buf *bytes.Buffer, enc *json.Encoder) error {
	buf.WriteByte('{')
	for i, k := range o.keys {
		if i > 0 {
			buf.WriteByte(',')
		}
		if err := encodeValue(buf, enc, k); err != nil {
			return err
		}
		buf.WriteByte(':')
		if err := encodeValue(buf, enc, o.values[k]); err != nil {
			return err
		}
	}
	buf.WriteByte('}')
	return nil
}

func encodeValue(buf *bytes.Buffer, enc *json.Encoder, v any) error {
	switch v := v.(type) {
	case *orderedObject:
		return v.encode(buf, enc)
	case []*orderedObject:
		buf.WriteByte('[')
		for i, o := range v {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := o.encode(buf, enc); err != nil {
				return err
			}
		}
		buf.WriteByte(']')
		return nil
	case nil:
		buf.WriteString("null")
		return nil
	}
	if err := enc.Encode(v); err != nil {
		return err
	}
	buf.Truncate(buf.Len() - 1) // Encode ends with a newline
	return nil
}
