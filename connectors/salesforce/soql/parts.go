package soql

// Parts are the clauses of a query as built, for code that evaluates
// queries in memory instead of sending them (a test double of Salesforce).
type Parts struct {
	Fields  []string
	Object  string
	Where   Cond // nil: no WHERE clause
	OrderBy []Order
	Limit   int // 0: no LIMIT clause
}

// Order is one item of ORDER BY.
type Order struct {
	Field string
	Desc  bool
}

// Parts returns the clauses of q.
func (q Query) Parts() Parts {
	p := Parts{Fields: append([]string(nil), q.fields...), Object: q.object, Where: q.where, Limit: q.limit}
	for _, o := range q.orderBy {
		p.OrderBy = append(p.OrderBy, Order{Field: o.field, Desc: o.desc})
	}
	return p
}

// CondParts is the form of one condition. Op says which:
//   - "=", "!=", "<", "<=", ">" or ">=": Field compared with Value (nil:
//     null);
//   - "IN" or "NOT IN": Field among Values;
//   - "IN SELECT": Field's id among the ids Sub selects;
//   - "AND" or "OR": Conds (a nil one stands for nothing);
//   - "NOT": the negation of Conds[0].
type CondParts struct {
	Op     string
	Field  string
	Value  any
	Values []any
	Sub    Query
	Conds  []Cond
}

// PartsOf returns the form of c (the zero CondParts for nil).
func PartsOf(c Cond) CondParts {
	switch c := c.(type) {
	case comparison:
		return CondParts{Op: c.op, Field: c.field, Value: c.value}
	case in:
		op := "IN"
		if c.not {
			op = "NOT IN"
		}
		return CondParts{Op: op, Field: c.field, Values: append([]any(nil), c.values...)}
	case inSelect:
		return CondParts{Op: "IN SELECT", Field: c.field, Sub: c.sub}
	case junction:
		return CondParts{Op: c.op, Conds: append([]Cond(nil), c.conds...)}
	case not:
		return CondParts{Op: "NOT", Conds: []Cond{c.cond}}
	}
	return CondParts{}
}
