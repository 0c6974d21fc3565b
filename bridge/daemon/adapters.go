package daemon

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/carebridge/carebridge/bridge"
	"github.com/carebridge/carebridge/bridge/queue"
	"github.com/carebridge/carebridge/bridge/state"
	"github.com/carebridge/carebridge/connectors/salesforce"
	"github.com/carebridge/carebridge/connectors/salesforce/soql"
	"github.com/carebridge/carebridge/connectors/upstream"
)

// sfAdapter gives the engine the Salesforce calls it needs.
type sfAdapter struct{ c *salesforce.Client }

var _ bridge.Salesforce = sfAdapter{}

// SalesforcePort is the engine's Salesforce port over c, the one the
// daemon hands the engine (tests run the port's conformance suite on it).
func SalesforcePort(c *salesforce.Client) bridge.Salesforce { return sfAdapter{c} }

func (a sfAdapter) Query(ctx context.Context, q soql.Query) ([]bridge.Record, error) {
	recs, err := a.c.Query(ctx, q)
	return toBridge(recs), err
}

func (a sfAdapter) UpsertMany(ctx context.Context, object, extField string, recs []bridge.Record) ([]bridge.WriteResult, error) {
	res, err := a.c.UpsertMany(ctx, object, extField, toSalesforce(recs))
	return results(res), err
}

func (a sfAdapter) UpsertManyThenQuery(ctx context.Context, object, extField string, recs []bridge.Record, read soql.Query) (bridge.UpsertedAndRead, error) {
	res, rows, readErr, err := a.c.UpsertManyThenQuery(ctx, object, extField, toSalesforce(recs), read)
	return bridge.UpsertedAndRead{Results: results(res), Read: toBridge(rows), ReadErr: readErr}, err
}

func (a sfAdapter) UpdateMany(ctx context.Context, object string, recs []bridge.Record) ([]bridge.WriteResult, error) {
	res, err := a.c.UpdateMany(ctx, object, toSalesforce(recs))
	return results(res), err
}

func (a sfAdapter) CreateMany(ctx context.Context, object string, recs []bridge.Record) ([]bridge.WriteResult, error) {
	res, err := a.c.CreateMany(ctx, object, toSalesforce(recs))
	return results(res), err
}

func (a sfAdapter) DeleteMany(ctx context.Context, ids []string) ([]bridge.WriteResult, error) {
	res, err := a.c.DeleteMany(ctx, ids)
	return results(res), err
}

func (a sfAdapter) Changed(ctx context.Context, object string, fields []string, where soql.Cond, watermark string) ([]bridge.Record, string, error) {
	var wm salesforce.Watermark
	if watermark != "" {
		if err := json.Unmarshal([]byte(watermark), &wm); err != nil {
			// A damaged watermark re-reads everything: triggers are only
			// hints, so a full re-read costs calls but loses nothing.
			wm = salesforce.Watermark{}
		}
	}
	recs, next, err := a.c.Changed(ctx, object, fields, wm, where)
	if err != nil {
		return nil, watermark, err
	}
	b, err := json.Marshal(next)
	if err != nil {
		return nil, watermark, upstream.MarkPermanent(fmt.Errorf("encode watermark: %w", err))
	}
	return toBridge(recs), string(b), nil
}

// DescribeFields reads an object's field lengths and picklist values for the
// engine, which cuts values to fit.
func (a sfAdapter) DescribeFields(ctx context.Context, object string) (map[string]bridge.FieldInfo, error) {
	d, err := a.c.Describe(ctx, object)
	if err != nil {
		return nil, err
	}
	out := make(map[string]bridge.FieldInfo, len(d.Fields))
	for _, f := range d.Fields {
		info := bridge.FieldInfo{Type: f.Type, Length: f.Length, Restricted: f.RestrictedPicklist}
		for _, v := range f.PicklistValues {
			if v.Active {
				info.Values = append(info.Values, v.Value)
			}
		}
		out[f.Name] = info
	}
	return out, nil
}

func toBridge(recs []salesforce.Record) []bridge.Record {
	out := make([]bridge.Record, len(recs))
	for i, r := range recs {
		out[i] = bridge.Record(r)
	}
	return out
}

func toSalesforce(recs []bridge.Record) []salesforce.Record {
	out := make([]salesforce.Record, len(recs))
	for i, r := range recs {
		out[i] = salesforce.Record(r)
	}
	return out
}

func results(res []salesforce.Result) []bridge.WriteResult {
	out := make([]bridge.WriteResult, len(res))
	for i, r := range res {
		out[i] = bridge.WriteResult{ID: r.ID, Created: r.Created, Err: r.Err}
	}
	return out
}

// enqueuer adapts the queue's Add to the engine's.
type enqueuer struct{ q *queue.Queue }

func (e enqueuer) Add(ctx context.Context, keys ...string) error {
	if len(keys) == 1 {
		_, err := e.q.Add(ctx, keys[0])
		return err
	}
	return e.q.AddMany(ctx, keys)
}

// AddOr queues keys, or instead[i] once the run of keys[i] ends while a
// worker runs it.
func (e enqueuer) AddOr(ctx context.Context, keys, instead []string) error {
	if len(keys) == 1 {
		_, err := e.q.AddOr(ctx, keys[0], instead[0])
		return err
	}
	return e.q.AddManyOr(ctx, keys, instead)
}

// Await runs waiter once the current run of key ends (false: key does not
// run now).
func (e enqueuer) Await(ctx context.Context, key, waiter string) (bool, error) {
	return e.q.Await(ctx, key, waiter)
}

// FailingKeys lists the keys whose last run failed, for the sweep.
func (e enqueuer) FailingKeys(ctx context.Context) ([]string, error) {
	failing, err := e.q.Failing(ctx, 1_000_000)
	if err != nil {
		return nil, err
	}
	keys := make([]string, len(failing))
	for i, f := range failing {
		keys[i] = f.Key
	}
	return keys, nil
}

// webhookDedupe remembers webhook event ids in Redis.
type webhookDedupe struct{ s *state.Store }

func (w webhookDedupe) FirstSeen(ctx context.Context, id string) (bool, error) {
	return w.s.FirstSeen(ctx, id)
}

func (w webhookDedupe) Forget(ctx context.Context, id string) error { return w.s.ForgetEvent(ctx, id) }
