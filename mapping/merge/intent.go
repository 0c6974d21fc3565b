package merge

// A crash (or a failed call) can land between the writes a plan makes and
// the storing of its new base. The reconciler then sees its own write as a
// change on the written side and, once the other side changed again, as a
// conflict it may resolve the wrong way. So before writing, the reconciler
// records what each field's base is about to become and which side it
// writes; the next reconcile settles the base from that record and the
// current values.

// Intent is a field's base-to-be, recorded before the plan's writes.
type Intent struct {
	Value string
	// Written is the side the plan writes the value to; "" when it writes
	// neither (both sides already showed the value).
	Written Side
}

// Intents returns what p is about to change, field by field: every field
// whose new base differs from base or that the plan writes.
func (p Plan) Intents(base map[string]string) map[string]Intent {
	out := map[string]Intent{}
	for f, v := range p.Base {
		switch {
		case hasKey(p.ToSalesforce, f):
			out[f] = Intent{Value: v, Written: Salesforce}
		case hasKey(p.ToCare, f):
			out[f] = Intent{Value: v, Written: Care}
		default:
			if b, ok := base[f]; !ok || b != v {
				out[f] = Intent{Value: v}
			}
		}
	}
	return out
}

func hasKey(m map[string]string, k string) bool {
	_, ok := m[k]
	return ok
}

// Settle returns the base to merge against when intents were recorded and
// their plan's base never stored. For a field the plan wrote, the written
// side tells what happened: if it still shows the old base value, the write
// did not land and the stored base stands (the next merge makes the write
// again, or a newer value of the other side). If it shows anything else, the
// write landed (and perhaps someone changed the field since): the base is the
// intended value, so the bridge's own write is not mistaken for a change and
// a later edit on either side is merged as one. A field the plan wrote to
// neither side takes the intended value. base is not modified.
func Settle(base map[string]string, intents map[string]Intent, care, sf map[string]string, fields []FieldPolicy) map[string]string {
	if len(intents) == 0 {
		return base
	}
	out := make(map[string]string, len(base)+len(intents))
	for k, v := range base {
		out[k] = v
	}
	for _, f := range fields {
		in, ok := intents[f.Name]
		if !ok {
			continue
		}
		old, hadBase := base[f.Name]
		var landed bool
		switch in.Written {
		case Salesforce:
			landed = sf[f.Name] == f.sfImage(in.Value) || (hadBase && sf[f.Name] != f.sfImage(old))
		case Care:
			landed = care[f.Name] == f.careImage(in.Value) || (hadBase && care[f.Name] != f.careImage(old))
		default:
			landed = true
		}
		if landed {
			out[f.Name] = in.Value
		}
	}
	return out
}
