package pubsub

import (
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/hamba/avro/v2"
)

// ChangeEvent is one decoded Change Data Capture event.
type ChangeEvent struct {
	Entity          string    // object API name, e.g. Case, Care_Action__c
	ChangeType      string    // CREATE, UPDATE, DELETE, UNDELETE, GAP_*, GAP_OVERFLOW
	RecordIDs       []string  // the records of the change (several for a merged event)
	ChangeOrigin    string    // e.g. com/salesforce/api/rest/65.0;client=carebridge
	CommitUser      string    // id of the user who made the change
	CommitTimestamp time.Time // when the transaction committed
	TransactionKey  string
	// ChangedFields, NulledFields and DiffFields are field names decoded
	// from the header's bitmaps with the schema's field order. A field of
	// a compound field appears as "Name.FirstName" (beside "Name").
	ChangedFields []string
	NulledFields  []string
	DiffFields    []string
	// Fields holds the record fields the event carries a value for (on an
	// UPDATE: the changed ones). Values are as Avro decodes them: string,
	// bool, float64, int32, int64 (datetimes: epoch milliseconds), and
	// map[string]any for a compound field.
	Fields   map[string]any
	ReplayID []byte
	SchemaID string
	EventID  string
}

// schema is a parsed event schema with its top-level field order.
type schema struct {
	id     string
	avro   avro.Schema
	record *avro.RecordSchema
}

func parseSchema(id, text string) (*schema, error) {
	s, err := avro.Parse(text)
	if err != nil {
		return nil, fmt.Errorf("schema %s: %w", id, err)
	}
	rec, ok := s.(*avro.RecordSchema)
	if !ok {
		return nil, fmt.Errorf("schema %s: not a record", id)
	}
	return &schema{id: id, avro: s, record: rec}, nil
}

// eventHeader is the part of a change event HeaderOnly decodes.
type eventHeader struct {
	Header struct {
		EntityName      string   `avro:"entityName"`
		RecordIDs       []string `avro:"recordIds"`
		ChangeType      string   `avro:"changeType"`
		ChangeOrigin    string   `avro:"changeOrigin"`
		TransactionKey  string   `avro:"transactionKey"`
		CommitTimestamp int64    `avro:"commitTimestamp"`
		CommitUser      string   `avro:"commitUser"`
		NulledFields    []string `avro:"nulledFields"`
		DiffFields      []string `avro:"diffFields"`
		ChangedFields   []string `avro:"changedFields"`
	} `avro:"ChangeEventHeader"`
}

// decode reads the Avro payload of a change event; with headerOnly, only
// its header (a schema whose header does not fit eventHeader is decoded in
// full).
func (s *schema) decode(payload []byte, headerOnly bool) (ChangeEvent, error) {
	if headerOnly {
		var eh eventHeader
		if err := avro.Unmarshal(s.avro, payload, &eh); err == nil {
			h := eh.Header
			return s.event(h.EntityName, h.ChangeType, h.RecordIDs, h.ChangeOrigin, h.CommitUser, h.TransactionKey, h.CommitTimestamp,
				h.ChangedFields, h.NulledFields, h.DiffFields)
		}
	}
	var raw map[string]any
	if err := avro.Unmarshal(s.avro, payload, &raw); err != nil {
		return ChangeEvent{}, fmt.Errorf("decode payload (schema %s): %w", s.id, err)
	}
	h, ok := raw["ChangeEventHeader"].(map[string]any)
	if !ok {
		return ChangeEvent{}, fmt.Errorf("decode payload (schema %s): no ChangeEventHeader", s.id)
	}
	ms, _ := h["commitTimestamp"].(int64)
	ev, err := s.event(str(h["entityName"]), str(h["changeType"]), strs(h["recordIds"]), str(h["changeOrigin"]), str(h["commitUser"]),
		str(h["transactionKey"]), ms, strs(h["changedFields"]), strs(h["nulledFields"]), strs(h["diffFields"]))
	if err != nil || headerOnly {
		return ev, err
	}
	ev.Fields = map[string]any{}
	for k, v := range raw {
		if k == "ChangeEventHeader" || v == nil {
			continue
		}
		ev.Fields[k] = unwrapUnion(v)
	}
	return ev, nil
}

// event is a change event of the header's values; the bitmaps become
// field names.
func (s *schema) event(entity, changeType string, ids []string, origin, user, txKey string, commitMS int64, changed, nulled, diff []string) (ChangeEvent, error) {
	ev := ChangeEvent{Entity: entity, ChangeType: changeType, RecordIDs: ids, ChangeOrigin: origin, CommitUser: user, TransactionKey: txKey}
	if commitMS != 0 {
		ev.CommitTimestamp = time.UnixMilli(commitMS).UTC()
	}
	var err error
	if ev.ChangedFields, err = FieldNames(s.record, changed); err != nil {
		return ChangeEvent{}, fmt.Errorf("changedFields: %w", err)
	}
	if ev.NulledFields, err = FieldNames(s.record, nulled); err != nil {
		return ChangeEvent{}, fmt.Errorf("nulledFields: %w", err)
	}
	if ev.DiffFields, err = FieldNames(s.record, diff); err != nil {
		return ChangeEvent{}, fmt.Errorf("diffFields: %w", err)
	}
	return ev, nil
}

// unwrapUnion turns a union holding a record ({"full.Name": {...}}) into
// the record's fields, leaving out its nulls.
func unwrapUnion(v any) any {
	m, ok := v.(map[string]any)
	if !ok {
		return v
	}
	if len(m) == 1 {
		for k, inner := range m {
			if im, ok := inner.(map[string]any); ok && strings.Contains(k, ".") {
				m = im
			}
		}
	}
	out := make(map[string]any, len(m))
	for k, x := range m {
		if x != nil {
			out[k] = unwrapUnion(x)
		}
	}
	return out
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func strs(v any) []string {
	switch l := v.(type) {
	case []string:
		return l
	case []any:
		out := make([]string, 0, len(l))
		for _, x := range l {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// FieldNames decodes a ChangeEventHeader bitmap field (changedFields,
// nulledFields, diffFields) with the event's schema, as Salesforce
// documents: the first element, "0x..." (hexadecimal, most significant
// digit first), has bit n set for the top-level field at position n of the
// schema; an element "p-0x..." is the bitmap of the fields of the compound
// field at position p, named "<parent>.<field>".
func FieldNames(rec *avro.RecordSchema, bitmaps []string) ([]string, error) {
	fields := rec.Fields()
	var out []string
	for _, bm := range bitmaps {
		if rest, ok := strings.CutPrefix(bm, "0x"); ok {
			names, err := bitmapNames(rest, fields, "")
			if err != nil {
				return nil, err
			}
			out = append(out, names...)
			continue
		}
		posText, hex, ok := strings.Cut(bm, "-")
		hex, hasPrefix := strings.CutPrefix(hex, "0x")
		if !ok || !hasPrefix {
			return nil, fmt.Errorf("bitmap %q: neither 0x<hex> nor <position>-0x<hex>", bm)
		}
		pos, err := strconv.Atoi(posText)
		if err != nil || pos < 0 || pos >= len(fields) {
			return nil, fmt.Errorf("bitmap %q: no field at position %q", bm, posText)
		}
		parent := fields[pos]
		child := recordOf(parent.Type())
		if child == nil {
			return nil, fmt.Errorf("bitmap %q: field %s is not compound", bm, parent.Name())
		}
		names, err := bitmapNames(hex, child.Fields(), parent.Name()+".")
		if err != nil {
			return nil, err
		}
		out = append(out, names...)
	}
	return out, nil
}

func bitmapNames(hex string, fields []*avro.Field, prefix string) ([]string, error) {
	n, ok := new(big.Int).SetString(hex, 16)
	if !ok {
		return nil, fmt.Errorf("bitmap 0x%s: not hexadecimal", hex)
	}
	if n.BitLen() > len(fields) {
		return nil, errors.New("bitmap 0x" + hex + ": names positions beyond the schema's fields")
	}
	var out []string
	for i := 0; i < n.BitLen(); i++ {
		if n.Bit(i) == 1 {
			out = append(out, prefix+fields[i].Name())
		}
	}
	return out, nil
}

// recordOf returns the record type of a field (a record, or a union with a
// record), or nil.
func recordOf(s avro.Schema) *avro.RecordSchema {
	switch t := s.(type) {
	case *avro.RecordSchema:
		return t
	case *avro.UnionSchema:
		for _, x := range t.Types() {
			if r, ok := x.(*avro.RecordSchema); ok {
				return r
			}
		}
	}
	return nil
}
