package sfsim

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math/big"
	"sort"
	"strings"
	"time"

	"github.com/hamba/avro/v2"

	"github.com/carebridge/carebridge/connectors/salesforce/metadata"
)

// Change Data Capture: every write to an object that Salesforce publishes
// change events for appends one event to the sandbox's event bus, which the
// Pub/Sub API (pubsub.go) serves. The events are shaped as Salesforce
// shapes them for Pub/Sub API clients: an Avro record whose first field is
// the ChangeEventHeader, followed by every record field as a nullable union
// (null when unchanged), with changedFields, nulledFields and diffFields as
// bitmaps of schema positions.

// AllChangeEventsTopic is the standard channel that carries the change
// events of every selected object.
const AllChangeEventsTopic = "/data/ChangeEvents"

// Change types of ChangeEventHeader.changeType: the four operations, the
// gap events Salesforce sends when it cannot send a change event (header
// only: the record ids, no field values) and the overflow event of a
// transaction too large (no record ids either).
const (
	ChangeCreate      = "CREATE"
	ChangeUpdate      = "UPDATE"
	ChangeDelete      = "DELETE"
	ChangeUndelete    = "UNDELETE"
	ChangeGapCreate   = "GAP_CREATE"
	ChangeGapUpdate   = "GAP_UPDATE"
	ChangeGapDelete   = "GAP_DELETE"
	ChangeGapUndelete = "GAP_UNDELETE"
	ChangeGapOverflow = "GAP_OVERFLOW"
)

// ChangeEventName is the change event entity of an object: CaseChangeEvent,
// Care_Action__ChangeEvent (custom objects drop the "c" of "__c").
func ChangeEventName(object string) string { return metadata.ChangeEventName(object) }

// ChangeEventTopic is the Pub/Sub API topic of an object's change events,
// e.g. /data/CaseChangeEvent.
func ChangeEventTopic(object string) string { return "/data/" + ChangeEventName(object) }

// excludedFromChangeEvents are fields a change event never carries (the
// record id is in the header's recordIds).
func excludedFromChangeEvents(name string) bool {
	switch name {
	case "Id", "IsDeleted", "SystemModstamp", "LastViewedDate", "LastReferencedDate":
		return true
	}
	return false
}

// cdcField is one top-level field of a change event schema. A compound
// field (a person's Name) has children: the record fields it groups.
type cdcField struct {
	name     string
	typ      string   // metadata type; "" for a compound field
	children []string // compound: record field names, in schema order
}

// cdcSchema is the change event schema of one object.
type cdcSchema struct {
	object   string
	topic    string
	id       string // stable fingerprint of json
	json     string
	avro     avro.Schema
	fields   []cdcField // positions 1.. (0 is ChangeEventHeader)
	compound string     // full Avro name of the compound record type
	types    map[string]string
}

const cdcNamespace = "com.sforce.eventbus"

// avroType is the Avro type of a field's value, as Salesforce writes it:
// dates and datetimes as numbers (days, epoch milliseconds).
func avroType(typ string) any {
	switch typ {
	case metadata.TypeBoolean:
		return "boolean"
	case metadata.TypeDouble:
		return "double"
	case metadata.TypeInt, metadata.TypeDate:
		return "int"
	case metadata.TypeDateTime:
		return "long"
	}
	return "string"
}

func headerSchema() map[string]any {
	strs := map[string]any{"type": "array", "items": "string"}
	return map[string]any{
		"type": "record", "name": "ChangeEventHeader", "namespace": cdcNamespace,
		"fields": []any{
			map[string]any{"name": "entityName", "type": "string"},
			map[string]any{"name": "recordIds", "type": strs},
			map[string]any{"name": "changeType", "type": map[string]any{
				"type": "enum", "name": "ChangeType", "namespace": "com.salesforce.eventbus",
				"symbols": []string{"CREATE", "UPDATE", "DELETE", "UNDELETE", "GAP_CREATE", "GAP_UPDATE",
					"GAP_DELETE", "GAP_UNDELETE", "GAP_OVERFLOW", "SNAPSHOT"},
			}},
			map[string]any{"name": "changeOrigin", "type": "string"},
			map[string]any{"name": "transactionKey", "type": "string"},
			map[string]any{"name": "sequenceNumber", "type": "int"},
			map[string]any{"name": "commitTimestamp", "type": "long"},
			map[string]any{"name": "commitNumber", "type": "long"},
			map[string]any{"name": "commitUser", "type": "string"},
			map[string]any{"name": "nulledFields", "type": strs},
			map[string]any{"name": "diffFields", "type": strs},
			map[string]any{"name": "changedFields", "type": strs},
		},
	}
}

// buildCDCSchema derives the change event schema of an object. Objects
// with FirstName and LastName get Salesforce's compound Name field in place
// of the three flat fields.
func buildCDCSchema(o *metadata.Object) (*cdcSchema, error) {
	fields := o.Fields()
	_, hasFirst := o.Field("FirstName")
	_, hasLast := o.Field("LastName")
	personName := hasFirst && hasLast
	cs := &cdcSchema{object: o.Name, topic: ChangeEventTopic(o.Name), types: map[string]string{}}
	avroFields := []any{map[string]any{"name": "ChangeEventHeader", "type": headerSchema(), "doc": "Data:ChangeEventHeader"}}
	compoundDone := false
	for _, f := range fields {
		if excludedFromChangeEvents(f.Name) {
			continue
		}
		cs.types[f.Name] = f.Type
		if personName && (f.Name == "Name" || f.Name == "FirstName" || f.Name == "LastName") {
			if compoundDone {
				continue
			}
			compoundDone = true
			cs.compound = cdcNamespace + ".Switchable_PersonName"
			cs.fields = append(cs.fields, cdcField{name: "Name", children: []string{"FirstName", "LastName"}})
			avroFields = append(avroFields, map[string]any{
				"name": "Name", "default": nil, "doc": "Data:PersonName",
				"type": []any{"null", map[string]any{
					"type": "record", "name": "Switchable_PersonName", "namespace": cdcNamespace,
					"fields": []any{
						map[string]any{"name": "FirstName", "type": []any{"null", "string"}, "default": nil},
						map[string]any{"name": "LastName", "type": []any{"null", "string"}, "default": nil},
					},
				}},
			})
			continue
		}
		cs.fields = append(cs.fields, cdcField{name: f.Name, typ: f.Type})
		avroFields = append(avroFields, map[string]any{
			"name": f.Name, "type": []any{"null", avroType(f.Type)}, "default": nil, "doc": "Data:" + f.Type,
		})
	}
	raw, err := json.Marshal(map[string]any{
		"type": "record", "name": ChangeEventName(o.Name), "namespace": cdcNamespace, "fields": avroFields,
	})
	if err != nil {
		return nil, err
	}
	sch, err := avro.ParseBytes(raw)
	if err != nil {
		return nil, fmt.Errorf("change event schema of %s: %w", o.Name, err)
	}
	sum := sha256.Sum256(raw)
	cs.json, cs.avro, cs.id = string(raw), sch, base64.RawURLEncoding.EncodeToString(sum[:16])
	return cs, nil
}

// changeEvent is one event on the bus.
type changeEvent struct {
	replay   uint64
	at       time.Time // commit time (retention)
	object   string
	uuid     string
	schemaID string
	payload  []byte
	// channels holds the payload sent on each custom channel (by topic)
	// whose member for the object selected the event: its filter matched,
	// and its enriched fields are in.
	channels map[string][]byte
}

// eventBus is the sandbox's change event stream. It lives in the store and
// is guarded by the Server's mutex.
type eventBus struct {
	schemas  map[string]*cdcSchema // object name -> schema
	byTopic  map[string]*cdcSchema
	byID     map[string]*cdcSchema
	channels map[string]*busChannel // custom channels by topic (channels.go)
	events   []changeEvent          // ascending replay
	last     uint64                 // replay id of the newest event ever appended
	floor    uint64                 // replay id of the newest purged event (0: none)
	notify   chan struct{}          // closed and replaced when events arrive
	commitNo int64
}

func newEventBus(schema *metadata.Schema) (*eventBus, error) {
	b := &eventBus{schemas: map[string]*cdcSchema{}, byTopic: map[string]*cdcSchema{}, byID: map[string]*cdcSchema{},
		notify: make(chan struct{})}
	for _, name := range schema.Objects() {
		o, _ := schema.Object(name)
		if !o.HasChangeEvents() {
			continue
		}
		cs, err := buildCDCSchema(o)
		if err != nil {
			return nil, err
		}
		b.schemas[o.Name], b.byTopic[cs.topic], b.byID[cs.id] = cs, cs, cs
	}
	return b, nil
}

// replayBytes encodes a replay id as Salesforce's opaque bytes (here 8
// bytes, big-endian).
func replayBytes(n uint64) []byte { return binary.BigEndian.AppendUint64(nil, n) }

func parseReplay(b []byte) (uint64, bool) {
	if len(b) != 8 {
		return 0, false
	}
	return binary.BigEndian.Uint64(b), true
}

// change describes one write for its change event.
type change struct {
	typ    string
	t      *table
	r      *record // nil for an overflow event, which names no record
	origin string
	user   string
	stamp  time.Time
	// changed are the fields whose value changed (UPDATE).
	changed []string
	// ids are the recordIds when they are not just r's: a merged event's
	// records (r is the first), a gap event's, a wildcard ("500*").
	ids []string
	// others are the records of a merged event besides r.
	others []*record
	// headerOnly: a gap, overflow or wildcard event carries no field
	// values and no field bitmaps.
	headerOnly bool
	// enrich are fields sent with an UPDATE or DELETE though unchanged (a
	// channel member's enriched fields).
	enrich []string
}

// records are the records of a change (none for an overflow).
func (c change) records() []*record {
	if c.r == nil {
		return nil
	}
	return append([]*record{c.r}, c.others...)
}

// emit appends the change event of a write (objects without change events
// are skipped) and registers its removal with x. Each custom channel with
// a member for the object gets the event when the member's filter matches
// (a gap or overflow event, which carries no values to filter on, always),
// with the member's enriched fields in an UPDATE or DELETE.
func (st *store) emit(c change, x *tx) {
	b := st.bus
	if b == nil {
		return
	}
	cs, ok := b.schemas[c.t.obj.Name]
	if !ok {
		return
	}
	payload, err := cs.encode(c, b.last+1)
	if err != nil {
		// A sandbox bug: the schema and the store disagree.
		panic(fmt.Sprintf("sfsim: change event of %s: %v", c.t.obj.Name, err))
	}
	ev := changeEvent{replay: b.last + 1, at: c.stamp, object: c.t.obj.Name, uuid: randomUUID(), schemaID: cs.id, payload: payload}
	for topic, ch := range b.channels {
		m, ok := ch.members[c.t.obj.Name]
		if !ok || !m.selects(c) {
			continue
		}
		p := payload
		if len(m.enrich) > 0 && !c.headerOnly && (c.typ == ChangeUpdate || c.typ == ChangeDelete) {
			enriched := c
			enriched.enrich = m.enrich
			if p, err = cs.encode(enriched, b.last+1); err != nil {
				panic(fmt.Sprintf("sfsim: change event of %s on %s: %v", c.t.obj.Name, topic, err))
			}
		}
		if ev.channels == nil {
			ev.channels = map[string][]byte{}
		}
		ev.channels[topic] = p
	}
	b.last++
	b.commitNo++
	b.events = append(b.events, ev)
	close(b.notify)
	b.notify = make(chan struct{})
	x.add(func() {
		for i := len(b.events) - 1; i >= 0; i-- {
			if b.events[i].replay == ev.replay {
				b.events = append(b.events[:i], b.events[i+1:]...)
				break
			}
		}
	})
}

// encode writes the Avro payload of a change.
func (cs *cdcSchema) encode(c change, commitNumber uint64) ([]byte, error) {
	changed, nulled, enriched := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, f := range c.changed {
		changed[f] = true
		if c.r.fields[f] == nil {
			nulled[f] = true
		}
	}
	for _, f := range c.enrich {
		enriched[f] = true
	}
	// carried reports whether the event carries a value of field name.
	carried := func(name string) bool {
		switch {
		case c.headerOnly:
			return false
		case c.typ == ChangeCreate || c.typ == ChangeUndelete:
			return true
		case c.typ == ChangeUpdate:
			return changed[name] || enriched[name]
		case c.typ == ChangeDelete:
			return enriched[name]
		}
		return false
	}
	rec := map[string]any{}
	var changedPos, nulledPos []int
	changedNested, nulledNested := map[int][]int{}, map[int][]int{}
	for i, f := range cs.fields {
		pos := i + 1
		if f.children != nil {
			rec[f.name] = nil
			child := map[string]any{}
			set := false
			for j, name := range f.children {
				child[name] = nil
				if !carried(name) {
					continue
				}
				if v := c.r.fields[name]; v != nil {
					child[name] = v
					set = true
				}
				if c.typ == ChangeUpdate && changed[name] {
					set = true
					changedNested[pos] = append(changedNested[pos], j)
					if nulled[name] {
						nulledNested[pos] = append(nulledNested[pos], j)
					}
				}
			}
			if set {
				rec[f.name] = map[string]any{cs.compound: child}
			}
			if len(changedNested[pos]) > 0 {
				changedPos = append(changedPos, pos)
			}
			continue
		}
		rec[f.name] = nil
		if carried(f.name) {
			rec[f.name] = avroValue(f.typ, c.r.fields[f.name])
		}
		if c.typ == ChangeUpdate && !c.headerOnly && changed[f.name] {
			changedPos = append(changedPos, pos)
			if nulled[f.name] {
				nulledPos = append(nulledPos, pos)
			}
		}
	}
	ids := c.ids
	if ids == nil {
		ids = []string{}
		if c.r != nil {
			ids = []string{c.r.id}
		}
	}
	rec["ChangeEventHeader"] = map[string]any{
		"entityName":      c.t.obj.Name,
		"recordIds":       ids,
		"changeType":      c.typ,
		"changeOrigin":    c.origin,
		"transactionKey":  randomUUID(),
		"sequenceNumber":  int32(1),
		"commitTimestamp": c.stamp.UnixMilli(),
		"commitNumber":    int64(commitNumber),
		"commitUser":      c.user,
		"nulledFields":    bitmapList(nulledPos, nulledNested),
		"diffFields":      []string{},
		"changedFields":   bitmapList(changedPos, changedNested),
	}
	return avro.Marshal(cs.avro, rec)
}

// avroValue converts a stored value to the Go value of its Avro type.
func avroValue(typ string, v any) any {
	if v == nil {
		return nil
	}
	switch typ {
	case metadata.TypeDateTime:
		if t, ok := v.(time.Time); ok {
			return t.UnixMilli()
		}
	case metadata.TypeDate:
		if t, ok := v.(time.Time); ok {
			return int32(t.Unix() / 86400)
		}
	case metadata.TypeInt:
		if f, ok := v.(float64); ok {
			return int32(f)
		}
	}
	return v
}

// bitmapList encodes schema positions as Salesforce does: the first string
// is the bitmap of the top-level positions ("0x" and big-endian hex, bit n
// for position n); each compound field with changed children adds
// "<position>-0x<bitmap of child positions>".
func bitmapList(top []int, nested map[int][]int) []string {
	out := []string{}
	if len(top) > 0 {
		out = append(out, hexBitmap(top))
	}
	keys := make([]int, 0, len(nested))
	for k := range nested {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	for _, k := range keys {
		if len(nested[k]) > 0 {
			out = append(out, fmt.Sprintf("%d-%s", k, hexBitmap(nested[k])))
		}
	}
	return out
}

func hexBitmap(positions []int) string {
	n := new(big.Int)
	for _, p := range positions {
		n.SetBit(n, p, 1)
	}
	h := strings.ToUpper(n.Text(16))
	if len(h)%2 == 1 {
		h = "0" + h
	}
	return "0x" + h
}

// changedFields lists the fields whose value differs between before and
// after (the fields an UPDATE event carries). LastModifiedDate is always
// among them, as in Salesforce's events, even when the write fell within
// the second of the previous one.
func changedFields(t *table, before, after map[string]any) []string {
	var out []string
	for _, f := range t.fields {
		if excludedFromChangeEvents(f.Name) {
			continue
		}
		if f.Name == "LastModifiedDate" || !sameValue(before[f.Name], after[f.Name]) {
			out = append(out, f.Name)
		}
	}
	return out
}

func sameValue(a, b any) bool {
	ta, okA := a.(time.Time)
	tb, okB := b.(time.Time)
	if okA || okB {
		return okA && okB && ta.Equal(tb)
	}
	return a == b
}

func randomUUID() string {
	b := []byte(randomToken(16))
	sum := sha256.Sum256(b)
	h := fmt.Sprintf("%x", sum[:16])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// purge drops the events committed before cutoff.
func (b *eventBus) purge(cutoff time.Time) {
	i := 0
	for i < len(b.events) && b.events[i].at.Before(cutoff) {
		b.floor = b.events[i].replay
		i++
	}
	if i > 0 {
		b.events = append([]changeEvent(nil), b.events[i:]...)
	}
}

// after returns up to limit events of a topic (sel) that follow replay id
// pos, each with the payload the topic carries, and the position the scan
// reached: the last event returned, or, when fewer than limit matched, the
// newest event examined.
func (b *eventBus) after(pos uint64, sel topicSel, limit int) ([]changeEvent, uint64) {
	i := sort.Search(len(b.events), func(i int) bool { return b.events[i].replay > pos })
	var out []changeEvent
	for ; i < len(b.events); i++ {
		ev := b.events[i]
		payload, ok := sel.payload(&ev)
		if !ok {
			pos = ev.replay
			continue
		}
		if len(out) >= limit {
			return out, pos
		}
		ev.payload = payload
		out = append(out, ev)
		pos = ev.replay
	}
	if pos < b.last && len(out) < limit {
		pos = b.last // rolled-back events leave holes: the tip is still the tip
	}
	return out, pos
}

// topicSel is what a Pub/Sub topic carries: one object's events (a
// single-entity channel such as /data/CaseChangeEvent), a custom channel's
// (channel is its topic), or every object's (/data/ChangeEvents: neither).
type topicSel struct {
	object  string
	channel string
}

// payload is the payload the topic carries of an event, false when it
// carries none.
func (sel topicSel) payload(ev *changeEvent) ([]byte, bool) {
	switch {
	case sel.channel != "":
		p, ok := ev.channels[sel.channel]
		return p, ok
	case sel.object != "":
		return ev.payload, ev.object == sel.object
	}
	return ev.payload, true
}
