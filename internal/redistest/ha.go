package redistest

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/carebridge/carebridge/internal/testkit"
)

// haTimeout bounds how long a replica, a Sentinel quorum, a failover or a
// cluster may take to settle. It is generous: the tests run on loaded
// 2-core machines under -race.
const haTimeout = 60 * time.Second

// MasterName is the name the Sentinels of StartSentinel monitor.
const MasterName = "carebridge"

// Sentinel is a master, its replica and three Sentinels watching them
// (quorum 2), all on loopback, as StartSentinel made them.
type Sentinel struct {
	t         testing.TB
	servers   []*Server // the master first, then the replica
	sentinels []*Server
}

// StartSentinel starts a master and one replica (both with AOF and
// appendfsync always, as Start does), then three Sentinels with quorum 2
// that declare a silent master down after one second, and waits until the
// replica is in sync and every Sentinel knows the replica and both other
// Sentinels, so that a failover can happen. Everything stops when t ends.
func StartSentinel(t testing.TB) *Sentinel {
	t.Helper()
	master := Start(t)
	replica := Start(t, WithArgs("--replicaof", "127.0.0.1", strconv.Itoa(master.port)))
	s := &Sentinel{t: t, servers: []*Server{master, replica}}
	untilNil(t, haTimeout, "the replica in sync", func(ctx context.Context) error {
		return replicaLinkUp(ctx, replica.Addr())
	})
	monitor := []string{
		fmt.Sprintf("sentinel monitor %s 127.0.0.1 %d 2", MasterName, master.port),
		fmt.Sprintf("sentinel down-after-milliseconds %s 1000", MasterName),
		fmt.Sprintf("sentinel failover-timeout %s 10000", MasterName),
		fmt.Sprintf("sentinel parallel-syncs %s 1", MasterName),
	}
	for range 3 {
		s.sentinels = append(s.sentinels, Start(t, func(c *config) { c.sentinel = monitor }))
	}
	untilNil(t, haTimeout, "three Sentinels that know the replica and each other", func(ctx context.Context) error {
		for _, sen := range s.sentinels {
			m, err := sentinelMaster(ctx, sen.Addr())
			if err != nil {
				return err
			}
			if m["num-other-sentinels"] != "2" || m["num-slaves"] != "1" {
				return fmt.Errorf("sentinel %s sees %s other sentinels and %s replicas", sen.Addr(), m["num-other-sentinels"], m["num-slaves"])
			}
		}
		return nil
	})
	return s
}

// Addrs are the Sentinels' host:port.
func (s *Sentinel) Addrs() []string { return addrs(s.sentinels) }

func addrs(servers []*Server) []string {
	a := make([]string, len(servers))
	for i, srv := range servers {
		a[i] = srv.Addr()
	}
	return a
}

// Client returns a go-redis client that finds the master through the
// Sentinels and follows a failover, closed when t ends.
func (s *Sentinel) Client(t testing.TB) *redis.Client {
	t.Helper()
	c := redis.NewFailoverClient(&redis.FailoverOptions{
		MasterName:    MasterName,
		SentinelAddrs: s.Addrs(),
		DialTimeout:   2 * time.Second,
		ReadTimeout:   2 * time.Second,
		WriteTimeout:  2 * time.Second,
	})
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// Master is the server the Sentinels currently name as master.
func (s *Sentinel) Master() *Server {
	s.t.Helper()
	addr, err := s.masterAddr(context.Background(), s.sentinels[0])
	if err != nil {
		s.t.Fatalf("redistest: ask sentinel for the master: %v", err)
	}
	for _, srv := range s.servers {
		if srv.Addr() == addr {
			return srv
		}
	}
	s.t.Fatalf("redistest: the Sentinels name %s, which is none of the servers", addr)
	return nil
}

// Replica is the server that is not the current master.
func (s *Sentinel) Replica() *Server {
	s.t.Helper()
	m := s.Master()
	for _, srv := range s.servers {
		if srv != m {
			return srv
		}
	}
	return nil
}

// WaitFailover waits until every Sentinel names a master other than old
// and that server answers as a master that accepts writes; it returns the
// new master.
func (s *Sentinel) WaitFailover(old *Server) *Server {
	s.t.Helper()
	var promoted *Server
	untilNil(s.t, haTimeout, "Sentinel to promote the replica", func(ctx context.Context) error {
		var addr string
		for _, sen := range s.sentinels {
			a, err := s.masterAddr(ctx, sen)
			if err != nil {
				return err
			}
			if a == old.Addr() {
				return fmt.Errorf("sentinel %s still names %s", sen.Addr(), a)
			}
			if addr != "" && a != addr {
				return fmt.Errorf("sentinels disagree: %s and %s", addr, a)
			}
			addr = a
		}
		for _, srv := range s.servers {
			if srv.Addr() == addr {
				promoted = srv
			}
		}
		if promoted == nil {
			return fmt.Errorf("the Sentinels name %s, which is none of the servers", addr)
		}
		c := redis.NewClient(&redis.Options{Addr: addr, DialTimeout: time.Second, MaxRetries: -1})
		defer c.Close()
		info, err := c.Info(ctx, "replication").Result()
		if err != nil {
			return err
		}
		if !strings.Contains(info, "role:master") {
			return fmt.Errorf("%s is not master yet", addr)
		}
		return nil
	})
	return promoted
}

func (s *Sentinel) masterAddr(ctx context.Context, sen *Server) (string, error) {
	c := redis.NewSentinelClient(&redis.Options{Addr: sen.Addr(), DialTimeout: time.Second, MaxRetries: -1})
	defer c.Close()
	hp, err := c.GetMasterAddrByName(ctx, MasterName).Result()
	if err != nil {
		return "", fmt.Errorf("sentinel %s: get-master-addr-by-name: %w", sen.Addr(), err)
	}
	return net.JoinHostPort(hp[0], hp[1]), nil
}

func sentinelMaster(ctx context.Context, addr string) (map[string]string, error) {
	c := redis.NewSentinelClient(&redis.Options{Addr: addr, DialTimeout: time.Second, MaxRetries: -1})
	defer c.Close()
	m, err := c.Master(ctx, MasterName).Result()
	if err != nil {
		return nil, fmt.Errorf("sentinel %s: sentinel master: %w", addr, err)
	}
	return m, nil
}

func replicaLinkUp(ctx context.Context, addr string) error {
	c := redis.NewClient(&redis.Options{Addr: addr, DialTimeout: time.Second, MaxRetries: -1})
	defer c.Close()
	info, err := c.Info(ctx, "replication").Result()
	if err != nil {
		return err
	}
	if !strings.Contains(info, "master_link_status:up") {
		return fmt.Errorf("replica %s: link to master not up", addr)
	}
	return nil
}

// sentinelArgs writes the Sentinel's config file (Sentinel rewrites it as
// it learns, so it is written once per port) and runs redis-server on it
// in Sentinel mode.
func (s *Server) sentinelArgs() ([]string, error) {
	conf := filepath.Join(s.dir, "sentinel.conf")
	if s.confPort != s.port {
		lines := append([]string{
			"port " + strconv.Itoa(s.port),
			"bind 127.0.0.1",
			"dir " + s.dir,
			"logfile redis.log",
			"daemonize no",
		}, s.cfg.sentinel...)
		if err := os.WriteFile(conf, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
			return nil, fmt.Errorf("write sentinel.conf: %w", err)
		}
		s.confPort = s.port
	}
	return []string{conf, "--sentinel"}, nil
}

// Cluster is a Redis Cluster of masters without replicas on loopback, as
// StartCluster made it.
type Cluster struct {
	Nodes []*Server
}

// StartCluster starts n cluster-mode servers (AOF as Start), joins them
// with CLUSTER MEET, gives each an equal range of the 16384 slots and waits
// until every node reports the cluster ok and knows all n nodes. Everything
// stops when t ends.
func StartCluster(t testing.TB, n int) *Cluster {
	t.Helper()
	c := &Cluster{}
	for range n {
		c.Nodes = append(c.Nodes, Start(t, func(c *config) { c.clusterMember = true }))
	}
	ctx := context.Background()
	first := redis.NewClient(&redis.Options{Addr: c.Nodes[0].Addr(), DialTimeout: time.Second})
	defer first.Close()
	for _, node := range c.Nodes[1:] {
		if err := first.ClusterMeet(ctx, "127.0.0.1", strconv.Itoa(node.port)).Err(); err != nil {
			t.Fatalf("redistest: cluster meet %s: %v", node.Addr(), err)
		}
	}
	per := 16384 / n
	for i, node := range c.Nodes {
		lo, hi := i*per, (i+1)*per-1
		if i == n-1 {
			hi = 16383
		}
		nc := redis.NewClient(&redis.Options{Addr: node.Addr(), DialTimeout: time.Second})
		err := nc.Do(ctx, "CLUSTER", "ADDSLOTSRANGE", lo, hi).Err()
		_ = nc.Close()
		if err != nil {
			t.Fatalf("redistest: cluster addslotsrange %d %d on %s: %v", lo, hi, node.Addr(), err)
		}
	}
	want := "cluster_known_nodes:" + strconv.Itoa(n)
	untilNil(t, haTimeout, "the cluster ok on every node", func(ctx context.Context) error {
		for _, node := range c.Nodes {
			nc := redis.NewClient(&redis.Options{Addr: node.Addr(), DialTimeout: time.Second, MaxRetries: -1})
			info, err := nc.ClusterInfo(ctx).Result()
			_ = nc.Close()
			if err != nil {
				return err
			}
			if !strings.Contains(info, "cluster_state:ok") || !strings.Contains(info, want) {
				return fmt.Errorf("node %s: %s", node.Addr(), strings.ReplaceAll(strings.TrimSpace(info), "\r\n", " "))
			}
		}
		return nil
	})
	return c
}

// Addrs are the nodes' host:port.
func (c *Cluster) Addrs() []string { return addrs(c.Nodes) }

// Client returns a go-redis Cluster client seeded with every node, closed
// when t ends.
func (c *Cluster) Client(t testing.TB) *redis.ClusterClient {
	t.Helper()
	return clusterClient(t, c.Addrs())
}

// untilNil runs cond, each time with a short deadline, until it returns
// nil, and fails t with what was awaited and cond's last error when
// timeout passes first.
func untilNil(t testing.TB, timeout time.Duration, what string, cond func(ctx context.Context) error) {
	t.Helper()
	testkit.Eventually(t, timeout, what, func() (bool, string) {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if err := cond(ctx); err != nil {
			return false, err.Error()
		}
		return true, ""
	})
}
