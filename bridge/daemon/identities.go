package daemon

import (
	"context"
	"fmt"

	"github.com/carebridge/carebridge/bridge/admin"
	"github.com/carebridge/carebridge/bridge/identities"
)

// identities reads Care's agents and Salesforce's users now and matches
// them under the running mapping.
func (d *Daemon) identities(ctx context.Context) (admin.Identities, error) {
	agents, err := d.care.Agents(ctx)
	if err != nil {
		return admin.Identities{}, fmt.Errorf("read Care agents: %w", err)
	}
	users, err := d.sf.Query(ctx, identities.UsersQuery())
	if err != nil {
		return admin.Identities{}, fmt.Errorf("read Salesforce users: %w", err)
	}
	m, _ := d.mappings.Get()
	return identities.Match(m, agents, users), nil
}
