package admin

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/carebridge/carebridge/bridge/state"
	"github.com/carebridge/carebridge/configs"
	"github.com/carebridge/carebridge/connectors/salesforce/metadata"
	"github.com/carebridge/carebridge/mapping"
)

// memMappings keeps versions in memory: the handler's logic is under test
// here, the Redis store has its own tests (bridge/state).
type memMappings struct {
	versions []state.MappingVersion
	active   int64
}

func (m *memMappings) PublishMapping(_ context.Context, v state.MappingVersion, basedOn int64) (int64, error) {
	if basedOn >= 0 && basedOn != m.active {
		return 0, state.ErrMappingChanged
	}
	v.Number = int64(len(m.versions) + 1)
	m.versions = append(m.versions, v)
	m.active = v.Number
	return v.Number, nil
}

func (m *memMappings) ActivateMapping(_ context.Context, n int64, _ string) error {
	if n < 1 || n > int64(len(m.versions)) {
		return state.ErrNoMappingVersion
	}
	m.active = n
	return nil
}

func (m *memMappings) ActiveMappingNumber(context.Context) (int64, error) { return m.active, nil }

func (m *memMappings) MappingVersion(_ context.Context, n int64) (state.MappingVersion, error) {
	if n < 1 || n > int64(len(m.versions)) {
		return state.MappingVersion{}, state.ErrNoMappingVersion
	}
	return m.versions[n-1], nil
}

func (m *memMappings) MappingVersions(context.Context) ([]state.MappingVersion, error) {
	return m.versions, nil
}

func (m *memMappings) MappingHistory(context.Context, int64) ([]state.MappingEvent, error) {
	return nil, nil
}

type noDeadLetters struct{}

func (noDeadLetters) List(context.Context, int) ([]DeadLetter, error) { return nil, nil }
func (noDeadLetters) Replay(context.Context, string) error            { return ErrNotFound }

const token = "0123456789abcdef-token"

func validate(yaml []byte) (string, error) {
	if !strings.Contains(string(yaml), "fields:") {
		return "", &InvalidError{Problems: []Problem{{Line: 1, Message: "fields is missing"}}}
	}
	return "d1", nil
}

func testHandler() http.Handler {
	return Handler(Options{
		Token:    token,
		Mappings: &memMappings{},
		Validate: validate,
		Preview: func(_ context.Context, careID string, yaml []byte) (any, error) {
			if yaml != nil {
				if _, err := validate(yaml); err != nil {
					return nil, err
				}
			}
			if careID != "known" {
				return nil, ErrNotFound
			}
			return map[string]string{"care_case_id": careID}, nil
		},
		Running:     func() Running { return Running{Source: "default", Digest: "d0", YAML: "fields: []"} },
		Status:      func(context.Context) (any, error) { return map[string]bool{"leader": true}, nil },
		DeadLetters: noDeadLetters{},
	})
}

// realValidatorHandler is the admin API with the validator the daemon runs:
// the shipped mapping is the running one, proposals are parsed against the
// shipped Salesforce metadata.
func realValidatorHandler(tb testing.TB) http.Handler {
	tb.Helper()
	schema, err := metadata.Load(configs.SalesforceMetadata())
	if err != nil {
		tb.Fatal(err)
	}
	running, err := mapping.Parse("mapping.yaml", configs.Mapping(), mapping.FromMetadata(schema))
	if err != nil {
		tb.Fatal(err)
	}
	parse := func(yaml []byte) (*mapping.Mapping, error) {
		return ParseMapping("proposed mapping", yaml, mapping.FromMetadata(schema), running)
	}
	return Handler(Options{
		Token:    token,
		Mappings: &memMappings{},
		Validate: func(yaml []byte) (string, error) {
			m, err := parse(yaml)
			if err != nil {
				return "", err
			}
			return m.Version(), nil
		},
		Preview: func(_ context.Context, careID string, yaml []byte) (any, error) {
			if yaml != nil {
				if _, err := parse(yaml); err != nil {
					return nil, err
				}
			}
			if careID != "known" {
				return nil, ErrNotFound
			}
			return map[string]string{"care_case_id": careID}, nil
		},
		Running: func() Running {
			return Running{Source: "file", Digest: running.Version(), YAML: string(configs.Mapping())}
		},
		File:        func() (string, []byte, error) { return "mapping.yaml", configs.Mapping(), nil },
		Status:      func(context.Context) (any, error) { return map[string]bool{"leader": true}, nil },
		DeadLetters: noDeadLetters{},
	})
}

var postPaths = []string{
	"/admin/api/mapping/validate", "/admin/api/mapping/preview", "/admin/api/mapping/publish",
	"/admin/api/mapping/diff", "/admin/api/mapping/form",
	"/admin/api/mapping/rollback", "/admin/api/deadletters/replay", "/admin/api/mapping/restore-file",
}

// Bounds on one call of the fuzz test: the CPU it may use (the process's,
// so a loaded machine does not make it fail; an alias bomb took 14 s of
// CPU before the limits), and the size of its answer (the bomb's was
// 75 MB). The form echoes the YAML (up to maxBody) with its rows.
const (
	fuzzCPU       = 3 * time.Second
	fuzzAnswer    = 256 << 10
	fuzzFormAnswr = 6 * maxBody
)

// aliasBomb is a mapping of n bytes that repeats one field by alias.
func aliasBomb(n int) string {
	var b strings.Builder
	b.WriteString("fields:\n  - &f {name: x, care: nope, salesforce: Nope, direction: sideways}\n")
	for b.Len() < n {
		b.WriteString("  - *f\n")
	}
	return b.String()
}

// billionLaughs doubles a list at each of 40 levels.
func billionLaughs() string {
	var b strings.Builder
	b.WriteString("a0: &a0 [x, x]\n")
	for i := 1; i < 40; i++ {
		fmt.Fprintf(&b, "a%d: &a%d [*a%d, *a%d]\n", i, i, i-1, i-1)
	}
	b.WriteString("fields: *a39\n")
	return b.String()
}

// FuzzAdminAPI: whatever body arrives, every call answers with JSON, a
// status below 500, an error sentence when it fails, an answer of bounded
// size and bounded CPU work. The validator is the daemon's real one.
func FuzzAdminAPI(f *testing.F) {
	for _, seed := range []string{
		`{"yaml":"fields: []"}`, `{"yaml":"fields: []","case":"known"}`, `{"yaml":"x","case":""}`,
		`{"yaml":"fields: []","author":"ana","note":"n","based_on":0}`, `{"yaml":"fields: []","author":"","based_on":0}`,
		`{"number":1,"author":"ana"}`, `{"number":-5,"author":"ana"}`, `{"keys":["case:a"]}`, `{"keys":[]}`,
		`null`, `[]`, `"yaml"`, `{"yaml":1}`, `{} {}`, `{"based_on":1e400}`, "\x00\xff", ``,
	} {
		for i := range postPaths {
			f.Add(i, seed)
		}
	}
	// The shipped mapping and near misses of it, so the fuzzer starts from
	// what the real parser accepts.
	shipped := string(configs.Mapping())
	for _, y := range []string{shipped, strings.Replace(shipped, "Status", "Statuz", 1), strings.Replace(shipped, "fields:", "fieldz:", 1),
		shipped + "\nunknown_key: 1\n", strings.Replace(shipped, "object: CaseComment", "object: Task", 1), shipped[:len(shipped)/2]} {
		body, _ := json.Marshal(map[string]any{"yaml": y, "case": "known", "author": "ana", "based_on": 0})
		for i := range postPaths[:5] {
			f.Add(i, string(body))
		}
	}
	// Alias bombs, and many fields with long names quoted in each problem.
	var long strings.Builder
	long.WriteString("fields:\n")
	for i := range 300 {
		fmt.Fprintf(&long, "  - name: %s%d\n    care: %s\n    salesforce: %s\n    direction: sideways\n", strings.Repeat("n", 500), i, strings.Repeat("c", 1000), strings.Repeat("S", 1000))
	}
	for _, y := range []string{aliasBomb(800_000), billionLaughs(), long.String()} {
		body, _ := json.Marshal(map[string]any{"yaml": y, "case": "known", "author": "ana", "based_on": 0})
		for i := range postPaths[:5] {
			f.Add(i, string(body))
		}
	}
	h := realValidatorHandler(f)
	f.Fuzz(func(t *testing.T, which int, body string) {
		path := postPaths[uint(which)%uint(len(postPaths))]
		req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		rec := httptest.NewRecorder()
		before := cpuTime()
		h.ServeHTTP(rec, req)
		if used := cpuTime() - before; used > fuzzCPU {
			t.Fatalf("%s %.200q: %v of CPU, more than %v", path, body, used, fuzzCPU)
		}
		limit := fuzzAnswer
		if strings.HasSuffix(path, "/form") || strings.HasSuffix(path, "/diff") {
			limit = fuzzFormAnswr
		}
		if rec.Body.Len() > limit {
			t.Fatalf("%s %.200q: an answer of %d bytes, more than %d", path, body, rec.Body.Len(), limit)
		}
		if rec.Code >= 500 {
			t.Fatalf("%s %.200q: HTTP %d %.500s", path, body, rec.Code, rec.Body)
		}
		var out map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
			t.Fatalf("%s %q: answer is not a JSON object: %v: %s", path, body, err, rec.Body)
		}
		if rec.Code >= 400 {
			if msg, _ := out["error"].(string); msg == "" {
				t.Fatalf("%s %q: HTTP %d without an error sentence: %s", path, body, rec.Code, rec.Body)
			}
		}
	})
}

func TestPublishNeedsAuthorAndBase(t *testing.T) {
	h := testHandler()
	call := func(body string) (int, string) {
		req := httptest.NewRequest(http.MethodPost, "/admin/api/mapping/publish", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code, rec.Body.String()
	}
	tests := []struct {
		body string
		code int
		says string
	}{
		{`{"yaml":"fields: []","based_on":0}`, 400, "author"},
		{`{"yaml":"fields: []","author":"ana"}`, 400, "based_on"},
		{`{"yaml":"nope","author":"ana","based_on":0}`, 422, "fields is missing"},
		{`{"yaml":"fields: []","author":"ana","based_on":0}`, 201, `"number": 1`},
		{`{"yaml":"fields: []","author":"ben","based_on":0}`, 409, "reload"},
	}
	for _, tt := range tests {
		code, body := call(tt.body)
		if code != tt.code || !strings.Contains(body, tt.says) {
			t.Errorf("publish %s: HTTP %d %s; want %d saying %q", tt.body, code, body, tt.code, tt.says)
		}
	}
}

// TestRealValidatorAcceptsTheShippedMappingAndNamesProblems: the validator
// the fuzz test drives is the daemon's: the shipped mapping passes, a field
// Salesforce lacks is refused with its line, and changing where notes go is
// refused while running.
func TestRealValidatorAcceptsTheShippedMappingAndNamesProblems(t *testing.T) {
	h := realValidatorHandler(t)
	shipped := string(configs.Mapping())
	for _, tt := range []struct {
		name, yaml string
		code       int
		problem    string
	}{
		{"shipped", shipped, http.StatusOK, ""},
		{"unknown Salesforce field", strings.Replace(shipped, "salesforce: Priority", "salesforce: Priorityy", 1), http.StatusUnprocessableEntity, "Priorityy"},
		{"notes moved", strings.Replace(shipped, "object: CaseComment", "object: Task", 1), http.StatusUnprocessableEntity, "notes section"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			body, _ := json.Marshal(map[string]string{"yaml": tt.yaml})
			req := httptest.NewRequest(http.MethodPost, "/admin/api/mapping/validate", strings.NewReader(string(body)))
			req.Header.Set("Authorization", "Bearer "+token)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tt.code || !strings.Contains(rec.Body.String(), tt.problem) {
				t.Fatalf("HTTP %d %s; want %d naming %q", rec.Code, rec.Body, tt.code, tt.problem)
			}
		})
	}
}

// TestHeavyCallsAreCapped: past Options.HeavyCalls heavy calls at once (a
// preview reads both upstreams, a diff or form call renders a mapping),
// another is answered 503 with Retry-After at once instead of holding its
// memory; light calls still answer, and a slot freed is used again (issue
// 25: eight concurrent diffs took the daemon to 806 MB).
func TestHeavyCallsAreCapped(t *testing.T) {
	entered, release := make(chan struct{}), make(chan struct{})
	h := Handler(Options{
		Token: token, Mappings: &memMappings{}, Validate: validate, HeavyCalls: 2,
		Preview: func(ctx context.Context, careID string, yaml []byte) (any, error) {
			if careID == "slow" && yaml != nil { // a preview reads the proposed mapping, then the running one
				entered <- struct{}{}
				<-release
			}
			return map[string]string{"care_case_id": careID}, nil
		},
		Running:     func() Running { return Running{Source: "default", Digest: "d0", YAML: "fields: []"} },
		DeadLetters: noDeadLetters{},
	})
	call := func(method, path, body string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	done := make(chan int, 2)
	for range 2 {
		go func() {
			done <- call(http.MethodPost, "/admin/api/mapping/preview", `{"yaml":"fields: []","case":"slow"}`).Code
		}()
		<-entered
	}
	for _, path := range []string{"/admin/api/mapping/preview", "/admin/api/mapping/diff", "/admin/api/mapping/validate"} {
		rec := call(http.MethodPost, path, `{"yaml":"fields: []","case":"fast"}`)
		if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" || !strings.Contains(rec.Body.String(), "try again") {
			t.Errorf("%s with two heavy calls running: HTTP %d Retry-After %q %s; want 503 with Retry-After", path, rec.Code, rec.Header().Get("Retry-After"), rec.Body)
		}
	}
	if rec := call(http.MethodGet, "/admin/api/mapping", ""); rec.Code != http.StatusOK {
		t.Errorf("a light call while the heavy slots are taken: HTTP %d, want 200", rec.Code)
	}
	close(release)
	for range 2 {
		if code := <-done; code != http.StatusOK {
			t.Errorf("a slow preview: HTTP %d, want 200", code)
		}
	}
	if rec := call(http.MethodPost, "/admin/api/mapping/preview", `{"yaml":"fields: []","case":"fast"}`); rec.Code != http.StatusOK {
		t.Errorf("a preview once the slots are free: HTTP %d %s, want 200", rec.Code, rec.Body)
	}
}

// TestNextPageStaysOnTheAdminUI: where sign-in leads is a page of the
// admin UI, never another site or an API call.
func TestNextPageStaysOnTheAdminUI(t *testing.T) {
	for raw, want := range map[string]string{
		"/admin/health": "/admin/health", "/admin/cases?case=c%201": "/admin/cases?case=c%201", "": "/admin/",
		"https://evil.example/admin/": "/admin/", "//evil.example/admin/": "/admin/", "/admin/api/session": "/admin/",
		"/metrics": "/admin/", "javascript:alert(1)": "/admin/", "/admin/../metrics": "/admin/",
	} {
		if got := nextPage(raw); got != want {
			t.Errorf("nextPage(%q) = %q, want %q", raw, got, want)
		}
	}
}
