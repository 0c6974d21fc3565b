package bridge

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/connectors/salesforce/soql"
	"github.com/carebridge/carebridge/connectors/upstream"
)

// identityCache binds the mapping to the Care agents and the Salesforce
// users (who is whom, for assignment), read at most every ttl and once for
// all the reconciles that need them at the same time.
type identityCache struct {
	care interface {
		Agents(ctx context.Context) ([]care.Agent, error)
	}
	sf interface {
		Query(ctx context.Context, q soql.Query) ([]Record, error)
	}
	now func() time.Time
	ttl time.Duration
	log *slog.Logger

	mu     sync.Mutex
	source MapperSource
	mapper Mapper
	at     time.Time         // when mapper's identities were read
	agents map[string]string // Care agent id -> name
	// reload is closed when the identity reload in flight ends (nil: none).
	reload chan struct{}
	// gen counts the identity loads; missing holds the identities a
	// lookup made for them did not find, until when they are not looked
	// up again (see forCase).
	gen           uint64
	missing       map[string]time.Time
	sourceChanged bool // setSource ran during the reload in flight
}

// setSource replaces the mapping the identities are bound to: the next
// look binds src.
func (c *identityCache) setSource(src MapperSource) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.source, c.mapper, c.at = src, nil, time.Time{}
	// A reload in flight binds the old source: it must not be kept.
	c.sourceChanged = c.reload != nil
}

// sourceNow is the mapping the identities are bound to.
func (c *identityCache) sourceNow() MapperSource {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.source
}

// invalidate makes the next look read the identities again.
func (c *identityCache) invalidate() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.at = time.Time{}
}

// current returns the mapper bound to fresh-enough identities. One
// caller at a time reloads the identities (a Care call and a Salesforce
// query), outside the engine's lock: meanwhile the others go on with the
// mapper they had, or wait for the reload when there is none yet.
func (c *identityCache) current(ctx context.Context) (Mapper, error) { return c.get(ctx, false) }

// get returns the mapper bound to the cached identities, loading
// them when the cache is empty or expired. A load in flight is shared: a
// caller with a stale mapper keeps using it meanwhile, unless wait, which
// waits for the load.
func (c *identityCache) get(ctx context.Context, wait bool) (Mapper, error) {
	c.mu.Lock()
	if c.mapper != nil && c.now().Sub(c.at) < c.ttl {
		m := c.mapper
		c.mu.Unlock()
		return m, nil
	}
	if c.reload != nil {
		stale, done := c.mapper, c.reload
		c.mu.Unlock()
		if stale != nil && !wait {
			return stale, nil
		}
		select {
		case <-done:
			return c.get(ctx, wait)
		case <-ctx.Done():
			return nil, fmt.Errorf("wait for identities: %w", ctx.Err())
		}
	}
	done := make(chan struct{})
	c.reload = done
	src := c.source
	c.mu.Unlock()

	m, names, err := c.load(ctx, src)

	c.mu.Lock()
	defer c.mu.Unlock()
	c.reload = nil
	close(done)
	if err != nil {
		return nil, err
	}
	if !c.sourceChanged {
		c.mapper, c.at, c.agents = m, c.now(), names
		c.gen++
	}
	c.sourceChanged = false
	return m, nil
}

// identityChecker is a Mapper that tells the Care agents and Salesforce
// users its identity snapshot was built from.
type identityChecker interface {
	KnowsAgent(careAgentID string) bool
	KnowsUser(sfUserID string) bool
}

// unknownIdentities returns the Care assignee of c and the Salesforce user
// owning rec (nil: none yet) that m's snapshot does not know: somebody
// added since it was loaded.
func unknownIdentities(m Mapper, c care.Case, rec Record) []string {
	ic, ok := m.(identityChecker)
	if !ok {
		return nil
	}
	var out []string
	if c.AssigneeID != nil && *c.AssigneeID != "" && !ic.KnowsAgent(*c.AssigneeID) {
		out = append(out, "care:"+*c.AssigneeID)
	}
	if rec != nil {
		field := m.SalesforceField(m.CanonicalFor(CareAssigneeAttribute))
		if owner := str(rec[field]); strings.HasPrefix(owner, userIDPrefix) && !ic.KnowsUser(owner) {
			out = append(out, "salesforce:"+owner)
		}
	}
	return out
}

// userIDPrefix starts every Salesforce User id (a queue owner starts 00G).
const userIDPrefix = "005"

// forCase returns the mapper a reconcile of c and rec uses: the cached
// one, unless the case names a Care agent or a Salesforce user it does not
// know (added since the identities were loaded). Then the identities are
// looked up again at once: one lookup for every reconcile that needs it
// (the first starts it, the others wait for it or use the one that ended
// since they began), and an identity that lookup did not find either is
// not looked up again before the cache's TTL (IdentityTTL) runs out.
func (ids *identityCache) forCase(ctx context.Context, m Mapper, gen uint64, c care.Case, rec Record) Mapper {
	unknown := unknownIdentities(m, c, rec)
	if len(unknown) == 0 {
		return m
	}
	ids.mu.Lock()
	now := ids.now()
	fresh := ids.gen > gen
	wanted := fresh
	for _, id := range unknown {
		if until, ok := ids.missing[id]; !ok || now.After(until) {
			wanted = true
		}
	}
	if !wanted {
		ids.mu.Unlock()
		return m
	}
	if !fresh {
		ids.at = time.Time{} // expired: the next look reloads
	}
	ids.mu.Unlock()
	next, err := ids.get(ctx, true)
	if err != nil {
		ids.log.Warn("looking up new identities failed; the case syncs with the identities it has", "err", err)
		return m
	}
	ids.mu.Lock()
	defer ids.mu.Unlock()
	for _, id := range unknownIdentities(next, c, rec) {
		if ids.missing == nil {
			ids.missing = map[string]time.Time{}
		}
		ids.missing[id] = now.Add(ids.ttl)
	}
	for id, until := range ids.missing {
		if now.After(until) {
			delete(ids.missing, id)
		}
	}
	return next
}

// generation is the number of identity loads so far.
func (c *identityCache) generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

// load reads the identities and binds src to them.
func (c *identityCache) load(ctx context.Context, src MapperSource) (Mapper, map[string]string, error) {
	agents, users, err := c.read(ctx)
	if err != nil {
		return nil, nil, err
	}
	m, err := src(agents, users)
	if err != nil {
		return nil, nil, upstream.MarkPermanent(fmt.Errorf("bind mapping: %w", err))
	}
	names := make(map[string]string, len(agents))
	for _, a := range agents {
		names[a.ID] = a.Name
	}
	return m, names, nil
}

// agentNames returns Care agent names by id as of the last identity load.
func (c *identityCache) agentNames() map[string]string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.agents
}

// read reads the Care agents and the Salesforce users.
func (c *identityCache) read(ctx context.Context) ([]care.Agent, []Record, error) {
	agents, err := c.care.Agents(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("load Care agents: %w", err)
	}
	users, err := c.sf.Query(ctx, soql.Select("Id", "Email", "IsActive").From("User"))
	if err != nil {
		return nil, nil, fmt.Errorf("load Salesforce users: %w", err)
	}
	return agents, users, nil
}

// bind binds src to the current Care agents and Salesforce users
// (read now, not from the cache).
func (c *identityCache) bind(ctx context.Context, src MapperSource) (Mapper, error) {
	agents, users, err := c.read(ctx)
	if err != nil {
		return nil, err
	}
	m, err := src(agents, users)
	if err != nil {
		return nil, fmt.Errorf("bind mapping: %w", err)
	}
	return m, nil
}
