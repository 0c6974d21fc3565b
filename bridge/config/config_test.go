package config

import (
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

const minimal = `
care:
  base_url: http://127.0.0.1:9001
  token: t
  secret: s
salesforce:
  login_url: http://127.0.0.1:9002
  client_id: cid
  client_secret: csecret
`

func noEnv(string) string { return "" }

func TestParseMinimalAppliesDefaults(t *testing.T) {
	cfg, err := Parse("c.yaml", []byte(minimal), noEnv)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Workers != Defaults().Workers || cfg.Redis.Prefix != "carebridge:" || cfg.Salesforce.APIVersion != "62.0" {
		t.Fatalf("defaults not applied: %+v", cfg)
	}
}

func TestParseRejectsUnknownKeyWithLine(t *testing.T) {
	_, err := Parse("c.yaml", []byte(minimal+"  colour: blue\n"), noEnv)
	if err == nil || !strings.Contains(err.Error(), "colour") || !strings.Contains(err.Error(), "line") {
		t.Fatalf("want unknown-key error naming the key and line, got %v", err)
	}
}

// TestMistypedKeysNameTheNearestKey: a key the file does not have is
// reported with its path, its line and the valid key nearest to it, or the
// keys of its section when none is near; never with a Go type name.
func TestMistypedKeysNameTheNearestKey(t *testing.T) {
	for _, tt := range []struct{ yaml, want string }{
		{"http:\n  read_timout: 3s\n", "c.yaml: unknown key http.read_timout at line 11; did you mean http.read_timeout?"},
		{"http:\n  listne: x\n", "unknown key http.listne at line 11; did you mean listen?"},
		{"listne: :8080\n", "unknown key listne at line 10; did you mean listen?"},
		{"Workers: 4\n", "unknown key Workers at line 10; did you mean workers?"},
		{"admin:\n  token-file: /run/t\n", "unknown key admin.token-file at line 11; did you mean admin.token_file?"},
		{"log: {level: info, formt: json}\n", "unknown key log.formt at line 10; did you mean log.format?"},
		{"pubsub_insecure: true\n", "unknown key pubsub_insecure at line 10; did you mean salesforce.pubsub_insecure?"},
		{"redis:\n  sentinel:\n    master: m\n", "unknown key redis.sentinel.master at line 12; did you mean redis.sentinel.master_name?"},
		{"colour: blue\n", "unknown key colour at line 10; the top-level keys are listen, http, redis,"},
		{"leader:\n  term: 5s\n", "unknown key leader.term at line 11; leader has lease"},
	} {
		_, err := Parse("c.yaml", []byte(minimal+tt.yaml), noEnv)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: got %v\nwant %q", tt.yaml, err, tt.want)
		}
		if err != nil && strings.Contains(err.Error(), "config.") {
			t.Errorf("%q: the error names a Go type: %v", tt.yaml, err)
		}
	}
}

// TestWrongValuesAreNamedInWords: a value of the wrong kind, a section
// written as a value and a key set twice are reported with the key's path
// and line and what it must be, in the words of the file.
func TestWrongValuesAreNamedInWords(t *testing.T) {
	for _, tt := range []struct{ yaml, want string }{
		{"workers: many\n", `workers at line 10 must be a whole number, not "many"`},
		{"http:\n  read_timeout: soon\n", `http.read_timeout at line 11 must be a duration like 30s, 5m or 1h30m, not "soon"`},
		{"http: 5\n", `http at line 10 must be a section of keys (read_timeout, write_timeout, idle_timeout, max_webhook_requests, max_webhook_requests_per_address, webhook_body_timeout, trusted_proxies), not "5"`},
		{"redis:\n  cluster:\n    addrs: 10.0.0.1:6379\n", `redis.cluster.addrs at line 12 must be a list like [a, b], not "10.0.0.1:6379"`},
		{"redis:\n  tls: {enabled: maybe}\n", `redis.tls.enabled at line 11 must be true or false, not "maybe"`},
		{"care:\n  rate_limit: [1]\n", "care at line 10 is already set at line 2"},
		{"workers: 4\nworkers: 8\n", "workers at line 11 is already set at line 10"},
		{"listen: [a]\n", "listen at line 10 must be text, not a list"},
	} {
		_, err := Parse("c.yaml", []byte(minimal+tt.yaml), noEnv)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: got %v\nwant %q", tt.yaml, err, tt.want)
		}
		if err != nil && (strings.Contains(err.Error(), "!!") || strings.Contains(err.Error(), "config.") || strings.Contains(err.Error(), "time.Duration")) {
			t.Errorf("%q: the error names YAML tags or Go types: %v", tt.yaml, err)
		}
	}
	if _, err := Parse("c.yaml", []byte("- a\n- b\n"), noEnv); err == nil || !strings.Contains(err.Error(), "the file must hold keys such as listen, http") {
		t.Errorf("a list for a file: %v", err)
	}
}

func TestEnvironmentOverridesFile(t *testing.T) {
	env := map[string]string{"CAREBRIDGE_CARE_TOKEN": "from-env", "CAREBRIDGE_WORKERS": "", "CAREBRIDGE_QUEUE_MAX_ATTEMPTS": "3", "CAREBRIDGE_SF_TIMEOUT": "5s",
		"CAREBRIDGE_CARE_RATE_LIMIT": "2.5"}
	cfg, err := Parse("c.yaml", []byte(minimal), func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Care.Token != "from-env" || cfg.Queue.MaxAttempts != 3 || cfg.Salesforce.Timeout.String() != "5s" || cfg.Care.RateLimit != 2.5 {
		t.Fatalf("env not applied: token=%q attempts=%d timeout=%s rate=%v", cfg.Care.Token, cfg.Queue.MaxAttempts, cfg.Salesforce.Timeout, cfg.Care.RateLimit)
	}
	_, err = Parse("c.yaml", []byte(minimal), func(k string) string {
		if k == "CAREBRIDGE_QUEUE_MAX_ATTEMPTS" {
			return "many"
		}
		return ""
	})
	if err == nil || !strings.Contains(err.Error(), "CAREBRIDGE_QUEUE_MAX_ATTEMPTS") {
		t.Fatalf("want error naming the variable, got %v", err)
	}
}

func TestSecretFromFileNeverInErrors(t *testing.T) {
	dir := t.TempDir()
	secretFile := filepath.Join(dir, "sf-secret")
	if err := os.WriteFile(secretFile, []byte("s3cr3t-value\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	doc := strings.Replace(minimal, "client_secret: csecret", "client_secret_file: "+secretFile, 1)
	cfg, err := Parse("c.yaml", []byte(doc), noEnv)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Salesforce.ClientSecret != "s3cr3t-value" {
		t.Fatalf("secret file not read (trimmed): %q", cfg.Salesforce.ClientSecret)
	}
	// A bad value elsewhere: the error must not echo secrets.
	_, err = Parse("c.yaml", []byte(doc+"workers: 0\n"), noEnv)
	if err == nil || strings.Contains(err.Error(), "s3cr3t") {
		t.Fatalf("want a validation error without the secret, got %v", err)
	}
	_, err = Parse("c.yaml", []byte(strings.Replace(doc, secretFile, filepath.Join(dir, "missing"), 1)), noEnv)
	if err == nil || !strings.Contains(err.Error(), "salesforce.client_secret_file") {
		t.Fatalf("want missing-file error naming the key, got %v", err)
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	doc := `
care: {base_url: "not a url", rate_limit: -1}
salesforce: {auth_method: carrier_pigeon}
schedule: {sweep: "every now and then"}
workers: 0
log: {level: loud}
leader: {lease: 1s}
actions: {give_up: 48h}
retention: {mirrored_messages: 0s}
mapping: {reload_interval: 1ms}
admin: {token: short}
http: {max_webhook_requests_per_address: -1, webhook_body_timeout: 0s, trusted_proxies: ["10.0.0.0/8", "ingress"]}
`
	_, err := Parse("c.yaml", []byte(doc), noEnv)
	if err == nil {
		t.Fatal("want errors")
	}
	for _, key := range []string{"care.base_url", "care.rate_limit", "care.token", "salesforce.login_url", "salesforce.auth_method", "schedule.sweep", "workers", "log.level",
		"leader.lease", "actions.give_up", "retention.mirrored_messages", "mapping.reload_interval", "admin.token",
		"http.max_webhook_requests_per_address", "http.webhook_body_timeout", `http.trusted_proxies: "ingress" is neither an IP address nor a CIDR range`} {
		if !strings.Contains(err.Error(), key) {
			t.Errorf("error does not mention %s:\n%v", key, err)
		}
	}
}

func TestShippedExampleConfigParses(t *testing.T) {
	env := map[string]string{"CAREBRIDGE_CARE_TOKEN": "t", "CAREBRIDGE_CARE_SECRET": "s", "CAREBRIDGE_SF_CLIENT_ID": "id", "CAREBRIDGE_SF_CLIENT_SECRET": "x"}
	cfg, err := Load("../../configs/carebridge.example.yaml", func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if want := func() Config {
		d := Defaults()
		d.Care.BaseURL = "https://api.emplifi.io"
		d.Salesforce.LoginURL = "https://login.salesforce.com"
		d.Care.Token, d.Care.Secret, d.Salesforce.ClientID, d.Salesforce.ClientSecret = "t", "s", "id", "x"
		return d
	}(); !reflect.DeepEqual(cfg, want) {
		t.Fatalf("example config does not state the defaults:\n%+v", cfg)
	}
}

func TestRedisModes(t *testing.T) {
	dir := t.TempDir()
	secret := filepath.Join(dir, "redis-pass")
	if err := os.WriteFile(secret, []byte("s3cret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	notPEM := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(notPEM, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "nope")
	tests := []struct {
		name, yaml string
		env        map[string]string
		mode       string // when valid
		wantErr    []string
	}{
		{name: "default single node", mode: "single"},
		{name: "sentinel without url", mode: "sentinel", yaml: `
redis:
  sentinel: {master_name: mymaster, addrs: ["10.0.0.1:26379", "10.0.0.2:26379"], password_file: ` + secret + `}
  password_file: ` + secret},
		{name: "cluster", mode: "cluster", yaml: `
redis:
  cluster: {addrs: ["10.0.0.1:6379"]}
  tls: {enabled: true, server_name: redis.internal}`},
		{name: "sentinel from the environment", mode: "sentinel", env: map[string]string{
			"CAREBRIDGE_REDIS_SENTINEL_MASTER_NAME": "mymaster", "CAREBRIDGE_REDIS_SENTINEL_ADDRS": "10.0.0.1:26379, 10.0.0.2:26379",
			"CAREBRIDGE_REDIS_TLS_ENABLED": "true"}},
		{name: "two modes", yaml: `
redis:
  url: redis://10.0.0.1:6379/0
  cluster: {addrs: ["10.0.0.1:6379"]}`, wantErr: []string{"set exactly one of url", "2 are set"}},
		{name: "sentinel without master name", yaml: `
redis:
  sentinel: {addrs: ["10.0.0.1:26379"]}`, wantErr: []string{"redis.sentinel.master_name: is required"}},
		{name: "sentinel without addrs", yaml: `
redis:
  sentinel: {master_name: mymaster}`, wantErr: []string{"redis.sentinel.addrs: needs at least one"}},
		{name: "bad addr", yaml: `
redis:
  cluster: {addrs: ["10.0.0.1"]}`, wantErr: []string{`redis.cluster.addrs: "10.0.0.1" is not a host:port`}},
		{name: "unreadable password file", yaml: `
redis:
  password_file: ` + missing, wantErr: []string{"redis.password_file: cannot read " + missing}},
		{name: "unreadable sentinel password file", yaml: `
redis:
  sentinel: {master_name: m, addrs: ["h:1"], password_file: ` + missing + `}`, wantErr: []string{"redis.sentinel.password_file: cannot read"}},
		{name: "ca file without a certificate", yaml: `
redis:
  url: rediss://10.0.0.1:6380/0
  tls: {ca_file: ` + notPEM + `}`, wantErr: []string{"redis.tls.ca_file: " + notPEM + " holds no PEM certificate"}},
		{name: "tls settings without tls", yaml: `
redis:
  tls: {insecure_skip_verify: true}`, wantErr: []string{"redis.tls: ca_file, server_name and insecure_skip_verify need TLS on"}},
		{name: "tls enabled with redis://", yaml: `
redis:
  url: redis://10.0.0.1:6379/0
  tls: {enabled: true}`, wantErr: []string{"use rediss:// for TLS"}},
		{name: "password twice", yaml: `
redis:
  url: redis://:a@10.0.0.1:6379/0
  password_file: ` + secret, wantErr: []string{"redis.url: holds credentials"}},
		{name: "not a redis url", yaml: `
redis:
  url: http://10.0.0.1:6379`, wantErr: []string{"redis.url: must be a redis:// or rediss:// URL"}},
		{name: "bad boolean in the environment", env: map[string]string{"CAREBRIDGE_REDIS_TLS_ENABLED": "yes please"},
			wantErr: []string{"CAREBRIDGE_REDIS_TLS_ENABLED"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := Parse("c.yaml", []byte(minimal+tt.yaml), func(k string) string { return tt.env[k] })
			if len(tt.wantErr) == 0 {
				if err != nil {
					t.Fatal(err)
				}
				if got := cfg.Redis.Mode(); got != tt.mode {
					t.Fatalf("mode %q, want %q", got, tt.mode)
				}
				return
			}
			if err == nil {
				t.Fatalf("accepted; want an error with %q", tt.wantErr)
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "s3cret") {
				t.Errorf("error shows a secret: %v", err)
			}
		})
	}
}

func TestRedisSecretsComeFromFiles(t *testing.T) {
	dir := t.TempDir()
	pass, spass := filepath.Join(dir, "p"), filepath.Join(dir, "sp")
	_ = os.WriteFile(pass, []byte("redis-pass\n"), 0o600)
	_ = os.WriteFile(spass, []byte("sentinel-pass\n"), 0o600)
	cfg, err := Parse("c.yaml", []byte(minimal+`
redis:
  username: carebridge
  password_file: `+pass+`
  sentinel: {master_name: mymaster, addrs: ["10.0.0.1:26379"], password_file: `+spass+`}
`), noEnv)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Redis.URL != "" || cfg.Redis.Password != "redis-pass" || cfg.Redis.Sentinel.Password != "sentinel-pass" || cfg.Redis.Username != "carebridge" {
		t.Fatalf("redis settings %+v", cfg.Redis)
	}
}

func TestLoadForRedisChecksTheRedisModes(t *testing.T) {
	p := filepath.Join(t.TempDir(), "c.yaml")
	if err := os.WriteFile(p, []byte("redis:\n  sentinel: {addrs: [\"10.0.0.1:26379\"]}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadForRedis(p, noEnv); err == nil || !strings.Contains(err.Error(), "redis.sentinel.master_name") {
		t.Fatalf("LoadForRedis = %v, want the missing master name", err)
	}
}

func TestAdminListen(t *testing.T) {
	cfg, err := Parse("c.yaml", []byte(minimal+"admin: {listen: \":9090\"}\n"), noEnv)
	if err != nil || cfg.Admin.Listen != ":9090" {
		t.Fatalf("admin.listen :9090: %q, %v", cfg.Admin.Listen, err)
	}
	cfg, err = Parse("c.yaml", []byte(minimal), func(k string) string {
		if k == "CAREBRIDGE_ADMIN_LISTEN" {
			return "127.0.0.1:9091"
		}
		return ""
	})
	if err != nil || cfg.Admin.Listen != "127.0.0.1:9091" {
		t.Fatalf("CAREBRIDGE_ADMIN_LISTEN: %q, %v", cfg.Admin.Listen, err)
	}
	if Defaults().Admin.Listen != "" {
		t.Fatal("by default /admin/ must stay on listen")
	}
	for _, bad := range []string{"admin: {listen: \":8080\"}", "listen: \"127.0.0.1:9000\"\nadmin: {listen: \"127.0.0.1:9000\"}", "admin: {listen: \"9090\"}"} {
		if _, err := Parse("c.yaml", []byte(minimal+bad+"\n"), noEnv); err == nil || !strings.Contains(err.Error(), "admin.listen") {
			t.Errorf("%s: want an error naming admin.listen, got %v", bad, err)
		}
	}
}

// exampleKey matches a key at the start of a line of the example config,
// set or commented out.
var exampleKey = regexp.MustCompile(`^([a-z_]+):(\s|$)`)

// exampleKeys reads the keys configs/carebridge.example.yaml shows, set or
// commented out ("  # username: carebridge" under redis: is
// redis.username), each with the text of its line.
func exampleKeys(text string) map[string]string {
	type level struct {
		indent int
		path   string
	}
	keys := map[string]string{}
	var stack []level
	for _, line := range strings.Split(text, "\n") {
		rest := strings.TrimLeft(line, " ")
		indent := len(line) - len(rest)
		if after, ok := strings.CutPrefix(rest, "#"); ok {
			rest = strings.TrimLeft(after, " ")
			indent += max(len(after)-len(rest)-1, 0)
		}
		m := exampleKey.FindStringSubmatch(rest)
		if m == nil {
			continue
		}
		for len(stack) > 0 && stack[len(stack)-1].indent >= indent {
			stack = stack[:len(stack)-1]
		}
		path := m[1]
		if len(stack) > 0 {
			path = stack[len(stack)-1].path + "." + path
		}
		stack = append(stack, level{indent, path})
		keys[path] = line
	}
	return keys
}

// TestExampleConfigShowsEveryKey: the example config, which the README
// sends readers to for "every key, its default and its variable", shows
// every key the file accepts (set to its default, or commented out) with
// its environment variable on the same line.
func TestExampleConfigShowsEveryKey(t *testing.T) {
	data, err := os.ReadFile("../../configs/carebridge.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	shown := exampleKeys(string(data))
	for _, k := range Keys() {
		line, ok := shown[k.Path]
		switch {
		case !ok:
			t.Errorf("the example config does not show %s", k.Path)
		case k.Env != "" && !strings.Contains(line, k.Env):
			t.Errorf("the example config shows %s without its variable %s: %q", k.Path, k.Env, line)
		}
	}
}
