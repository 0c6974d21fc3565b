package salesforce

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/simpleforce/simpleforce"

	"github.com/carebridge/carebridge/connectors/salesforce/soql"
	"github.com/carebridge/carebridge/connectors/upstream"
)

// Operation names, as they appear in errors and in the operation label of
// carebridge_upstream_* metrics.
const (
	OpQuery              = "query"
	OpGet                = "get"
	OpCreate             = "create"
	OpUpdate             = "update"
	OpUpsert             = "upsert"
	OpDelete             = "delete"
	OpCollectionsCreate  = "collections_create"
	OpCollectionsUpdate  = "collections_update"
	OpCollectionsUpsert  = "collections_upsert"
	OpComposite          = "composite"
	OpCollectionsDelete  = "collections_delete"
	OpDescribe           = "describe"
	OpLimits             = "limits"
	maxQueryPages        = 100000
	nextRecordsURLPrefix = "/services/data/"
)

// Query runs q and returns the records of all pages, following
// nextRecordsUrl.
func (c *Client) Query(ctx context.Context, q soql.Query) ([]Record, error) {
	var out []Record
	err := c.queryPages(ctx, q, func(page []Record) error {
		out = append(out, page...)
		return nil
	})
	return out, err
}

// queryPages runs q and hands every page to fn.
func (c *Client) queryPages(ctx context.Context, q soql.Query, fn func([]Record) error) error {
	text, err := q.Build()
	if err != nil {
		return fmt.Errorf("query %s: %w", q.Object(), localError(OpQuery, err))
	}
	return c.pagesFrom(ctx, q, text, fn)
}

// queryFrom reads the pages of q from its nextRecordsUrl next on.
func (c *Client) queryFrom(ctx context.Context, q soql.Query, next string) ([]Record, error) {
	var out []Record
	err := c.pagesFrom(ctx, q, next, func(page []Record) error {
		out = append(out, page...)
		return nil
	})
	return out, err
}

// pagesFrom hands fn the page next (a query or a nextRecordsUrl) and every
// page after it.
func (c *Client) pagesFrom(ctx context.Context, q soql.Query, next string, fn func([]Record) error) error {
	for page := 1; page <= maxQueryPages; page++ {
		var res *simpleforce.QueryResult
		_, err := c.call(ctx, OpQuery, func(sf *simpleforce.Client) error {
			r, err := sf.Query(next)
			res = r
			return err
		})
		if err != nil {
			return fmt.Errorf("query %s page %d: %w", q.Object(), page, err)
		}
		records := make([]Record, len(res.Records))
		for i, r := range res.Records {
			records[i] = newRecord(r)
		}
		if err := fn(records); err != nil {
			return err
		}
		if res.Done || res.NextRecordsURL == "" {
			return nil
		}
		if !strings.HasPrefix(res.NextRecordsURL, nextRecordsURLPrefix) {
			return fmt.Errorf("query %s page %d: %w", q.Object(), page, &upstream.Error{System: System, Op: OpQuery,
				Class: upstream.Retryable, Message: "nextRecordsUrl outside the data API"})
		}
		next = res.NextRecordsURL
	}
	return fmt.Errorf("query %s: %w", q.Object(), localError(OpQuery, fmt.Errorf("more than %d pages", maxQueryPages)))
}

// Get reads one record by id. A missing record is a permanent error for
// which IsNotFound reports true.
func (c *Client) Get(ctx context.Context, object, id string, fields []string) (Record, error) {
	if err := checkObjectID(object, id); err != nil {
		return nil, fmt.Errorf("get %s %s: %w", object, id, localError(OpGet, err))
	}
	p, err := c.recordPath(object, url.PathEscape(id), fields)
	if err != nil {
		return nil, fmt.Errorf("get %s %s: %w", object, id, localError(OpGet, err))
	}
	r, _, err := c.rest(ctx, OpGet, http.MethodGet, p, nil)
	if err != nil {
		return nil, fmt.Errorf("get %s %s: %w", object, id, err)
	}
	return r, nil
}

// GetByExternalID reads the record whose external id field extField equals
// value.
func (c *Client) GetByExternalID(ctx context.Context, object, extField, value string, fields []string) (Record, error) {
	if err := checkExternalID(object, extField, value); err != nil {
		return nil, fmt.Errorf("get %s by %s %q: %w", object, extField, value, localError(OpGet, err))
	}
	p, err := c.recordPath(object, extField+"/"+url.PathEscape(value), fields)
	if err != nil {
		return nil, fmt.Errorf("get %s by %s %q: %w", object, extField, value, localError(OpGet, err))
	}
	r, _, err := c.rest(ctx, OpGet, http.MethodGet, p, nil)
	if err != nil {
		return nil, fmt.Errorf("get %s by %s %q: %w", object, extField, value, err)
	}
	return r, nil
}

// Upsert writes fields to the record whose extField equals value, creating
// it when there is none. It returns the record id and whether it was
// created.
func (c *Client) Upsert(ctx context.Context, object, extField, value string, fields Record) (id string, created bool, err error) {
	if err := checkExternalID(object, extField, value); err != nil {
		return "", false, fmt.Errorf("upsert %s %s=%q: %w", object, extField, value, localError(OpUpsert, err))
	}
	body := make(Record, len(fields))
	for k, v := range fields {
		if k != extField && k != "Id" {
			body[k] = v
		}
	}
	p := c.path("sobjects/%s/%s/%s", object, extField, url.PathEscape(value))
	r, status, err := c.rest(ctx, OpUpsert, http.MethodPatch, p, body)
	if err != nil {
		return "", false, fmt.Errorf("upsert %s %s=%q: %w", object, extField, value, err)
	}
	id = r.String("id") // write responses spell it in lower case
	created = status == http.StatusCreated || r.Bool("created")
	if id == "" { // 204 from older API versions: no body
		got, err := c.GetByExternalID(ctx, object, extField, value, []string{"Id"})
		if err != nil {
			return "", created, fmt.Errorf("upsert %s %s=%q: reading id: %w", object, extField, value, err)
		}
		id = got.ID()
	}
	return id, created, nil
}

// Update writes fields to the record id.
func (c *Client) Update(ctx context.Context, object, id string, fields Record) error {
	if err := checkObjectID(object, id); err != nil {
		return fmt.Errorf("update %s %s: %w", object, id, localError(OpUpdate, err))
	}
	body := make(Record, len(fields))
	for k, v := range fields {
		if k != "Id" {
			body[k] = v
		}
	}
	if _, _, err := c.rest(ctx, OpUpdate, http.MethodPatch, c.path("sobjects/%s/%s", object, id), body); err != nil {
		return fmt.Errorf("update %s %s: %w", object, id, err)
	}
	return nil
}

// Create inserts a record and returns its id.
func (c *Client) Create(ctx context.Context, object string, fields Record) (string, error) {
	if !soql.ValidName(object) {
		return "", fmt.Errorf("create %s: %w", object, localError(OpCreate, fmt.Errorf("invalid object name %q", object)))
	}
	r, _, err := c.rest(ctx, OpCreate, http.MethodPost, c.path("sobjects/%s", object), fields)
	if err != nil {
		return "", fmt.Errorf("create %s: %w", object, err)
	}
	id := r.String("id") // write responses spell it in lower case
	if id == "" {
		return "", fmt.Errorf("create %s: %w", object, &upstream.Error{System: System, Op: OpCreate, Class: upstream.Retryable,
			Message: "response without id"})
	}
	return id, nil
}

// Delete removes the record id.
func (c *Client) Delete(ctx context.Context, object, id string) error {
	if err := checkObjectID(object, id); err != nil {
		return fmt.Errorf("delete %s %s: %w", object, id, localError(OpDelete, err))
	}
	if _, _, err := c.rest(ctx, OpDelete, http.MethodDelete, c.path("sobjects/%s/%s", object, id), nil); err != nil {
		return fmt.Errorf("delete %s %s: %w", object, id, err)
	}
	return nil
}

// rest sends one request through simpleforce's ApexREST and decodes a JSON
// object response (an empty body yields an empty Record).
func (c *Client) rest(ctx context.Context, op, method, path string, body any) (Record, int, error) {
	raw, status, err := c.restRaw(ctx, op, method, path, body)
	if err != nil {
		return nil, status, err
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return Record{}, status, nil
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, status, &upstream.Error{System: System, Op: op, Class: upstream.Retryable, Status: status,
			Message: "response is not a JSON object", Err: err}
	}
	return newRecord(m), status, nil
}

func (c *Client) restRaw(ctx context.Context, op, method, path string, body any) ([]byte, int, error) {
	var payload []byte
	if body != nil {
		if err := checkFieldNames(body); err != nil {
			return nil, 0, localError(op, err)
		}
		b, err := json.Marshal(body)
		if err != nil {
			return nil, 0, localError(op, fmt.Errorf("encoding request: %w", err))
		}
		payload = b
	}
	var raw []byte
	status, err := c.call(ctx, op, func(sf *simpleforce.Client) error {
		var r *bytes.Reader
		if payload != nil {
			r = bytes.NewReader(payload)
		}
		var err error
		if r == nil {
			raw, err = sf.ApexREST(method, path, nil)
		} else {
			raw, err = sf.ApexREST(method, path, r)
		}
		return err
	})
	return raw, status, err
}

func (c *Client) recordPath(object, rest string, fields []string) (string, error) {
	p := c.path("sobjects/%s/%s", object, rest)
	if len(fields) == 0 {
		return p, nil
	}
	for _, f := range fields {
		if !soql.ValidName(f) {
			return "", fmt.Errorf("invalid field name %q", f)
		}
	}
	return p + "?fields=" + url.QueryEscape(strings.Join(fields, ",")), nil
}

func checkObjectID(object, id string) error {
	if !soql.ValidName(object) {
		return fmt.Errorf("invalid object name %q", object)
	}
	if !ValidID(id) {
		return fmt.Errorf("invalid record id %q", truncate(id, 40))
	}
	return nil
}

func checkExternalID(object, extField, value string) error {
	if !soql.ValidName(object) {
		return fmt.Errorf("invalid object name %q", object)
	}
	if !soql.ValidName(extField) || strings.Contains(extField, ".") {
		return fmt.Errorf("invalid external id field name %q", extField)
	}
	if value == "" {
		return errors.New("empty external id value")
	}
	return nil
}

// checkFieldNames validates the keys of a record body (or of each record
// of a collections body).
func checkFieldNames(body any) error {
	check := func(r map[string]any) error {
		for k := range r {
			if k == "attributes" {
				continue
			}
			if !soql.ValidName(k) || strings.Contains(k, ".") {
				return fmt.Errorf("invalid field name %q", k)
			}
		}
		return nil
	}
	switch b := body.(type) {
	case Record:
		return check(b)
	case map[string]any:
		return check(b)
	case collectionRequest:
		for _, r := range b.Records {
			if err := check(r); err != nil {
				return err
			}
		}
	}
	return nil
}
