package testenv_test

import (
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/carebridge/carebridge/bridge/config"
	"github.com/carebridge/carebridge/internal/testenv"
)

// TestWriteConfigIsAcceptedByTheDaemonLoader loads the written file with
// the daemon's own strict loader and checks the test-friendly values.
func TestWriteConfigIsAcceptedByTheDaemonLoader(t *testing.T) {
	sb := testenv.StartSandboxes(t)
	path := testenv.WriteConfig(t, sb, testenv.Config{RedisAddr: "127.0.0.1:6390", PollEvery: 2 * time.Second, MappingFile: "/m.yaml"})
	cfg, err := config.Load(path, func(string) string { return "" })
	if err != nil {
		t.Fatalf("the daemon refuses the written config: %v", err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"listen", cfg.Listen, "127.0.0.1:0"},
		{"redis.url", cfg.Redis.URL, "redis://127.0.0.1:6390/0"},
		{"care.base_url", cfg.Care.BaseURL, sb.CareURL},
		{"salesforce.login_url", cfg.Salesforce.LoginURL, sb.SalesforceURL},
		{"salesforce.client_secret", cfg.Salesforce.ClientSecret, testenv.SalesforceSecret},
		{"schedule.poll_care", cfg.Schedule.PollCare, "@every 2s"},
		{"schedule.poll_salesforce", cfg.Schedule.PollSalesforce, "@every 2s"},
		{"queue.lease", cfg.Queue.Lease, 3 * time.Second},
		{"mapping.file", cfg.Mapping.File, "/m.yaml"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
}

func TestMetricsValueSumsMatchingSeries(t *testing.T) {
	const text = `# TYPE carebridge_job_runs_total counter
carebridge_job_runs_total{job="poll_care",result="success"} 7
carebridge_job_runs_total{job="poll_care",result="failure"} 2
carebridge_job_runs_total{job="sweep",result="success"} 1
# TYPE carebridge_leader gauge
carebridge_leader 1
# TYPE carebridge_queue_work_duration_seconds histogram
carebridge_queue_work_duration_seconds_bucket{le="1"} 3
carebridge_queue_work_duration_seconds_bucket{le="+Inf"} 4
carebridge_queue_work_duration_seconds_sum 2.5
carebridge_queue_work_duration_seconds_count 4
`
	parser := expfmt.NewTextParser(model.UTF8Validation)
	mfs, err := parser.TextToMetricFamilies(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	m := testenv.Metrics(mfs)
	tests := []struct {
		name   string
		labels []string
		want   float64
	}{
		{"carebridge_job_runs_total", nil, 10},
		{"carebridge_job_runs_total", []string{"job", "poll_care"}, 9},
		{"carebridge_job_runs_total", []string{"job", "poll_care", "result", "success"}, 7},
		{"carebridge_job_runs_total", []string{"job", "nothing"}, 0},
		{"carebridge_leader", nil, 1},
		{"carebridge_queue_work_duration_seconds", nil, 4},
		{"carebridge_absent", nil, 0},
	}
	for _, tt := range tests {
		if got := m.Value(tt.name, tt.labels...); got != tt.want {
			t.Errorf("Value(%s, %v) = %v, want %v", tt.name, tt.labels, got, tt.want)
		}
	}
}
