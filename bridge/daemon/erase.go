package daemon

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/carebridge/carebridge/bridge"
	"github.com/carebridge/carebridge/bridge/admin"
	"github.com/carebridge/carebridge/bridge/config"
	"github.com/carebridge/carebridge/bridge/queue"
	"github.com/carebridge/carebridge/bridge/state"
	"github.com/carebridge/carebridge/connectors/care/rules"
	"github.com/carebridge/carebridge/connectors/upstream"
)

// Erase erases one customer's personal data from the mirror in Salesforce
// and from Redis, or lists what would go (req.DryRun): `carebridge erase`.
// It needs the Salesforce and Redis settings of the configuration; a
// running daemon picks the erasure up from Redis (the erased customer's
// linked cases are queued).
func Erase(ctx context.Context, cfg config.Config, req bridge.ErasureRequest, log *slog.Logger) (bridge.ErasureReport, error) {
	rdb, err := cfg.Redis.NewClient()
	if err != nil {
		return bridge.ErasureReport{}, err
	}
	defer func() { _ = rdb.Close() }()
	sf, err := cfg.Salesforce.NewClient(upstream.NewMetrics(nil), nil, log.With("system", "salesforce"))
	if err != nil {
		return bridge.ErasureReport{}, fmt.Errorf("salesforce: %w", err)
	}
	defer sf.Close()
	q, err := queue.New(rdb, queue.Options{Prefix: cfg.Redis.Prefix}, nil)
	if err != nil {
		return bridge.ErasureReport{}, fmt.Errorf("queue: %w", err)
	}
	x := bridge.Eraser{Salesforce: sfAdapter{sf}, Store: state.New(rdb, cfg.Redis.Prefix), Queue: enqueuer{q}}
	return x.Erase(ctx, req)
}

// adminErase is the admin API's erasure (POST /admin/api/erasure), on
// this replica's clients.
func (d *Daemon) adminErase(ctx context.Context, req admin.ErasureRequest) (any, error) {
	x, err := d.engine.Eraser()
	if err != nil {
		return nil, err
	}
	rep, err := x.Erase(ctx, bridge.ErasureRequest{Platform: rules.Platform(req.Platform), CustomerID: req.CustomerID, Handle: req.Handle, DryRun: req.DryRun})
	var bad *bridge.BadErasureError
	if errors.As(err, &bad) {
		return nil, &admin.RequestError{Message: bad.Reason}
	}
	return rep, err
}
