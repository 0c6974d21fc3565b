package bridge

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/carebridge/carebridge/bridge/batch"
	"github.com/carebridge/carebridge/mapping/merge"
)

// FieldInfo is what the engine needs to know about a Salesforce field to
// write values that fit it, as the org's describe reports it.
type FieldInfo struct {
	Type       string   // describe type: string, textarea, picklist, email, url, ...
	Length     int      // longest text the field holds, in characters (0: no limit known)
	Restricted bool     // a restricted picklist refuses values outside Values
	Values     []string // the picklist's active values
}

// DescribeFunc returns the fields of a Salesforce object by API name.
type DescribeFunc func(ctx context.Context, object string) (map[string]FieldInfo, error)

// CutMarker ends a text value cut to fit its Salesforce field, so that a
// reader sees it is not whole.
const CutMarker = "…[cut]"

// fieldInfoTTL is how long a describe is trusted: lengths and picklist
// values change only when an admin deploys metadata. A failed describe is
// tried again after fieldInfoRetry.
const (
	fieldInfoTTL   = 24 * time.Hour
	fieldInfoRetry = time.Minute
)

// byteLimits are fields Salesforce limits in bytes as well as characters.
var byteLimits = map[string]int{"CaseComment.CommentBody": 4000}

// fieldCache holds the describe of each object the engine writes, loading
// each at most once at a time: workers wanting an object being described
// wait for that call instead of making their own.
type fieldCache struct {
	describe DescribeFunc
	now      func() time.Time
	mu       sync.Mutex
	objects  map[string]*fieldEntry
}

type fieldEntry struct {
	ready  chan struct{} // closed once fields is set
	fields map[string]FieldInfo
	until  time.Time
}

// get returns the fields of object; nil when they are unknown (no describe
// configured, or it failed: values are then written as they are and
// Salesforce decides).
func (c *fieldCache) get(ctx context.Context, object string) (map[string]FieldInfo, error) {
	if c == nil || c.describe == nil {
		return nil, nil
	}
	c.mu.Lock()
	ent := c.objects[object]
	if ent != nil && !isClosed(ent.ready) {
		c.mu.Unlock()
		select {
		case <-ent.ready:
			return ent.fields, nil
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if ent != nil && c.now().Before(ent.until) {
		c.mu.Unlock()
		return ent.fields, nil
	}
	ent = &fieldEntry{ready: make(chan struct{})}
	c.objects[object] = ent
	c.mu.Unlock()

	fields, err := c.describe(ctx, object)
	ent.fields, ent.until = fields, c.now().Add(fieldInfoTTL)
	if err != nil {
		ent.fields, ent.until = nil, c.now().Add(fieldInfoRetry)
	}
	close(ent.ready)
	if err != nil {
		return nil, fmt.Errorf("describe %s: %w", object, err)
	}
	return fields, nil
}

func isClosed(ch chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// fitter makes values fit the Salesforce fields they are written to: text
// cut to the field's length, picklist values a restricted picklist would
// refuse left out or held back, each change logged and counted. A nil
// fitter knows no fields: values go as they are.
type fitter struct {
	fields *fieldCache
	log    *slog.Logger
	m      *Metrics
}

// fieldsOf returns the fields of object, logging (not failing) when the
// describe fails.
func (f *fitter) fieldsOf(ctx context.Context, object string) map[string]FieldInfo {
	if f == nil {
		return nil
	}
	fields, err := f.fields.get(ctx, object)
	if err != nil && ctx.Err() == nil {
		f.log.Warn("cannot read Salesforce field lengths; values are written uncut", "object", object, "err", err)
	}
	return fields
}

func isTextType(typ string) bool {
	switch typ {
	case "string", "textarea", "email", "url", "phone", "encryptedstring":
		return true
	}
	return false
}

// cutText cuts s to at most max characters as Salesforce counts them
// (UTF-16 code units) and, when maxBytes > 0, to that many UTF-8 bytes,
// ending the cut value with CutMarker. It reports whether it cut.
func cutText(s string, max, maxBytes int) (string, bool) {
	fits := func(n16, n8 int) bool { return (max <= 0 || n16 <= max) && (maxBytes <= 0 || n8 <= maxBytes) }
	if fits(utf16Len(s), len(s)) {
		return s, false
	}
	marker := CutMarker
	if !fits(utf16Len(marker), len(marker)) {
		marker = "" // a field too short for the marker gets a bare cut
	}
	n16, n8 := utf16Len(marker), len(marker)
	var b strings.Builder
	for _, r := range s {
		w16, w8 := utf16.RuneLen(r), utf8.RuneLen(r)
		if w16 < 0 {
			w16 = 1
		}
		if !fits(n16+w16, n8+w8) {
			break
		}
		b.WriteRune(r)
		n16, n8 = n16+w16, n8+w8
	}
	return b.String() + marker, true
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		if w := utf16.RuneLen(r); w > 0 {
			n += w
		} else {
			n++
		}
	}
	return n
}

// value is value as the engine writes it to object.field: cut to fit.
func (f *fitter) value(ctx context.Context, object, field, value string) string {
	info, ok := f.fieldsOf(ctx, object)[field]
	if !ok || !isTextType(info.Type) {
		return value
	}
	cut, _ := cutText(value, info.Length, byteLimits[object+"."+field])
	return cut
}

// record returns rec as it can be written to object: text cut to its
// field's length, and values a restricted picklist would refuse left out
// (the rest of the record still gets written). Each change is logged and
// counted.
func (f *fitter) record(ctx context.Context, object string, rec Record) Record {
	fields := f.fieldsOf(ctx, object)
	if fields == nil {
		return rec
	}
	var out Record
	change := func() {
		if out == nil {
			out = make(Record, len(rec))
			for k, v := range rec {
				out[k] = v
			}
		}
	}
	for name, v := range rec {
		s, ok := v.(string)
		info, known := fields[name]
		if !ok || !known {
			continue
		}
		switch {
		case isTextType(info.Type):
			if cut, did := cutText(s, info.Length, byteLimits[object+"."+name]); did {
				change()
				out[name] = cut
				f.noteCut(object, name, rec["Id"], s, info.Length)
			}
		case info.Restricted && !slices.Contains(info.Values, s):
			change()
			delete(out, name)
			f.m.refused.WithLabelValues(object, name).Inc()
			f.log.Warn("value left out: the restricted picklist has no such value; add it to the picklist or make the picklist unrestricted",
				"object", object, "field", name, "value", s, "record", rec["Id"])
		}
	}
	if out == nil {
		return rec
	}
	return out
}

// cutValue is a canonical value that was cut to fit its Salesforce field.
type cutValue struct {
	field       string // the Salesforce field
	length, max int    // the value's length and the field's, in characters
}

func (f *fitter) noteCut(object, field string, id any, value string, length int) {
	f.noteCutValue(object, id, cutValue{field: field, length: utf16Len(value), max: length})
}

func (f *fitter) noteCutValue(object string, id any, c cutValue) {
	f.m.cut.WithLabelValues(object, c.field).Inc()
	f.log.Warn("value cut to fit its Salesforce field", "object", object, "field", c.field, "record", id,
		"length", c.length, "max", c.max)
}

// noteCutsWritten logs and counts the cut values among the canonical fields
// written to a Case.
func (f *fitter) noteCutsWritten(cut map[string]cutValue, written map[string]string, id any) {
	for name, c := range cut {
		if _, ok := written[name]; ok {
			f.noteCutValue("Case", id, c)
		}
	}
}

// wrap wraps a batched write so that every record is fitted first.
func (f *fitter) wrap(object string, write batch.Func[Record, WriteResult]) batch.Func[Record, WriteResult] {
	return func(ctx context.Context, recs []Record) ([]WriteResult, error) {
		return write(ctx, f.records(ctx, object, recs))
	}
}

// records are recs fitted to object's fields (record).
func (f *fitter) records(ctx context.Context, object string, recs []Record) []Record {
	fitted := make([]Record, len(recs))
	for i, r := range recs {
		fitted[i] = f.record(ctx, object, r)
	}
	return fitted
}

// careValues cuts the canonical values bound for Salesforce text fields
// to what those fields hold, so that the merge compares Salesforce's value
// with what it can hold (a cut value read back is not a change) and never
// writes the same value again and again. Only values written untranslated
// are cut; Care is never written from them (Care's writable attributes are
// status and assignee). It returns the fitted values and what it cut, by
// canonical field.
func (f *fitter) careValues(ctx context.Context, m Mapper, vals map[string]string) (map[string]string, map[string]cutValue) {
	fields := f.fieldsOf(ctx, "Case")
	if fields == nil {
		return vals, nil
	}
	var out map[string]string
	var cut map[string]cutValue
	written := m.ToSalesforce(vals)
	for name, v := range vals {
		sfField := m.SalesforceField(name)
		info, ok := fields[sfField]
		if s, isStr := written[sfField].(string); sfField == "" || !ok || !isStr || s != v || !isTextType(info.Type) {
			continue
		}
		fitted, did := cutText(v, info.Length, 0)
		if !did {
			continue
		}
		if out == nil {
			out = make(map[string]string, len(vals))
			for k, x := range vals {
				out[k] = x
			}
			cut = map[string]cutValue{}
		}
		out[name] = fitted
		cut[name] = cutValue{field: sfField, length: utf16Len(v), max: info.Length}
	}
	if out == nil {
		return vals, nil
	}
	return out, cut
}

// refusal is a Case value Salesforce would refuse.
type refusal struct {
	field  string // the Salesforce field
	reason string // the sentence for the agent
}

// refusedPicklistValues returns, per canonical field of toSF, why
// Salesforce would refuse its value: a restricted picklist without it.
func (f *fitter) refusedPicklistValues(ctx context.Context, m Mapper, toSF map[string]string) map[string]refusal {
	fields := f.fieldsOf(ctx, "Case")
	if fields == nil {
		return nil
	}
	var out map[string]refusal
	written := m.ToSalesforce(toSF)
	for name := range toSF {
		sfField := m.SalesforceField(name)
		s, isStr := written[sfField].(string)
		info, ok := fields[sfField]
		if sfField == "" || !ok || !isStr || s == "" || !info.Restricted || slices.Contains(info.Values, s) {
			continue
		}
		if out == nil {
			out = map[string]refusal{}
		}
		out[name] = refusal{field: sfField, reason: fmt.Sprintf("Salesforce refuses %q in %s: the restricted picklist has no such value. Add it to the picklist (or make the picklist unrestricted); the value is written at the next sync.", s, sfField)}
	}
	return out
}

// holdBackRefused removes from the plan the Salesforce writes a restricted
// picklist would refuse, keeping their base as it was (so that nothing is
// mistaken for a change next time). It returns the reasons for the Case's
// sync error and the Salesforce fields held back.
func (f *fitter) holdBackRefused(ctx context.Context, m Mapper, plan *merge.Plan, base map[string]string) (reason string, sfFields, held []string) {
	var reasons []string
	for name, r := range f.refusedPicklistValues(ctx, m, plan.ToSalesforce) {
		if old, ok := base[name]; ok {
			plan.Base[name] = old
		} else {
			// No base to keep: the value Care holds becomes it, and what
			// Salesforce shows instead is recorded as seen (withSeen), so
			// that neither side reads as changed until one of them is.
			plan.Base[name] = plan.ToSalesforce[name]
			held = append(held, name)
		}
		delete(plan.ToSalesforce, name)
		reasons, sfFields = append(reasons, r.reason), append(sfFields, r.field)
	}
	slices.Sort(reasons)
	return strings.Join(reasons, " "), sfFields, held
}

// joinReasons joins the non-empty reasons for the Case's sync error.
func joinReasons(reasons ...string) string {
	var out []string
	for _, r := range reasons {
		if r != "" {
			out = append(out, r)
		}
	}
	return strings.Join(out, " ")
}
