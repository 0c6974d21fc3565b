package testenv

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

// Config is what a test chooses about the daemon; zero values get defaults
// tuned for fast tests.
type Config struct {
	RedisAddr string // host:port of the Redis server (required unless SentinelAddrs)
	// SentinelAddrs, when set, are the Sentinels of a replicated Redis
	// (master redistest.MasterName) the daemon follows instead of RedisAddr.
	SentinelAddrs []string
	// ChangeStreamTimeout is how long a silent change stream counts as up
	// (default: the daemon's own).
	ChangeStreamTimeout time.Duration
	Prefix              string        // Redis key prefix; default "carebridge:" (replicas share it)
	Workers             int           // default 4
	QueueLease          time.Duration // default 3s: a killed worker's keys return quickly
	MaxAttempts         int           // default 50: outages in tests never dead-letter
	PollEvery           time.Duration // both polls; default 1s
	SweepEvery          time.Duration // default 1h (tests rely on triggers, not the sweep)
	MappingFile         string        // default: the shipped mapping
	SalesforceSecret    string        // default SalesforceSecret; set a wrong one to test check
	Timeout             time.Duration // per upstream request; default 5s
	LogLevel            string        // default "info"
}

// fileConfig is the YAML carebridge reads (a subset of bridge/config).
type fileConfig struct {
	Listen string `yaml:"listen"`
	Redis  struct {
		URL      string `yaml:"url,omitempty"`
		Prefix   string `yaml:"prefix"`
		Sentinel *struct {
			MasterName string   `yaml:"master_name"`
			Addrs      []string `yaml:"addrs"`
		} `yaml:"sentinel,omitempty"`
	} `yaml:"redis"`
	Care struct {
		BaseURL string `yaml:"base_url"`
		Token   string `yaml:"token"`
		Secret  string `yaml:"secret"`
		Timeout string `yaml:"timeout"`
	} `yaml:"care"`
	Salesforce struct {
		LoginURL       string `yaml:"login_url"`
		AuthMethod     string `yaml:"auth_method"`
		ClientID       string `yaml:"client_id"`
		ClientSecret   string `yaml:"client_secret"`
		Timeout        string `yaml:"timeout"`
		Changes        string `yaml:"changes"`
		PubSubEndpoint string `yaml:"pubsub_endpoint"`
		PubSubInsecure bool   `yaml:"pubsub_insecure"`
		StreamTimeout  string `yaml:"change_stream_timeout,omitempty"`
	} `yaml:"salesforce"`
	Mapping struct {
		File string `yaml:"file"`
	} `yaml:"mapping"`
	Schedule struct {
		PollCare       string `yaml:"poll_care"`
		PollSalesforce string `yaml:"poll_salesforce"`
		Sweep          string `yaml:"sweep"`
	} `yaml:"schedule"`
	Queue struct {
		Lease       string `yaml:"lease"`
		MaxAttempts int    `yaml:"max_attempts"`
		BaseDelay   string `yaml:"base_delay"`
		MaxDelay    string `yaml:"max_delay"`
	} `yaml:"queue"`
	Workers int `yaml:"workers"`
	Log     struct {
		Level  string `yaml:"level"`
		Format string `yaml:"format"`
	} `yaml:"log"`
}

// WriteConfig writes a config file for `carebridge run` and `carebridge
// check` pointing at sb and c.RedisAddr and returns its path. The daemon
// listens on 127.0.0.1:0; StartDaemon learns the port from its log.
func WriteConfig(t testing.TB, sb *Sandboxes, c Config) string {
	t.Helper()
	if c.RedisAddr == "" && len(c.SentinelAddrs) == 0 {
		t.Fatal("testenv: Config.RedisAddr or SentinelAddrs is required")
	}
	c = c.withDefaults()
	var f fileConfig
	f.Listen = "127.0.0.1:0"
	f.Redis.Prefix = c.Prefix
	if len(c.SentinelAddrs) > 0 {
		f.Redis.Sentinel = &struct {
			MasterName string   `yaml:"master_name"`
			Addrs      []string `yaml:"addrs"`
		}{MasterName: "carebridge", Addrs: c.SentinelAddrs}
	} else {
		f.Redis.URL = "redis://" + c.RedisAddr + "/0"
	}
	f.Care.BaseURL, f.Care.Token, f.Care.Secret, f.Care.Timeout = sb.CareURL, CareToken, CareSecret, c.Timeout.String()
	f.Salesforce.LoginURL, f.Salesforce.AuthMethod = sb.SalesforceURL, "client_credentials"
	f.Salesforce.ClientID, f.Salesforce.ClientSecret, f.Salesforce.Timeout = SalesforceClientID, c.SalesforceSecret, c.Timeout.String()
	f.Salesforce.Changes, f.Salesforce.PubSubEndpoint, f.Salesforce.PubSubInsecure = "pubsub", sb.PubSubAddr, true
	if c.ChangeStreamTimeout > 0 {
		f.Salesforce.StreamTimeout = c.ChangeStreamTimeout.String()
	}
	f.Mapping.File = c.MappingFile
	every := "@every " + c.PollEvery.String()
	f.Schedule.PollCare, f.Schedule.PollSalesforce, f.Schedule.Sweep = every, every, "@every "+c.SweepEvery.String()
	f.Queue.Lease, f.Queue.MaxAttempts = c.QueueLease.String(), c.MaxAttempts
	f.Queue.BaseDelay, f.Queue.MaxDelay = "200ms", "2s"
	f.Workers = c.Workers
	f.Log.Level, f.Log.Format = c.LogLevel, "text"

	data, err := yaml.Marshal(&f)
	if err != nil {
		t.Fatalf("testenv: encode config: %v", err)
	}
	path := filepath.Join(t.TempDir(), "carebridge.yaml")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatalf("testenv: write config: %v", err)
	}
	return path
}

func (c Config) withDefaults() Config {
	if c.Prefix == "" {
		c.Prefix = "carebridge:"
	}
	if c.Workers == 0 {
		c.Workers = 4
	}
	if c.QueueLease == 0 {
		c.QueueLease = 3 * time.Second
	}
	if c.MaxAttempts == 0 {
		c.MaxAttempts = 50
	}
	if c.PollEvery == 0 {
		c.PollEvery = time.Second
	}
	if c.SweepEvery == 0 {
		c.SweepEvery = time.Hour
	}
	if c.SalesforceSecret == "" {
		c.SalesforceSecret = SalesforceSecret
	}
	if c.Timeout == 0 {
		c.Timeout = 5 * time.Second
	}
	if c.LogLevel == "" {
		c.LogLevel = "info"
	}
	return c
}
