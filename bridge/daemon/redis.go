package daemon

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"

	"github.com/redis/go-redis/v9"

	"github.com/carebridge/carebridge/bridge/config"
)

// NewRedisClient builds the one Redis client of a process from its
// settings: a client of one node (url), a client that asks the Sentinels
// for the current master and follows a failover (sentinel), or a Cluster
// client (cluster). It makes no network call. The daemon, `carebridge
// check` and `carebridge deadletters` all connect through it.
func NewRedisClient(cfg config.Redis) (redis.UniversalClient, error) {
	var tlsConfig *tls.Config
	if cfg.TLS.Enabled {
		tlsConfig = &tls.Config{MinVersion: tls.VersionTLS12}
		if err := applyTLS(tlsConfig, cfg.TLS); err != nil {
			return nil, err
		}
	}
	switch cfg.Mode() {
	case "sentinel":
		return redis.NewFailoverClient(&redis.FailoverOptions{
			MasterName:       cfg.Sentinel.MasterName,
			SentinelAddrs:    cfg.Sentinel.Addrs,
			SentinelPassword: cfg.Sentinel.Password,
			Username:         cfg.Username,
			Password:         cfg.Password,
			TLSConfig:        tlsConfig,
		}), nil
	case "cluster":
		return redis.NewClusterClient(&redis.ClusterOptions{
			Addrs:     cfg.Cluster.Addrs,
			Username:  cfg.Username,
			Password:  cfg.Password,
			TLSConfig: tlsConfig,
		}), nil
	}
	opts, err := redis.ParseURL(cfg.URL)
	if err != nil {
		return nil, fmt.Errorf("redis.url: %w", err)
	}
	if cfg.Password != "" {
		opts.Username, opts.Password = cfg.Username, cfg.Password
	}
	if opts.TLSConfig != nil { // rediss://
		if err := applyTLS(opts.TLSConfig, cfg.TLS); err != nil {
			return nil, err
		}
	}
	return redis.NewClient(opts), nil
}

// applyTLS adds the TLS settings to c: the CA to trust, the name to
// expect, and whether to skip verification.
func applyTLS(c *tls.Config, cfg config.RedisTLS) error {
	if cfg.CAPEM != "" {
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM([]byte(cfg.CAPEM)) {
			return errors.New("redis.tls.ca_file: holds no PEM certificate")
		}
		c.RootCAs = pool
	}
	if cfg.ServerName != "" {
		c.ServerName = cfg.ServerName
	}
	// Only ever by explicit setting (config refuses it without TLS): a man
	// in the middle could read and change every case.
	if cfg.InsecureSkipVerify {
		c.InsecureSkipVerify = true
	}
	return nil
}
