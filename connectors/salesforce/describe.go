package salesforce

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/carebridge/carebridge/connectors/salesforce/soql"
	"github.com/carebridge/carebridge/connectors/upstream"
)

// Description is what Describe reports about an object.
type Description struct {
	Name   string  `json:"name"`
	Label  string  `json:"label"`
	Fields []Field `json:"fields"`
}

// Field describes one field of an object.
type Field struct {
	Name           string          `json:"name"`
	Label          string          `json:"label"`
	Type           string          `json:"type"`
	Length         int             `json:"length"`
	Updateable     bool            `json:"updateable"`
	Createable     bool            `json:"createable"`
	Nillable       bool            `json:"nillable"`
	ExternalID     bool            `json:"externalId"`
	Unique         bool            `json:"unique"`
	PicklistValues []PicklistValue `json:"picklistValues"`
	// RestrictedPicklist: the picklist refuses values it does not list.
	RestrictedPicklist bool `json:"restrictedPicklist"`
}

// PicklistValue is one value of a picklist field.
type PicklistValue struct {
	Value        string `json:"value"`
	Label        string `json:"label"`
	Active       bool   `json:"active"`
	DefaultValue bool   `json:"defaultValue"`
}

// Field returns the named field, if the object has it.
func (d *Description) Field(name string) (Field, bool) {
	for _, f := range d.Fields {
		if f.Name == name {
			return f, true
		}
	}
	return Field{}, false
}

// Describe reads an object's fields, their types, whether they can be
// written, and picklist values.
func (c *Client) Describe(ctx context.Context, object string) (*Description, error) {
	if !soql.ValidName(object) || len(object) == 0 {
		return nil, fmt.Errorf("describe %s: %w", object, localError(OpDescribe, fmt.Errorf("invalid object name %q", object)))
	}
	raw, status, err := c.restRaw(ctx, OpDescribe, http.MethodGet, c.path("sobjects/%s/describe", object), nil)
	if err != nil {
		return nil, fmt.Errorf("describe %s: %w", object, err)
	}
	var d Description
	if err := json.Unmarshal(raw, &d); err != nil {
		return nil, fmt.Errorf("describe %s: %w", object, &upstream.Error{System: System, Op: OpDescribe, Class: upstream.Retryable,
			Status: status, Message: "unreadable describe response", Err: err})
	}
	return &d, nil
}

// CaseStatus is one value of the Case Status picklist with its meaning.
type CaseStatus struct {
	Label     string
	IsClosed  bool
	IsDefault bool
}

var caseStatusFields = []string{"MasterLabel", "IsClosed", "IsDefault"}

// CaseStatuses reads the Case status values from CaseStatus.
func (c *Client) CaseStatuses(ctx context.Context) ([]CaseStatus, error) {
	records, err := c.Query(ctx, soql.Select(caseStatusFields...).From("CaseStatus"))
	if err != nil {
		return nil, fmt.Errorf("case statuses: %w", err)
	}
	out := make([]CaseStatus, len(records))
	for i, r := range records {
		out[i] = CaseStatus{Label: r.String("MasterLabel"), IsClosed: r.Bool("IsClosed"), IsDefault: r.Bool("IsDefault")}
	}
	return out, nil
}

// Limit is one entry of /limits.
type Limit struct {
	Max       int `json:"Max"`
	Remaining int `json:"Remaining"`
}

// Limits reads the org's limits (DailyApiRequests and the rest) and
// updates Usage and the usage gauges from DailyApiRequests.
func (c *Client) Limits(ctx context.Context) (map[string]Limit, error) {
	raw, status, err := c.restRaw(ctx, OpLimits, http.MethodGet, c.path("limits"), nil)
	if err != nil {
		return nil, fmt.Errorf("limits: %w", err)
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(raw, &all); err != nil {
		return nil, fmt.Errorf("limits: %w", &upstream.Error{System: System, Op: OpLimits, Class: upstream.Retryable,
			Status: status, Message: "unreadable limits response", Err: err})
	}
	out := make(map[string]Limit, len(all))
	for name, v := range all {
		var l Limit
		if json.Unmarshal(v, &l) == nil {
			out[name] = l
		}
	}
	if d, ok := out["DailyApiRequests"]; ok && d.Max > 0 {
		c.setUsage(d.Max-d.Remaining, d.Max)
	}
	return out, nil
}
