package config

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"

	"github.com/redis/go-redis/v9"
)

// NewClient builds the one Redis client of a process from the settings: a
// client of one node (url), a client that asks the Sentinels for the
// current master and follows a failover (sentinel), or a Cluster client
// (cluster). It makes no network call. The daemon, `carebridge check`,
// `carebridge deadletters` and `carebridge erase` all connect through it.
func (r Redis) NewClient() (redis.UniversalClient, error) {
	var tlsConfig *tls.Config
	if r.TLS.Enabled {
		tlsConfig = &tls.Config{MinVersion: tls.VersionTLS12}
		if err := applyTLS(tlsConfig, r.TLS); err != nil {
			return nil, err
		}
	}
	switch r.Mode() {
	case "sentinel":
		return redis.NewFailoverClient(&redis.FailoverOptions{
			MasterName:       r.Sentinel.MasterName,
			SentinelAddrs:    r.Sentinel.Addrs,
			SentinelPassword: r.Sentinel.Password,
			Username:         r.Username,
			Password:         r.Password,
			TLSConfig:        tlsConfig,
		}), nil
	case "cluster":
		return redis.NewClusterClient(&redis.ClusterOptions{
			Addrs:     r.Cluster.Addrs,
			Username:  r.Username,
			Password:  r.Password,
			TLSConfig: tlsConfig,
		}), nil
	}
	opts, err := redis.ParseURL(r.URL)
	if err != nil {
		return nil, fmt.Errorf("redis.url: %w", err)
	}
	if r.Password != "" {
		opts.Username, opts.Password = r.Username, r.Password
	}
	if opts.TLSConfig != nil { // rediss://
		if err := applyTLS(opts.TLSConfig, r.TLS); err != nil {
			return nil, err
		}
	}
	return redis.NewClient(opts), nil
}

// applyTLS adds the TLS settings to c: the CA to trust, the name to
// expect, and whether to skip verification.
func applyTLS(c *tls.Config, cfg RedisTLS) error {
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
