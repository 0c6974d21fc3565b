package daemon

import (
	"context"
	"sync"
	"time"

	"github.com/carebridge/carebridge/connectors/upstream"
)

// usageSystems are the upstreams whose API calls carebridge counts.
var usageSystems = []string{"salesforce", "care"}

// usage counts this replica's API calls into the hourly figures every
// replica shares (state.CountCalls): each heartbeat adds the calls made
// since the last.
type usage struct {
	metrics *upstream.Metrics
	mu      sync.Mutex
	counted map[string]int64 // system -> calls counted so far
}

func newUsage(m *upstream.Metrics) *usage { return &usage{metrics: m, counted: map[string]int64{}} }

// record adds the calls made since the last record; calls it could not
// store are added next time.
func (u *usage) record(ctx context.Context, count func(context.Context, time.Time, map[string]int64) error) error {
	u.mu.Lock()
	defer u.mu.Unlock()
	delta := map[string]int64{}
	now := map[string]int64{}
	for _, sys := range usageSystems {
		now[sys] = u.metrics.APICalls(sys)
		delta[sys] = now[sys] - u.counted[sys]
	}
	if err := count(ctx, time.Now(), delta); err != nil {
		return err
	}
	u.counted = now
	return nil
}

// APICost is what carebridge spent of the upstreams' budgets in the last
// 24 hours, every replica's calls together.
type APICost struct {
	// CasesSynced is how many Care cases a reconcile synced (about: a
	// HyperLogLog's count).
	CasesSynced     int64 `json:"cases_synced_24h"`
	SalesforceCalls int64 `json:"salesforce_calls_24h"`
	CareCalls       int64 `json:"care_calls_24h"`
	// SalesforcePerCase and CarePerCase are the calls per case synced.
	SalesforcePerCase float64 `json:"salesforce_calls_per_case"`
	CarePerCase       float64 `json:"care_calls_per_case"`
	// ShareOfSalesforceLimit is the part of the org's daily API request
	// limit carebridge's calls of the last 24 hours make (0 when the limit
	// is not known yet).
	ShareOfSalesforceLimit float64 `json:"share_of_salesforce_daily_limit"`
}

// apiCost reads the last 24 hours' usage.
func (d *Daemon) apiCost(ctx context.Context, dailyLimit int) (*APICost, error) {
	u, err := d.store.Usage24h(ctx, time.Now(), usageSystems...)
	if err != nil {
		return nil, err
	}
	c := &APICost{CasesSynced: u.Cases, SalesforceCalls: u.Calls["salesforce"], CareCalls: u.Calls["care"]}
	if u.Cases > 0 {
		c.SalesforcePerCase = float64(c.SalesforceCalls) / float64(u.Cases)
		c.CarePerCase = float64(c.CareCalls) / float64(u.Cases)
	}
	if dailyLimit > 0 {
		c.ShareOfSalesforceLimit = float64(c.SalesforceCalls) / float64(dailyLimit)
	}
	return c, nil
}
