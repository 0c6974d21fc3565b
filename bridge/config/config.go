// Package config loads carebridge's daemon configuration: a YAML file,
// then environment overrides, then secrets read from files. Loading is strict:
// unknown keys and invalid values are errors naming the key and its line,
// an unknown key with the nearest valid one ("unknown key http.read_timout
// at line 3; did you mean http.read_timeout?"). It also builds what the
// configuration names, for the daemon and every command alike: the Redis
// and Salesforce clients (redis.go, salesforce.go), the mapping and the rule
// data (files.go).
package config

import (
	"bytes"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"os"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
	"go.yaml.in/yaml/v3"
)

// Config is the whole daemon configuration.
type Config struct {
	// Version is the build's version, set by the binary (carebridge
	// version says the same); it is not read from the file.
	Version    string     `yaml:"-"`
	Listen     string     `yaml:"listen" env:"CAREBRIDGE_LISTEN"` // HTTP address for metrics, health, webhooks and admin
	HTTP       HTTP       `yaml:"http"`
	Redis      Redis      `yaml:"redis"`
	Care       Care       `yaml:"care"`
	Salesforce Salesforce `yaml:"salesforce"`
	Mapping    Mapping    `yaml:"mapping"`
	Rules      Rules      `yaml:"rules"`
	Schedule   Schedule   `yaml:"schedule"`
	Queue      Queue      `yaml:"queue"`
	Workers    int        `yaml:"workers" env:"CAREBRIDGE_WORKERS"`
	Leader     Leader     `yaml:"leader"`
	Actions    Actions    `yaml:"actions"`
	Retention  Retention  `yaml:"retention"`
	Admin      Admin      `yaml:"admin"`
	Log        Log        `yaml:"log"`
}

// HTTP bounds what a client of the public listener may hold: a slow or
// stalled client is cut off instead of holding a connection for good.
type HTTP struct {
	ReadTimeout  time.Duration `yaml:"read_timeout" env:"CAREBRIDGE_HTTP_READ_TIMEOUT"`   // whole request, body included
	WriteTimeout time.Duration `yaml:"write_timeout" env:"CAREBRIDGE_HTTP_WRITE_TIMEOUT"` // from the end of the request to the end of the answer
	IdleTimeout  time.Duration `yaml:"idle_timeout" env:"CAREBRIDGE_HTTP_IDLE_TIMEOUT"`   // a kept-alive connection between requests
	// MaxWebhookRequests caps the webhook requests handled at once; one
	// more is answered 503 with Retry-After at once (Care delivers it
	// again) and its connection closed, so slow or stalled senders cannot
	// hold every connection and file descriptor.
	MaxWebhookRequests int `yaml:"max_webhook_requests" env:"CAREBRIDGE_HTTP_MAX_WEBHOOK_REQUESTS"`
	// MaxWebhookRequestsPerAddress caps the webhook requests handled at
	// once for one client address (an IPv4 address, an IPv6 /64), so that
	// one sender cannot take every slot; 0: no cap per address.
	MaxWebhookRequestsPerAddress int `yaml:"max_webhook_requests_per_address" env:"CAREBRIDGE_HTTP_MAX_WEBHOOK_REQUESTS_PER_ADDRESS"`
	// WebhookBodyTimeout is how long a webhook body may take to arrive
	// once its headers are in; a slower one is cut off with 408.
	WebhookBodyTimeout time.Duration `yaml:"webhook_body_timeout" env:"CAREBRIDGE_HTTP_WEBHOOK_BODY_TIMEOUT"`
	// TrustedProxies are the addresses or CIDR ranges of proxies (an
	// ingress controller, a load balancer) whose X-Forwarded-For names the
	// client; the address of a request from anywhere else is its peer's.
	TrustedProxies []string `yaml:"trusted_proxies" env:"CAREBRIDGE_HTTP_TRUSTED_PROXIES"`
}

// Redis is where all state lives: one node (URL), a master watched by
// Sentinel (Sentinel) or a Redis Cluster (Cluster); exactly one of them.
type Redis struct {
	URL          string        `yaml:"url" env:"CAREBRIDGE_REDIS_URL" secret:"true"` // redis[s]://[[user]:password@]host:port/db; may hold a password
	Prefix       string        `yaml:"prefix" env:"CAREBRIDGE_REDIS_PREFIX"`
	Username     string        `yaml:"username" env:"CAREBRIDGE_REDIS_USERNAME"` // ACL user (Redis 6+); empty: the default user
	Password     string        `yaml:"password" env:"CAREBRIDGE_REDIS_PASSWORD" secret:"true"`
	PasswordFile string        `yaml:"password_file" env:"CAREBRIDGE_REDIS_PASSWORD_FILE"`
	Sentinel     RedisSentinel `yaml:"sentinel"`
	Cluster      RedisCluster  `yaml:"cluster"`
	TLS          RedisTLS      `yaml:"tls"`
}

// RedisSentinel finds the current master of a replicated Redis through
// Sentinel, and follows it when Sentinel fails over.
type RedisSentinel struct {
	MasterName   string   `yaml:"master_name" env:"CAREBRIDGE_REDIS_SENTINEL_MASTER_NAME"`
	Addrs        []string `yaml:"addrs" env:"CAREBRIDGE_REDIS_SENTINEL_ADDRS"`                     // host:port of each Sentinel; comma-separated in the environment
	Password     string   `yaml:"password" env:"CAREBRIDGE_REDIS_SENTINEL_PASSWORD" secret:"true"` // the Sentinels' own requirepass
	PasswordFile string   `yaml:"password_file" env:"CAREBRIDGE_REDIS_SENTINEL_PASSWORD_FILE"`
}

// RedisCluster is a Redis Cluster, found from any of its nodes.
type RedisCluster struct {
	Addrs []string `yaml:"addrs" env:"CAREBRIDGE_REDIS_CLUSTER_ADDRS"` // seed nodes host:port; comma-separated in the environment
}

// RedisTLS secures the connections to Redis (and to the Sentinels). With
// url, rediss:// turns TLS on; with Sentinel or Cluster, Enabled does.
type RedisTLS struct {
	Enabled            bool   `yaml:"enabled" env:"CAREBRIDGE_REDIS_TLS_ENABLED"`
	CAFile             string `yaml:"ca_file" env:"CAREBRIDGE_REDIS_TLS_CA_FILE"` // PEM; empty: the system's roots
	CAPEM              string `yaml:"-"`                                          // read from CAFile
	ServerName         string `yaml:"server_name" env:"CAREBRIDGE_REDIS_TLS_SERVER_NAME"`
	InsecureSkipVerify bool   `yaml:"insecure_skip_verify" env:"CAREBRIDGE_REDIS_TLS_INSECURE_SKIP_VERIFY"` // never by default; for a test Redis only
}

// Mode names the Redis deployment the settings describe: "single",
// "sentinel" or "cluster".
func (r Redis) Mode() string {
	switch {
	case r.Sentinel.MasterName != "" || len(r.Sentinel.Addrs) > 0:
		return "sentinel"
	case len(r.Cluster.Addrs) > 0:
		return "cluster"
	default:
		return "single"
	}
}

// TLSOn reports whether connections to Redis use TLS.
func (r Redis) TLSOn() bool {
	if r.Mode() == "single" {
		return strings.HasPrefix(r.URL, "rediss://")
	}
	return r.TLS.Enabled
}

// Care is the Emplifi Care API.
type Care struct {
	BaseURL           string        `yaml:"base_url" env:"CAREBRIDGE_CARE_BASE_URL"`
	Token             string        `yaml:"token" env:"CAREBRIDGE_CARE_TOKEN" secret:"true"`
	TokenFile         string        `yaml:"token_file" env:"CAREBRIDGE_CARE_TOKEN_FILE"`
	Secret            string        `yaml:"secret" env:"CAREBRIDGE_CARE_SECRET" secret:"true"`
	SecretFile        string        `yaml:"secret_file" env:"CAREBRIDGE_CARE_SECRET_FILE"`
	BearerToken       string        `yaml:"bearer_token" env:"CAREBRIDGE_CARE_BEARER_TOKEN" secret:"true"` // OAuth 2.0 instead of token/secret
	BearerTokenFile   string        `yaml:"bearer_token_file" env:"CAREBRIDGE_CARE_BEARER_TOKEN_FILE"`
	WebhookSecret     string        `yaml:"webhook_secret" env:"CAREBRIDGE_CARE_WEBHOOK_SECRET" secret:"true"`
	WebhookSecretFile string        `yaml:"webhook_secret_file" env:"CAREBRIDGE_CARE_WEBHOOK_SECRET_FILE"`
	Timeout           time.Duration `yaml:"timeout" env:"CAREBRIDGE_CARE_TIMEOUT"`
	// RateLimit keeps this replica within the Care account's API budget:
	// at most this many requests per second (0: no limit), in bursts of at
	// most RateBurst (0: one second's worth). Replicas share the account's
	// budget: give each its share.
	RateLimit float64 `yaml:"rate_limit" env:"CAREBRIDGE_CARE_RATE_LIMIT"`
	RateBurst int     `yaml:"rate_burst" env:"CAREBRIDGE_CARE_RATE_BURST"`
}

// Salesforce is the Salesforce org.
type Salesforce struct {
	LoginURL         string        `yaml:"login_url" env:"CAREBRIDGE_SF_LOGIN_URL"`
	InstanceURL      string        `yaml:"instance_url" env:"CAREBRIDGE_SF_INSTANCE_URL"`
	APIVersion       string        `yaml:"api_version" env:"CAREBRIDGE_SF_API_VERSION"`
	AuthMethod       string        `yaml:"auth_method" env:"CAREBRIDGE_SF_AUTH_METHOD"` // client_credentials, jwt, refresh_token, password
	ClientID         string        `yaml:"client_id" env:"CAREBRIDGE_SF_CLIENT_ID"`
	ClientSecret     string        `yaml:"client_secret" env:"CAREBRIDGE_SF_CLIENT_SECRET" secret:"true"`
	ClientSecretFile string        `yaml:"client_secret_file" env:"CAREBRIDGE_SF_CLIENT_SECRET_FILE"`
	Username         string        `yaml:"username" env:"CAREBRIDGE_SF_USERNAME"`
	Password         string        `yaml:"password" env:"CAREBRIDGE_SF_PASSWORD" secret:"true"`
	PasswordFile     string        `yaml:"password_file" env:"CAREBRIDGE_SF_PASSWORD_FILE"`
	RefreshToken     string        `yaml:"refresh_token" env:"CAREBRIDGE_SF_REFRESH_TOKEN" secret:"true"`
	RefreshTokenFile string        `yaml:"refresh_token_file" env:"CAREBRIDGE_SF_REFRESH_TOKEN_FILE"`
	PrivateKeyFile   string        `yaml:"private_key_file" env:"CAREBRIDGE_SF_PRIVATE_KEY_FILE"`
	PrivateKeyPEM    string        `yaml:"-" secret:"true"` // read from PrivateKeyFile
	Audience         string        `yaml:"audience" env:"CAREBRIDGE_SF_AUDIENCE"`
	Timeout          time.Duration `yaml:"timeout" env:"CAREBRIDGE_SF_TIMEOUT"`
	PollOverlap      time.Duration `yaml:"poll_overlap" env:"CAREBRIDGE_SF_POLL_OVERLAP"`
	// Changes is how Salesforce changes reach carebridge: "poll" (the
	// SystemModstamp polls) or "pubsub" (Change Data Capture over the
	// Pub/Sub API, the polls running as a safety net every SafetyPoll and
	// whenever a stream is down).
	Changes        string        `yaml:"changes" env:"CAREBRIDGE_SF_CHANGES"`
	PubSubEndpoint string        `yaml:"pubsub_endpoint" env:"CAREBRIDGE_SF_PUBSUB_ENDPOINT"`
	PubSubInsecure bool          `yaml:"pubsub_insecure" env:"CAREBRIDGE_SF_PUBSUB_INSECURE"` // plaintext gRPC: the sandbox on loopback only
	SafetyPoll     time.Duration `yaml:"safety_poll" env:"CAREBRIDGE_SF_SAFETY_POLL"`
	// ChangeChannel is the custom change event channel carebridge follows
	// (configs/salesforce ships Carebridge__chn: Care's Cases and the Care
	// actions), subscribed to as /data/<ChangeChannel>.
	ChangeChannel string `yaml:"change_channel" env:"CAREBRIDGE_SF_CHANGE_CHANNEL"`
	// ChangeStreamTimeout is how long the change stream may send nothing,
	// not even a keep-alive (Salesforce sends one at least every 270 s),
	// before it is taken for dead and resumed.
	ChangeStreamTimeout time.Duration `yaml:"change_stream_timeout" env:"CAREBRIDGE_SF_CHANGE_STREAM_TIMEOUT"`
}

// Mapping points at the field mapping; empty means the shipped default.
type Mapping struct {
	File string `yaml:"file" env:"CAREBRIDGE_MAPPING_FILE"`
	// ReloadInterval is how often a replica checks for a newly published
	// (or rolled back) mapping version.
	ReloadInterval time.Duration `yaml:"reload_interval" env:"CAREBRIDGE_MAPPING_RELOAD_INTERVAL"`
}

// Rules points at the platform rule data; empty means the shipped default.
type Rules struct {
	File string `yaml:"file" env:"CAREBRIDGE_RULES_FILE"`
}

// Schedule holds cron specs (robfig/cron syntax, seconds optional, "@every 10s" accepted).
type Schedule struct {
	PollCare         string `yaml:"poll_care" env:"CAREBRIDGE_SCHEDULE_POLL_CARE"`
	PollSalesforce   string `yaml:"poll_salesforce" env:"CAREBRIDGE_SCHEDULE_POLL_SALESFORCE"`
	Sweep            string `yaml:"sweep" env:"CAREBRIDGE_SCHEDULE_SWEEP"`
	DeadLetterReport string `yaml:"dead_letter_report" env:"CAREBRIDGE_SCHEDULE_DEAD_LETTER_REPORT"`
}

// Queue tunes the work queue.
type Queue struct {
	Lease       time.Duration `yaml:"lease" env:"CAREBRIDGE_QUEUE_LEASE"`
	MaxAttempts int           `yaml:"max_attempts" env:"CAREBRIDGE_QUEUE_MAX_ATTEMPTS"`
	BaseDelay   time.Duration `yaml:"base_delay" env:"CAREBRIDGE_QUEUE_BASE_DELAY"`
	MaxDelay    time.Duration `yaml:"max_delay" env:"CAREBRIDGE_QUEUE_MAX_DELAY"`
	// Linger is the longest a change waits for the changes arriving after
	// it to share its Salesforce calls, while they arrive as a stream
	// (webhooks one after another); a lone change never waits.
	Linger time.Duration `yaml:"linger" env:"CAREBRIDGE_QUEUE_LINGER"`
}

// Leader tunes the leader lease that decides which replica runs the
// scheduled jobs.
type Leader struct {
	// Lease is how long a dead leader's lease blocks the others: the
	// longest time without polls after a leader crashes.
	Lease time.Duration `yaml:"lease" env:"CAREBRIDGE_LEADER_LEASE"`
}

// Retention decides how long closed cases stay in the sweep and in Redis.
type Retention struct {
	// ClosedCases is how long a case closed on both sides is still swept;
	// then it is retired: unlinked, its per-case state dropped (the audit
	// keeps a record). It comes back when it reopens on either side.
	ClosedCases time.Duration `yaml:"closed_cases" env:"CAREBRIDGE_RETENTION_CLOSED_CASES"`
	// RetiredBase is how long a retired case's last synced values are kept,
	// so that a reopen merges against them; a case reopened later is
	// synced as on its first sync (Care's values win).
	RetiredBase time.Duration `yaml:"retired_base" env:"CAREBRIDGE_RETENTION_RETIRED_BASE"`
	// MirroredMessages is how long after a case closed on both sides its
	// mirrored messages (Care_Message__c) stay in Salesforce; then the
	// sweep deletes them, leaving the Case, its notes and the agents'
	// actions. Only retired cases lose them: the longer of this and
	// ClosedCases applies.
	MirroredMessages time.Duration `yaml:"mirrored_messages" env:"CAREBRIDGE_RETENTION_MIRRORED_MESSAGES"`
}

// Actions tunes the agent actions pipeline.
type Actions struct {
	// GiveUp is how long an action keeps being retried after retryable
	// failures before it ends as Failed.
	GiveUp time.Duration `yaml:"give_up" env:"CAREBRIDGE_ACTIONS_GIVE_UP"`
}

// Admin protects the admin API.
type Admin struct {
	Token     string `yaml:"token" env:"CAREBRIDGE_ADMIN_TOKEN" secret:"true"`
	TokenFile string `yaml:"token_file" env:"CAREBRIDGE_ADMIN_TOKEN_FILE"`
	// Listen, when set, serves /admin/ on this address of its own instead
	// of on the public listener, so a network policy or a Service can keep
	// it apart from the webhooks.
	Listen string `yaml:"listen" env:"CAREBRIDGE_ADMIN_LISTEN"`
}

// Log configures logging.
type Log struct {
	Level  string `yaml:"level" env:"CAREBRIDGE_LOG_LEVEL"`   // debug, info, warn, error
	Format string `yaml:"format" env:"CAREBRIDGE_LOG_FORMAT"` // text or json
}

// Defaults returns a configuration with every optional value filled in.
func Defaults() Config {
	return Config{
		Listen: ":8080",
		HTTP:   HTTP{ReadTimeout: 30 * time.Second, WriteTimeout: 60 * time.Second, IdleTimeout: 2 * time.Minute, MaxWebhookRequests: 64, MaxWebhookRequestsPerAddress: 8, WebhookBodyTimeout: 5 * time.Second},
		Redis:  Redis{URL: "redis://127.0.0.1:6379/0", Prefix: "carebridge:"},
		Care:   Care{Timeout: 15 * time.Second},
		Salesforce: Salesforce{APIVersion: "62.0", AuthMethod: "client_credentials", Timeout: 30 * time.Second, PollOverlap: 2 * time.Minute,
			Changes: "pubsub", PubSubEndpoint: "api.pubsub.salesforce.com:7443", SafetyPoll: 10 * time.Minute,
			ChangeChannel: "Carebridge__chn", ChangeStreamTimeout: 300 * time.Second}, // 270 s keep-alive + 30 s
		Schedule: Schedule{
			PollCare:         "@every 15s",
			PollSalesforce:   "@every 15s",
			Sweep:            "@every 10m",
			DeadLetterReport: "@every 1h",
		},
		Queue:     Queue{Lease: 60 * time.Second, MaxAttempts: 12, BaseDelay: time.Second, MaxDelay: 10 * time.Minute, Linger: 500 * time.Millisecond},
		Mapping:   Mapping{ReloadInterval: 5 * time.Second},
		Leader:    Leader{Lease: 15 * time.Second},
		Actions:   Actions{GiveUp: 10 * time.Minute},
		Retention: Retention{ClosedCases: 7 * 24 * time.Hour, RetiredBase: 90 * 24 * time.Hour, MirroredMessages: 30 * 24 * time.Hour},
		Workers:   400,
		Log:       Log{Level: "info", Format: "text"},
	}
}

// Load reads path (strict YAML), applies environment overrides from env
// (pass os.Getenv), reads secret files, and validates.
func Load(path string, env func(string) string) (Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("read config: %w", err)
	}
	return Parse(path, data, env)
}

// Parse is Load on bytes already read; name is used in messages.
func Parse(name string, data []byte, env func(string) string) (Config, error) {
	cfg, err := decode(name, data, env)
	if err != nil {
		return Config{}, err
	}
	if err := cfg.Validate(); err != nil {
		return Config{}, fmt.Errorf("%s: %w", name, err)
	}
	return cfg, nil
}

// LoadForRedis reads the file as Load does but checks only the Redis
// settings: for commands that use nothing but Redis (deadletters), so that
// they run where the Care and Salesforce secrets are not.
func LoadForRedis(path string, env func(string) string) (Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("read config: %w", err)
	}
	cfg, err := decode(path, data, env)
	if err != nil {
		return Config{}, err
	}
	var errs []error
	cfg.Redis.validate(func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", key, fmt.Sprintf(format, args...)))
	})
	if err := errors.Join(errs...); err != nil {
		return Config{}, fmt.Errorf("%s: %w", path, err)
	}
	return cfg, nil
}

// decode reads a configuration over the defaults, applies the environment
// and reads the secret files, without validating it.
func decode(name string, data []byte, env func(string) string) (Config, error) {
	cfg := Defaults()
	// The default URL stands only when no other Redis mode is chosen, so
	// that a file naming Sentinels or Cluster nodes need not clear it.
	cfg.Redis.URL = ""
	if len(bytes.TrimSpace(data)) > 0 {
		var doc yaml.Node
		if err := yaml.Unmarshal(data, &doc); err != nil {
			return Config{}, fmt.Errorf("%s: %w", name, err)
		}
		if err := checkKeys(&doc); err != nil {
			return Config{}, fmt.Errorf("%s: %w", name, err)
		}
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		if err := dec.Decode(&cfg); err != nil {
			return Config{}, fmt.Errorf("%s: %w", name, err)
		}
	}
	if env != nil {
		if err := applyEnv(reflect.ValueOf(&cfg).Elem(), env); err != nil {
			return Config{}, err
		}
	}
	if cfg.Redis.URL == "" && cfg.Redis.Mode() == "single" {
		cfg.Redis.URL = Defaults().Redis.URL
	}
	if err := cfg.readSecretFiles(); err != nil {
		return Config{}, err
	}
	return cfg, nil
}

func applyEnv(v reflect.Value, env func(string) string) error {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f, fv := t.Field(i), v.Field(i)
		if f.Type.Kind() == reflect.Struct {
			if err := applyEnv(fv, env); err != nil {
				return err
			}
			continue
		}
		name := f.Tag.Get("env")
		if name == "" {
			continue
		}
		raw := env(name)
		if raw == "" {
			continue
		}
		switch fv.Interface().(type) {
		case string:
			fv.SetString(raw)
		case bool:
			b, err := strconv.ParseBool(raw)
			if err != nil {
				return fmt.Errorf("environment %s: %q is not true or false", name, raw)
			}
			fv.SetBool(b)
		case []string:
			var list []string
			for _, item := range strings.Split(raw, ",") {
				if item = strings.TrimSpace(item); item != "" {
					list = append(list, item)
				}
			}
			fv.Set(reflect.ValueOf(list))
		case int:
			n, err := strconv.Atoi(raw)
			if err != nil {
				return fmt.Errorf("environment %s: %q is not a whole number", name, raw)
			}
			fv.SetInt(int64(n))
		case float64:
			x, err := strconv.ParseFloat(raw, 64)
			if err != nil {
				return fmt.Errorf("environment %s: %q is not a number", name, raw)
			}
			fv.SetFloat(x)
		case time.Duration:
			d, err := time.ParseDuration(raw)
			if err != nil {
				return fmt.Errorf("environment %s: %q is not a duration like 30s or 5m", name, raw)
			}
			fv.SetInt(int64(d))
		}
	}
	return nil
}

func (c *Config) readSecretFiles() error {
	pairs := []struct {
		file   string
		target *string
		key    string
	}{
		{c.Care.TokenFile, &c.Care.Token, "care.token_file"},
		{c.Care.SecretFile, &c.Care.Secret, "care.secret_file"},
		{c.Care.WebhookSecretFile, &c.Care.WebhookSecret, "care.webhook_secret_file"},
		{c.Care.BearerTokenFile, &c.Care.BearerToken, "care.bearer_token_file"},
		{c.Salesforce.ClientSecretFile, &c.Salesforce.ClientSecret, "salesforce.client_secret_file"},
		{c.Salesforce.PasswordFile, &c.Salesforce.Password, "salesforce.password_file"},
		{c.Salesforce.RefreshTokenFile, &c.Salesforce.RefreshToken, "salesforce.refresh_token_file"},
		{c.Salesforce.PrivateKeyFile, &c.Salesforce.PrivateKeyPEM, "salesforce.private_key_file"},
		{c.Admin.TokenFile, &c.Admin.Token, "admin.token_file"},
		{c.Redis.PasswordFile, &c.Redis.Password, "redis.password_file"},
		{c.Redis.Sentinel.PasswordFile, &c.Redis.Sentinel.Password, "redis.sentinel.password_file"},
		{c.Redis.TLS.CAFile, &c.Redis.TLS.CAPEM, "redis.tls.ca_file"},
	}
	for _, p := range pairs {
		if p.file == "" {
			continue
		}
		b, err := os.ReadFile(p.file)
		if err != nil {
			// The path is not secret; the content never appears in errors.
			return fmt.Errorf("%s: cannot read %s: %w", p.key, p.file, errors.Unwrap(err))
		}
		*p.target = strings.TrimSpace(string(b))
	}
	return nil
}

// Validate checks every value and reports all problems at once.
func (c Config) Validate() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", key, fmt.Sprintf(format, args...)))
	}
	if c.Listen == "" {
		bad("listen", "is required (for example :8080)")
	}
	for _, t := range []struct {
		key string
		d   time.Duration
	}{{"http.read_timeout", c.HTTP.ReadTimeout}, {"http.write_timeout", c.HTTP.WriteTimeout}, {"http.idle_timeout", c.HTTP.IdleTimeout},
		{"http.webhook_body_timeout", c.HTTP.WebhookBodyTimeout}} {
		if t.d <= 0 {
			bad(t.key, "must be positive")
		}
	}
	if c.HTTP.MaxWebhookRequests < 1 {
		bad("http.max_webhook_requests", "must be at least 1")
	}
	if c.HTTP.MaxWebhookRequestsPerAddress < 0 {
		bad("http.max_webhook_requests_per_address", "must not be negative (0: no cap per address)")
	}
	for _, p := range c.HTTP.TrustedProxies {
		if _, err := ParseAddressRange(p); err != nil {
			bad("http.trusted_proxies", "%v", err)
		}
	}
	c.Redis.validate(bad)
	switch c.Salesforce.Changes {
	case "poll":
	case "pubsub":
		if c.Salesforce.PubSubEndpoint == "" {
			bad("salesforce.pubsub_endpoint", "is required with changes: pubsub (for example api.pubsub.salesforce.com:7443)")
		}
		if c.Salesforce.SafetyPoll <= 0 {
			bad("salesforce.safety_poll", "must be positive")
		}
		if c.Salesforce.ChangeChannel == "" || strings.ContainsAny(c.Salesforce.ChangeChannel, "/ ") {
			bad("salesforce.change_channel", "must name a change event channel such as Carebridge__chn (subscribed to as /data/<name>), not %q", c.Salesforce.ChangeChannel)
		}
		if c.Salesforce.ChangeStreamTimeout <= 0 {
			bad("salesforce.change_stream_timeout", "must be positive (Salesforce sends a keep-alive at least every 270s; the default is 300s)")
		}
	default:
		bad("salesforce.changes", "must be poll or pubsub, not %q", c.Salesforce.Changes)
	}
	if c.Care.BaseURL == "" {
		bad("care.base_url", "is required")
	} else if u, err := url.Parse(c.Care.BaseURL); err != nil || u.Scheme == "" || u.Host == "" {
		bad("care.base_url", "must be an absolute URL like https://api.emplifi.io")
	}
	if c.Care.RateLimit < 0 || c.Care.RateBurst < 0 {
		bad("care.rate_limit", "requests per second and burst must be 0 (no limit) or more")
	}
	if (c.Care.Token == "" || c.Care.Secret == "") == (c.Care.BearerToken == "") {
		bad("care.token", "set either token and secret (CAREBRIDGE_CARE_TOKEN, CAREBRIDGE_CARE_SECRET) or bearer_token (CAREBRIDGE_CARE_BEARER_TOKEN), or their *_file keys")
	}
	if c.Salesforce.LoginURL == "" {
		bad("salesforce.login_url", "is required (https://login.salesforce.com, https://test.salesforce.com or your My Domain URL)")
	}
	switch c.Salesforce.AuthMethod {
	case "client_credentials":
		if c.Salesforce.ClientID == "" || c.Salesforce.ClientSecret == "" {
			bad("salesforce.client_id", "client_credentials needs client_id and client_secret")
		}
	case "jwt":
		if c.Salesforce.ClientID == "" || c.Salesforce.Username == "" || c.Salesforce.PrivateKeyPEM == "" {
			bad("salesforce.auth_method", "jwt needs client_id, username and private_key_file")
		}
	case "refresh_token":
		if c.Salesforce.ClientID == "" || c.Salesforce.RefreshToken == "" {
			bad("salesforce.auth_method", "refresh_token needs client_id and refresh_token")
		}
	case "password":
		if c.Salesforce.Username == "" || c.Salesforce.Password == "" {
			bad("salesforce.auth_method", "password needs username and password")
		}
	default:
		bad("salesforce.auth_method", "%q is not one of client_credentials, jwt, refresh_token, password", c.Salesforce.AuthMethod)
	}
	parser := CronParser()
	for key, spec := range map[string]string{
		"schedule.poll_care": c.Schedule.PollCare, "schedule.poll_salesforce": c.Schedule.PollSalesforce,
		"schedule.sweep": c.Schedule.Sweep, "schedule.dead_letter_report": c.Schedule.DeadLetterReport,
	} {
		if _, err := parser.Parse(spec); err != nil {
			bad(key, "%q is not a cron spec: %v", spec, err)
		}
	}
	if c.Workers < 1 || c.Workers > 1024 {
		bad("workers", "must be between 1 and 1024, not %d", c.Workers)
	}
	if c.Queue.Linger < 0 || c.Queue.Linger > 2*time.Second {
		bad("queue.linger", "must be between 0 (never wait) and 2s, not %s", c.Queue.Linger)
	}
	if c.Queue.Lease < time.Second {
		bad("queue.lease", "must be at least 1s")
	}
	if c.Mapping.ReloadInterval < 100*time.Millisecond || c.Mapping.ReloadInterval > time.Hour {
		bad("mapping.reload_interval", "must be between 100ms and 1h, not %v", c.Mapping.ReloadInterval)
	}
	if c.Leader.Lease < 3*time.Second || c.Leader.Lease > 5*time.Minute {
		bad("leader.lease", "must be between 3s and 5m, not %v", c.Leader.Lease)
	}
	if c.Actions.GiveUp < time.Minute || c.Actions.GiveUp > 24*time.Hour {
		bad("actions.give_up", "must be between 1m and 24h, not %v", c.Actions.GiveUp)
	}
	if c.Retention.ClosedCases < time.Second || c.Retention.ClosedCases > 8760*time.Hour {
		bad("retention.closed_cases", "must be between 1s and 8760h (a year), not %v", c.Retention.ClosedCases)
	}
	if c.Retention.RetiredBase < c.Retention.ClosedCases || c.Retention.RetiredBase > 87600*time.Hour {
		bad("retention.retired_base", "must be at least retention.closed_cases (%v) and at most 87600h (ten years), not %v", c.Retention.ClosedCases, c.Retention.RetiredBase)
	}
	if c.Retention.MirroredMessages < time.Second || c.Retention.MirroredMessages > 87600*time.Hour {
		bad("retention.mirrored_messages", "must be between 1s and 87600h (ten years), not %v", c.Retention.MirroredMessages)
	}
	if c.Admin.Listen != "" {
		if _, port, err := net.SplitHostPort(c.Admin.Listen); err != nil {
			bad("admin.listen", "must be host:port or :port (for example :9090), not %q", c.Admin.Listen)
		} else if c.Admin.Listen == c.Listen && port != "0" {
			bad("admin.listen", "must differ from listen (%s); leave it empty to serve /admin/ there", c.Listen)
		}
	}
	if c.Admin.Token != "" && len(c.Admin.Token) < 16 {
		bad("admin.token", "is too short to guess-proof the admin API: use at least 16 characters (e.g. openssl rand -hex 24)")
	}
	if c.Queue.MaxAttempts < 1 {
		bad("queue.max_attempts", "must be at least 1")
	}
	if c.Queue.BaseDelay <= 0 || c.Queue.MaxDelay < c.Queue.BaseDelay {
		bad("queue.base_delay", "must be positive and not above queue.max_delay")
	}
	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		bad("log.level", "%q is not one of debug, info, warn, error", c.Log.Level)
	}
	switch c.Log.Format {
	case "text", "json":
	default:
		bad("log.format", "%q is not text or json", c.Log.Format)
	}
	return errors.Join(errs...)
}

// validate checks the Redis settings: exactly one mode, each complete.
func (r Redis) validate(bad func(key, format string, args ...any)) {
	modes := 0
	for _, set := range []bool{r.URL != "", r.Sentinel.MasterName != "" || len(r.Sentinel.Addrs) > 0, len(r.Cluster.Addrs) > 0} {
		if set {
			modes++
		}
	}
	if modes != 1 {
		bad("redis", "set exactly one of url (one node), sentinel (master_name and addrs) or cluster (addrs); %d are set", modes)
	}
	if r.URL != "" {
		u, err := url.Parse(r.URL)
		switch {
		case err != nil || (u.Scheme != "redis" && u.Scheme != "rediss") || u.Host == "":
			bad("redis.url", "must be a redis:// or rediss:// URL like redis://127.0.0.1:6379/0")
		case u.User != nil && (r.Password != "" || r.Username != ""):
			bad("redis.url", "holds credentials and redis.username or redis.password(_file) is set too: use one place")
		case r.TLS.Enabled && u.Scheme == "redis":
			bad("redis.tls.enabled", "is set with a redis:// URL: use rediss:// for TLS")
		}
	}
	if r.Mode() == "sentinel" {
		if r.Sentinel.MasterName == "" {
			bad("redis.sentinel.master_name", "is required with Sentinel: the name the Sentinels monitor (sentinel monitor <name> ...)")
		}
		if len(r.Sentinel.Addrs) == 0 {
			bad("redis.sentinel.addrs", "needs at least one Sentinel host:port (list all of them)")
		}
		checkAddrs("redis.sentinel.addrs", r.Sentinel.Addrs, bad)
	}
	checkAddrs("redis.cluster.addrs", r.Cluster.Addrs, bad)
	if r.Mode() != "sentinel" && (r.Sentinel.Password != "" || r.Sentinel.PasswordFile != "") {
		bad("redis.sentinel.password", "is set but Sentinel is not used")
	}
	if r.Password == "" && r.Username != "" {
		bad("redis.username", "needs redis.password or redis.password_file")
	}
	if !r.TLSOn() && (r.TLS.CAFile != "" || r.TLS.ServerName != "" || r.TLS.InsecureSkipVerify) {
		bad("redis.tls", "ca_file, server_name and insecure_skip_verify need TLS on (rediss:// or redis.tls.enabled)")
	}
	if r.TLS.CAFile != "" && !x509.NewCertPool().AppendCertsFromPEM([]byte(r.TLS.CAPEM)) {
		bad("redis.tls.ca_file", "%s holds no PEM certificate", r.TLS.CAFile)
	}
}

func checkAddrs(key string, addrs []string, bad func(key, format string, args ...any)) {
	for _, a := range addrs {
		if host, port, err := net.SplitHostPort(a); err != nil || host == "" || port == "" {
			bad(key, "%q is not a host:port", a)
		}
	}
}

// CronParser is the parser the scheduler uses for the specs above.
func CronParser() cron.Parser {
	return cron.NewParser(cron.SecondOptional | cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)
}

// ParseAddressRange reads an entry of http.trusted_proxies: an IP address
// or a CIDR range.
func ParseAddressRange(s string) (netip.Prefix, error) {
	if p, err := netip.ParsePrefix(s); err == nil {
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("%q is neither an IP address nor a CIDR range", s)
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), nil
}
