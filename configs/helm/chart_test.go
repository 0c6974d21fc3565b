package helm_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	"github.com/redis/go-redis/v9"
	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/yaml"

	"github.com/carebridge/carebridge/bridge/config"
	"github.com/carebridge/carebridge/bridge/daemon"
	"github.com/carebridge/carebridge/configs"
)

// The value sets the chart is rendered with: what an install needs on top
// of values.yaml (the connected app's client id), and two production-like
// sets.
var (
	minimalValues = map[string]any{
		"config": map[string]any{"salesforce": map[string]any{"client_id": "3MVG9.test-client-id"}},
	}
	// Redis Sentinel with a password, the Prometheus Operator objects, the
	// dashboard, egress rules, a Secret of the operator's.
	monitoredSentinelValues = map[string]any{
		"existingSecret": "carebridge-prod",
		"config": map[string]any{
			"salesforce": map[string]any{"client_id": "3MVG9.prod"},
			"log":        map[string]any{"level": "warn"},
		},
		"secretFiles": map[string]any{
			"care.token_file": "care-token", "care.secret_file": "care-secret", "care.webhook_secret_file": "care-webhook-secret",
			"salesforce.client_secret_file": "salesforce-client-secret", "redis.password_file": "redis-password",
		},
		"sentinel": map[string]any{
			"enabled": true, "masterName": "carebridge-master",
			"addrs": []any{"redis-sentinel-0.redis-sentinel:26379", "redis-sentinel-1.redis-sentinel:26379", "redis-sentinel-2.redis-sentinel:26379"},
		},
		"serviceMonitor":   map[string]any{"enabled": true, "labels": map[string]any{"release": "kube-prometheus-stack"}},
		"prometheusRule":   map[string]any{"enabled": true, "labels": map[string]any{"release": "kube-prometheus-stack"}},
		"grafanaDashboard": map[string]any{"enabled": true, "folder": "Integrations"},
		"networkPolicy":    map[string]any{"egress": map[string]any{"enabled": true}},
	}
	// The admin UI reachable from an ops namespace through its own Service
	// (and a token), the webhooks through an Ingress, a mapping of the
	// operator's, Care over OAuth (a bearer token instead of the key pair), a
	// listen address of the operator's.
	adminExposedValues = map[string]any{
		"config": map[string]any{
			"listen":     "0.0.0.0:8081",
			"salesforce": map[string]any{"client_id": "3MVG9.admin"},
			"admin":      map[string]any{"listen": ":9191"},
		},
		// Helm merges maps with values.yaml: null drops a default entry.
		"secretFiles": map[string]any{
			"care.token_file": nil, "care.secret_file": nil,
			"care.bearer_token_file": "care-bearer", "admin.token_file": "admin-token",
		},
		"adminService":  map[string]any{"enabled": true},
		"networkPolicy": map[string]any{"adminFrom": []any{map[string]any{"namespaceSelector": map[string]any{"matchLabels": map[string]any{"kubernetes.io/metadata.name": "ops"}}}}},
		"ingress":       map[string]any{"enabled": true, "className": "nginx", "host": "care-hooks.example.com"},
		"mapping":       string(configs.Mapping()),
	}
)

func TestMain(m *testing.M) {
	// The daemons these tests build never reach a Redis; the Redis client
	// would log its failed dials.
	redis.SetLogger(daemon.RedisLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	os.Exit(m.Run())
}

func TestDefaultValues(t *testing.T) {
	r := mustRender(t, minimalValues)
	cfg := checkCommon(t, r, minimalValues)
	if cfg.Admin.Listen == "" || cfg.Admin.Token != "" {
		t.Errorf("defaults: admin.listen %q (want its own port), admin token set %v (want off until admin.token_file is listed)", cfg.Admin.Listen, cfg.Admin.Token != "")
	}
	if r.serviceMonitor != nil || r.prometheusRule != nil || r.ingress != nil || len(r.services) != 1 || r.configMaps[releaseName+"-dashboard"] != nil {
		t.Error("defaults: want no ServiceMonitor, PrometheusRule, Ingress, dashboard or admin Service")
	}
	if r.networkPolicy == nil || r.pdb == nil {
		t.Fatal("defaults: want a NetworkPolicy and a PodDisruptionBudget")
	}
	if got := r.volume(t, "secrets").Secret.SecretName; got != releaseName {
		t.Errorf("defaults: secret %q, want the release's full name", got)
	}
	if *r.deployment.Spec.Replicas != 2 {
		t.Errorf("replicas %d, want 2", *r.deployment.Spec.Replicas)
	}
	if len(r.deployment.Spec.Template.Spec.TopologySpreadConstraints) != 2 {
		t.Errorf("topology spread constraints: %+v, want zone and hostname", r.deployment.Spec.Template.Spec.TopologySpreadConstraints)
	}
}

func TestSentinelMonitoringAndExistingSecret(t *testing.T) {
	r := mustRender(t, monitoredSentinelValues)
	checkCommon(t, r, monitoredSentinelValues)

	// The Sentinel keys the daemon's Redis settings read (redis.sentinel.*,
	// redis.password_file), and no redis.url beside them.
	_, text := r.configFile(t)
	redis, _ := toMap(t, []byte(text))["redis"].(map[string]any)
	sentinel, _ := redis["sentinel"].(map[string]any)
	if sentinel["master_name"] != "carebridge-master" ||
		!reflect.DeepEqual(sentinel["addrs"], monitoredSentinelValues["sentinel"].(map[string]any)["addrs"]) {
		t.Errorf("redis.sentinel: %v", sentinel)
	}
	if redis["password_file"] != "/etc/carebridge/secrets/redis-password" {
		t.Errorf("redis.password_file: %v, want the mounted redis-password key", redis["password_file"])
	}
	if _, ok := redis["url"]; ok {
		t.Errorf("redis.url %v beside the sentinels", redis["url"])
	}
	if got := r.volume(t, "secrets").Secret.SecretName; got != "carebridge-prod" {
		t.Errorf("secret %q, want existingSecret", got)
	}
	egress := r.networkPolicy.Spec.Egress
	var ports []string
	for _, rule := range egress {
		for _, p := range rule.Ports {
			ports = append(ports, p.Port.String())
		}
	}
	for _, want := range []string{"53", "443", "7443", "6379", "26379"} {
		if !slices.Contains(ports, want) {
			t.Errorf("egress ports %v: no %s", ports, want)
		}
	}

	// Metrics: the ServiceMonitor scrapes the public Service's port at the
	// daemon's /metrics.
	sm := r.serviceMonitor
	if sm == nil || len(sm.Spec.Endpoints) != 1 || sm.Spec.Endpoints[0].Path != "/metrics" || sm.Labels["release"] != "kube-prometheus-stack" {
		t.Fatalf("ServiceMonitor: %+v", sm)
	}
	svc := r.services[releaseName]
	if !selectsLabels(sm.Spec.Selector.MatchLabels, svc.Labels) || sm.Spec.Endpoints[0].Port != svc.Spec.Ports[0].Name {
		t.Errorf("ServiceMonitor selects %v port %v; the Service has labels %v, port %q", sm.Spec.Selector.MatchLabels, sm.Spec.Endpoints[0].Port, svc.Labels, svc.Spec.Ports[0].Name)
	}
	checkServes(t, r, "/metrics")

	// The alerting rules are the shipped ones, rule for rule.
	if r.prometheusRule == nil {
		t.Fatal("no PrometheusRule")
	}
	var shipped monitoringv1.PrometheusRuleSpec
	if err := yaml.UnmarshalStrict(readRepoFile(t, "configs/prometheus/alerts.yaml"), &shipped); err != nil {
		t.Fatal(err)
	}
	if len(shipped.Groups) == 0 || !reflect.DeepEqual(r.prometheusRule.Spec, shipped) {
		t.Errorf("the PrometheusRule's groups differ from configs/prometheus/alerts.yaml")
	}

	// The dashboard is the shipped one, for the Grafana sidecar.
	dash := r.configMaps[releaseName+"-dashboard"]
	if dash == nil || dash.Labels["grafana_dashboard"] != "1" || dash.Annotations["grafana_folder"] != "Integrations" {
		t.Fatalf("dashboard ConfigMap: %+v", dash)
	}
	shippedDash := readRepoFile(t, "configs/grafana/carebridge-dashboard.json")
	if got := dash.Data["carebridge-dashboard.json"]; string(trimNewline([]byte(got))) != string(trimNewline(shippedDash)) || !equalJSON(t, []byte(got), shippedDash) {
		t.Error("the dashboard ConfigMap differs from configs/grafana/carebridge-dashboard.json")
	}
}

func TestAdminExposedOnItsOwnService(t *testing.T) {
	r := mustRender(t, adminExposedValues)
	cfg := checkCommon(t, r, adminExposedValues)
	c := r.container(t)
	if cfg.Admin.Listen != ":9191" || len(cfg.Admin.Token) < 16 {
		t.Fatalf("admin.listen %q, token length %d", cfg.Admin.Listen, len(cfg.Admin.Token))
	}
	admin := r.services[releaseName+"-admin"]
	if admin == nil || len(admin.Spec.Ports) != 1 {
		t.Fatalf("admin Service: %+v", admin)
	}
	if got := containerPort(c, admin.Spec.Ports[0].TargetPort.String()); got != 9191 {
		t.Errorf("the admin Service targets container port %d, want admin.listen's 9191", got)
	}
	if !r.selects(t, &metav1.LabelSelector{MatchLabels: admin.Spec.Selector}) {
		t.Error("the admin Service does not select the pods")
	}
	// The NetworkPolicy admits the admin port from the ops namespace only.
	var adminRules int
	for _, rule := range r.networkPolicy.Spec.Ingress {
		for _, p := range rule.Ports {
			if containerPort(c, p.Port.String()) == 9191 {
				adminRules++
				if len(rule.From) != 1 || rule.From[0].NamespaceSelector.MatchLabels["kubernetes.io/metadata.name"] != "ops" {
					t.Errorf("admin port open to %+v", rule.From)
				}
			}
		}
	}
	if adminRules != 1 {
		t.Errorf("%d NetworkPolicy rules for the admin port, want 1", adminRules)
	}
	// The Ingress routes Care's webhooks only, to the public Service.
	ing := r.ingress
	if ing == nil || len(ing.Spec.Rules) != 1 || len(ing.Spec.Rules[0].HTTP.Paths) != 1 {
		t.Fatalf("Ingress: %+v", ing)
	}
	p := ing.Spec.Rules[0].HTTP.Paths[0]
	if p.Path != "/webhooks/care" || *p.PathType != "Exact" || p.Backend.Service.Name != releaseName || p.Backend.Service.Port.Name != "http" {
		t.Errorf("Ingress path: %+v", p)
	}
	checkServes(t, r, "/webhooks/care")
	// The operator's mapping is mounted and used (loadRendered checked that
	// the daemon accepts it).
	_, text := r.configFile(t)
	if f, _ := lookup(toMap(t, []byte(text)), "mapping.file"); f != "/etc/carebridge/config/mapping.yaml" || cfg.Mapping.File == "" {
		t.Errorf("mapping.file %v", f)
	}
}

// TestDefaultValuesAloneNameWhatIsMissing: values.yaml alone cannot sync
// (no Salesforce client id); the install fails saying so instead of pods
// that crash.
func TestDefaultValuesAloneNameWhatIsMissing(t *testing.T) {
	_, err := render(nil)
	if err == nil || !strings.Contains(err.Error(), "config.salesforce.client_id is required") {
		t.Fatalf("want an error naming config.salesforce.client_id, got %v", err)
	}
}

// TestSecretsNeverInTheConfigMap: every setting the daemon treats as a
// secret (tag secret:"true" in bridge/config) is refused in values' config,
// and a password inside redis.url too.
func TestSecretsNeverInTheConfigMap(t *testing.T) {
	keys := configKeys(reflect.TypeFor[config.Config](), "")
	var secrets []string
	for key, f := range keys {
		if f.Tag.Get("secret") == "true" && key != "redis.url" {
			secrets = append(secrets, key)
		}
	}
	if len(secrets) < 8 {
		t.Fatalf("found only %v secret settings in bridge/config", secrets)
	}
	for _, key := range secrets {
		vals := withValue(minimalValues, "config."+key, "s3cr3t-value-0123456789")
		if _, err := render(vals); err == nil || !strings.Contains(err.Error(), "config."+key+" is a secret") {
			t.Errorf("config.%s in values: want the render refused, got %v", key, err)
		}
	}
	vals := withValue(minimalValues, "config.redis.url", "redis://:hunter2@redis:6379/0")
	if _, err := render(vals); err == nil || !strings.Contains(err.Error(), "redis.url holds a password") {
		t.Errorf("a password in redis.url: want the render refused, got %v", err)
	}
	// The whole URL from the Secret instead.
	r := mustRender(t, withValue(minimalValues, "redisURLSecretKey", "redis-url"))
	env := r.container(t).Env
	if len(env) != 1 || env[0].Name != "CAREBRIDGE_REDIS_URL" || env[0].ValueFrom.SecretKeyRef.Key != "redis-url" || env[0].ValueFrom.SecretKeyRef.Name != releaseName {
		t.Errorf("redisURLSecretKey: env %+v", env)
	}
}

// TestConfigChangesRollThePods: the pod template carries a checksum of the
// ConfigMap, so a change of configuration rolls the pods, and only then.
func TestConfigChangesRollThePods(t *testing.T) {
	checksum := func(vals map[string]any) string {
		sum := mustRender(t, vals).deployment.Spec.Template.Annotations["checksum/config"]
		if !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(sum) {
			t.Fatalf("checksum/config %q", sum)
		}
		return sum
	}
	base := checksum(minimalValues)
	if checksum(withValue(minimalValues, "config.workers", 50)) == base {
		t.Error("a config change keeps the checksum")
	}
	if checksum(withValue(minimalValues, "mapping", string(configs.Mapping()))) == base {
		t.Error("a mapping change keeps the checksum")
	}
	if checksum(withValue(minimalValues, "replicaCount", 3)) != base {
		t.Error("a replica count change moves the checksum")
	}
}

// TestRunbookBase: prometheusRule.runbookBase points the alerts' runbook
// links elsewhere, as `carebridge alerts --runbook-base` does.
func TestRunbookBase(t *testing.T) {
	const base = "https://wiki.example.com/ops/carebridge"
	r := mustRender(t, withValue(withValue(minimalValues, "prometheusRule.enabled", true), "prometheusRule.runbookBase", base))
	want, err := configs.AlertRules(base)
	if err != nil {
		t.Fatal(err)
	}
	var spec monitoringv1.PrometheusRuleSpec
	if err := yaml.UnmarshalStrict(want, &spec); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(r.prometheusRule.Spec, spec) {
		t.Error("PrometheusRule with runbookBase differs from `carebridge alerts --runbook-base`")
	}
	if _, err := render(withValue(withValue(minimalValues, "prometheusRule.enabled", true), "prometheusRule.runbookBase", "wiki page")); err == nil {
		t.Error("a runbookBase that is no URL: want the render refused")
	}
}

// TestAdminOnThePublicListener: with config.admin.listen "" the daemon
// serves /admin/ on the public port; the chart then opens no admin port and
// refuses an admin Service or admin network rule.
func TestAdminOnThePublicListener(t *testing.T) {
	vals := withValue(minimalValues, "config.admin.listen", "")
	r := mustRender(t, vals)
	cfg := checkCommon(t, r, vals)
	if cfg.Admin.Listen != "" || len(r.container(t).Ports) != 1 {
		t.Errorf("admin.listen %q, ports %+v", cfg.Admin.Listen, r.container(t).Ports)
	}
	for _, bad := range []string{"adminService.enabled", "networkPolicy.adminFrom"} {
		var v any = true
		if bad == "networkPolicy.adminFrom" {
			v = []any{map[string]any{"podSelector": map[string]any{}}}
		}
		if _, err := render(withValue(vals, bad, v)); err == nil || !strings.Contains(err.Error(), "config.admin.listen") {
			t.Errorf("%s without admin.listen: want the render refused naming config.admin.listen, got %v", bad, err)
		}
	}
}

// TestChartCarriesTheShippedFiles: Helm reads only files inside the chart,
// so the chart carries copies of the alert rules and the dashboard (make
// helm-files); they must be the shipped files, byte for byte.
func TestChartCarriesTheShippedFiles(t *testing.T) {
	for copyPath, shipped := range map[string]string{
		"carebridge/files/alerts.yaml":               "configs/prometheus/alerts.yaml",
		"carebridge/files/carebridge-dashboard.json": "configs/grafana/carebridge-dashboard.json",
	} {
		got, err := os.ReadFile(copyPath)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(readRepoFile(t, shipped)) {
			t.Errorf("configs/helm/%s differs from %s: run make helm-files", copyPath, shipped)
		}
	}
	// The packaged chart (helm package) carries them too.
	ch, err := loader.LoadDir(chartDir)
	if err != nil {
		t.Fatal(err)
	}
	tgz, err := chartutil.Save(ch, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	packaged, err := loader.Load(tgz)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range packaged.Files {
		names = append(names, f.Name)
	}
	for _, want := range []string{"files/alerts.yaml", "files/carebridge-dashboard.json"} {
		if !slices.Contains(names, want) {
			t.Errorf("%s: no %s in %v", filepath.Base(tgz), want, names)
		}
	}
}

// checkCommon checks what holds for every value set: the strictly decoded
// objects fit together, the pod is locked down, the probes reach the
// daemon's routes on its listen port, the secret files are mounted where the
// configuration points, and the configuration loads with the daemon's own
// loader. It returns the loaded configuration.
func checkCommon(t *testing.T, r *rendered, vals map[string]any) config.Config {
	t.Helper()
	pod := r.deployment.Spec.Template.Spec
	c := r.container(t)

	// Security: the image's nonroot user, nothing writable but /tmp.
	checkDockerfileUser(t)
	psc, sc := pod.SecurityContext, c.SecurityContext
	if psc == nil || sc == nil {
		t.Fatal("no security contexts")
	}
	if psc.RunAsNonRoot == nil || !*psc.RunAsNonRoot || sc.RunAsNonRoot == nil || !*sc.RunAsNonRoot {
		t.Error("runAsNonRoot is not set")
	}
	if psc.RunAsUser == nil || *psc.RunAsUser != nonrootUID {
		t.Errorf("runAsUser %v, want the distroless nonroot user %d", psc.RunAsUser, nonrootUID)
	}
	if sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem {
		t.Error("the root file system is writable")
	}
	if sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation || sc.Privileged == nil || *sc.Privileged {
		t.Error("privilege escalation is allowed")
	}
	if sc.Capabilities == nil || !slices.Equal(sc.Capabilities.Drop, []corev1.Capability{"ALL"}) || len(sc.Capabilities.Add) > 0 {
		t.Errorf("capabilities %+v, want drop ALL", sc.Capabilities)
	}
	if psc.SeccompProfile == nil || psc.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault {
		t.Error("no RuntimeDefault seccomp profile")
	}
	if pod.AutomountServiceAccountToken == nil || *pod.AutomountServiceAccountToken {
		t.Error("the service account token is mounted; carebridge never calls the Kubernetes API")
	}
	for _, m := range c.VolumeMounts {
		if !m.ReadOnly && m.MountPath != "/tmp" {
			t.Errorf("writable mount %s", m.MountPath)
		}
	}
	if tmp := r.volume(t, "tmp"); tmp.EmptyDir == nil {
		t.Error("/tmp is not an emptyDir")
	}
	if c.Resources.Requests.Cpu().IsZero() || c.Resources.Requests.Memory().IsZero() || c.Resources.Limits.Memory().IsZero() {
		t.Errorf("resources %+v: want CPU and memory requests and a memory limit", c.Resources)
	}

	// The configuration file: loaded by the daemon's own loader.
	cfg := loadRendered(t, r)
	listenPort := portOf(t, cfg.Listen)
	if got := containerPort(c, "http"); got != listenPort {
		t.Errorf("container port http %d, the daemon listens on %d (listen %q)", got, listenPort, cfg.Listen)
	}
	if cfg.Admin.Listen != "" && containerPort(c, "admin") != portOf(t, cfg.Admin.Listen) {
		t.Errorf("container port admin %d, admin.listen %q", containerPort(c, "admin"), cfg.Admin.Listen)
	}

	// Probes: /healthz and /readyz on the listen port, routes the daemon
	// built from this very configuration serves.
	for name, probe := range map[string]*corev1.Probe{"liveness": c.LivenessProbe, "readiness": c.ReadinessProbe, "startup": c.StartupProbe} {
		if probe == nil || probe.HTTPGet == nil {
			t.Fatalf("%s probe: %+v, want an HTTP GET", name, probe)
		}
		if got := containerPort(c, probe.HTTPGet.Port.String()); got != listenPort {
			t.Errorf("%s probe on port %s (%d), the daemon listens on %d", name, probe.HTTPGet.Port.String(), got, listenPort)
		}
	}
	if c.LivenessProbe.HTTPGet.Path != "/healthz" || c.ReadinessProbe.HTTPGet.Path != "/readyz" {
		t.Errorf("probes: liveness %s, readiness %s", c.LivenessProbe.HTTPGet.Path, c.ReadinessProbe.HTTPGet.Path)
	}
	checkRoutes(t, cfg, c)

	// The public Service carries the listen port only, never the admin one.
	svc := r.services[releaseName]
	if svc == nil || len(svc.Spec.Ports) != 1 || !r.selects(t, &metav1.LabelSelector{MatchLabels: svc.Spec.Selector}) {
		t.Fatalf("public Service: %+v", svc)
	}
	if got := containerPort(c, svc.Spec.Ports[0].TargetPort.String()); got != listenPort {
		t.Errorf("the public Service targets container port %d, want listen's %d", got, listenPort)
	}

	// Disruptions and spreading.
	if r.pdb == nil || !r.selects(t, r.pdb.Spec.Selector) || r.pdb.Spec.MaxUnavailable == nil || r.pdb.Spec.MaxUnavailable.IntValue() != 1 {
		t.Errorf("PodDisruptionBudget: %+v", r.pdb)
	}
	for _, tsc := range pod.TopologySpreadConstraints {
		if !r.selects(t, tsc.LabelSelector) {
			t.Errorf("topology spread constraint %s does not select the pods", tsc.TopologyKey)
		}
	}
	if r.serviceAccount == nil || r.serviceAccount.Name != pod.ServiceAccountName {
		t.Errorf("service account %q not rendered", pod.ServiceAccountName)
	}

	// The NetworkPolicy: the pods, the listen port from anywhere (or
	// httpFrom), the admin port only from adminFrom.
	np := r.networkPolicy
	if np == nil || !r.selects(t, &np.Spec.PodSelector) {
		t.Fatalf("NetworkPolicy: %+v", np)
	}
	for _, rule := range np.Spec.Ingress {
		if len(rule.Ports) == 0 {
			t.Errorf("ingress rule without ports admits every port: %+v", rule)
		}
		for _, p := range rule.Ports {
			port := containerPort(c, p.Port.String())
			switch {
			case port == listenPort:
			case cfg.Admin.Listen != "" && port == portOf(t, cfg.Admin.Listen):
				if len(rule.From) == 0 {
					t.Error("the admin port is open to every source")
				}
			default:
				t.Errorf("ingress rule for port %s, which the container does not have", p.Port.String())
			}
		}
	}
	if _, ok := lookup(vals, "networkPolicy.adminFrom"); !ok && cfg.Admin.Listen != "" {
		for _, rule := range np.Spec.Ingress {
			for _, p := range rule.Ports {
				if containerPort(c, p.Port.String()) == portOf(t, cfg.Admin.Listen) {
					t.Error("the admin port is admitted although networkPolicy.adminFrom is empty")
				}
			}
		}
	}
	return cfg
}

// nonrootUID is the user of gcr.io/distroless/*:nonroot.
const nonrootUID = 65532

// checkDockerfileUser: the image the chart runs is the repository's
// Dockerfile's, whose user is distroless' nonroot.
func checkDockerfileUser(t *testing.T) {
	t.Helper()
	df := string(readRepoFile(t, "Dockerfile"))
	if !regexp.MustCompile(`(?m)^FROM gcr\.io/distroless/[a-z0-9-]+:nonroot\s*$`).MatchString(df) || !strings.Contains(df, "\nUSER nonroot:nonroot\n") {
		t.Fatal("the Dockerfile no longer runs as distroless' nonroot user (65532): update the chart's podSecurityContext")
	}
	if !strings.Contains(df, "\nEXPOSE 8080\n") {
		t.Fatal("the Dockerfile no longer exposes 8080: check config.listen in values.yaml")
	}
}

func selectsLabels(selector, labels map[string]string) bool {
	if len(selector) == 0 {
		return false
	}
	for k, v := range selector {
		if labels[k] != v {
			return false
		}
	}
	return true
}

func portOf(t *testing.T, listen string) int32 {
	t.Helper()
	_, port, err := net.SplitHostPort(listen)
	if err != nil {
		t.Fatalf("listen %q: %v", listen, err)
	}
	p := intstr.Parse(port)
	if p.Type != intstr.Int || p.IntVal <= 0 {
		t.Fatalf("listen %q: no port number", listen)
	}
	return p.IntVal
}

// checkRoutes builds the daemon from the rendered configuration (New makes
// no network calls) and asks its public HTTP handler for the probes' paths:
// they must be routes it serves. /admin/ is there only without
// admin.listen.
func checkRoutes(t *testing.T, cfg config.Config, c corev1.Container) {
	t.Helper()
	d, err := daemon.New(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatalf("the daemon does not start from the rendered configuration: %v", err)
	}
	get := func(path string) (int, string) {
		rec := httptest.NewRecorder()
		d.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		return rec.Code, rec.Body.String()
	}
	for _, probe := range []*corev1.Probe{c.LivenessProbe, c.StartupProbe} {
		if code, _ := get(probe.HTTPGet.Path); code != http.StatusOK {
			t.Errorf("liveness/startup probe %s: HTTP %d from the daemon, want 200", probe.HTTPGet.Path, code)
		}
	}
	// Not ready yet (nothing runs), but the route is the readiness report.
	code, body := get(c.ReadinessProbe.HTTPGet.Path)
	var report struct {
		Ready  *bool             `json:"ready"`
		Checks map[string]string `json:"checks"`
	}
	if err := json.Unmarshal([]byte(body), &report); err != nil || report.Ready == nil || report.Checks["redis"] == "" {
		t.Errorf("readiness probe %s: HTTP %d %q, want the daemon's readiness report", c.ReadinessProbe.HTTPGet.Path, code, body)
	}
	code, _ = get("/admin/")
	if cfg.Admin.Listen != "" && code != http.StatusNotFound {
		t.Errorf("/admin/ on the public listener with admin.listen set: HTTP %d, want 404", code)
	}
	if cfg.Admin.Listen == "" && code != http.StatusOK {
		t.Errorf("/admin/ on the public listener: HTTP %d, want 200", code)
	}
}

// checkServes: the daemon (built from the default values) routes path.
func checkServes(t *testing.T, r *rendered, path string) {
	t.Helper()
	cfg := loadRendered(t, r)
	d, err := daemon.New(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	method := http.MethodGet
	if strings.HasPrefix(path, "/webhooks/") {
		method = http.MethodPost
	}
	rec := httptest.NewRecorder()
	d.Handler().ServeHTTP(rec, httptest.NewRequest(method, path, strings.NewReader("{}")))
	if rec.Code == http.StatusNotFound || rec.Code == http.StatusMethodNotAllowed {
		t.Errorf("%s %s: HTTP %d from the daemon", method, path, rec.Code)
	}
}

// pendingKeys are configuration keys the chart renders for the Redis
// high-availability settings (Sentinel, a Redis password from a file),
// which the daemon of this branch may not know yet. When it does not, they
// are checked here by the chart tests above and left out of the loader's
// check; once it does, the loader checks them like any other key.
var pendingKeys = []string{"redis.sentinel", "redis.password_file"}

// loadRendered loads the rendered configuration file with bridge/config,
// after checking that each *_file setting points at a key of the mounted
// Secret (and each mounted key is used), with stand-in secret files at those
// paths.
func loadRendered(t *testing.T, r *rendered) config.Config {
	t.Helper()
	path, text := r.configFile(t)
	doc := toMap(t, []byte(text))
	known := configKeys(reflect.TypeFor[config.Config](), "")

	c := r.container(t)
	items := map[string]string{} // path in the volume -> key in the Secret
	var secretsDir string
	if m, ok := mountOf(c, "secrets"); ok {
		secretsDir = m.MountPath
		v := r.volume(t, "secrets")
		if v.Secret == nil || v.Secret.DefaultMode == nil || *v.Secret.DefaultMode&0o007 != 0 {
			t.Errorf("secret volume %+v: want a Secret not readable by others", v.Secret)
		}
		if fsg := r.deployment.Spec.Template.Spec.SecurityContext.FSGroup; fsg == nil || *fsg != nonrootUID {
			t.Error("no fsGroup: the nonroot user cannot read the 0440 secret files")
		}
		for _, it := range v.Secret.Items {
			items[it.Path] = it.Key
		}
	}
	dir := t.TempDir()
	used := map[string]bool{}
	for key, val := range flatten(doc, "") {
		last := key[strings.LastIndex(key, ".")+1:]
		if !strings.HasSuffix(last, "_file") {
			continue
		}
		if _, ok := known[key]; !ok && !isPending(key) {
			t.Errorf("%s: the daemon has no such setting", key)
		}
		file, _ := val.(string)
		if secretsDir == "" || filepath.Dir(file) != secretsDir || items[filepath.Base(file)] == "" {
			t.Errorf("%s: %q is not a file of the mounted Secret %v", key, file, items)
			continue
		}
		used[filepath.Base(file)] = true
		// Long enough for the admin token's minimum.
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(file)), []byte("stand-in-"+items[filepath.Base(file)]+"-0123456789\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		setPath(doc, key, filepath.Join(dir, filepath.Base(file)))
	}
	for p := range items {
		if !used[p] {
			t.Errorf("Secret key %s is mounted but no *_file setting reads it", items[p])
		}
	}
	// The operator's mapping file, from the ConfigMap.
	if f, ok := lookup(doc, "mapping.file"); ok && f != "" {
		cm := r.configMaps[r.volume(t, "config").ConfigMap.Name]
		if filepath.Dir(f.(string)) != filepath.Dir(path) || cm.Data[filepath.Base(f.(string))] == "" {
			t.Fatalf("mapping.file %v is not in the mounted ConfigMap", f)
		}
		local := filepath.Join(dir, "mapping.yaml")
		if err := os.WriteFile(local, []byte(cm.Data[filepath.Base(f.(string))]), 0o600); err != nil {
			t.Fatal(err)
		}
		setPath(doc, "mapping.file", local)
	}
	// Keys the daemon of this branch does not know yet (see pendingKeys).
	for _, key := range pendingKeys {
		if _, ok := lookup(doc, key); !ok {
			continue
		}
		if _, ok := known[key]; ok {
			continue
		}
		t.Logf("%s: rendered; this daemon does not know it yet, so the loader checks the rest", key)
		deletePath(doc, key)
		if key == "redis.sentinel" {
			// The daemon without Sentinel support needs a URL.
			setPath(doc, "redis.url", "redis://127.0.0.1:6379/0")
		}
	}
	data, err := yaml.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Parse(path, data, func(string) string { return "" })
	if err != nil {
		t.Fatalf("the rendered configuration does not load:\n%v\n%s", err, text)
	}
	return cfg
}

func isPending(key string) bool {
	for _, p := range pendingKeys {
		if key == p || strings.HasPrefix(key, p+".") {
			return true
		}
	}
	return false
}

// configKeys maps every dotted YAML key of the configuration struct type
// (sections included) to its field.
func configKeys(typ reflect.Type, prefix string) map[string]reflect.StructField {
	out := map[string]reflect.StructField{}
	for i := range typ.NumField() {
		f := typ.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "" || name == "-" {
			continue
		}
		out[prefix+name] = f
		if f.Type.Kind() == reflect.Struct && f.Type.PkgPath() == typ.PkgPath() {
			maps.Copy(out, configKeys(f.Type, prefix+name+"."))
		}
	}
	return out
}

// flatten lists a generic YAML map's leaves by dotted key.
func flatten(m map[string]any, prefix string) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		if sub, ok := v.(map[string]any); ok {
			maps.Copy(out, flatten(sub, prefix+k+"."))
			continue
		}
		out[prefix+k] = v
	}
	return out
}

func lookup(m map[string]any, key string) (any, bool) {
	var cur any = m
	for part := range strings.SplitSeq(key, ".") {
		mm, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = mm[part]; !ok {
			return nil, false
		}
	}
	return cur, true
}

func setPath(m map[string]any, key string, v any) {
	parts := strings.Split(key, ".")
	for _, p := range parts[:len(parts)-1] {
		sub, ok := m[p].(map[string]any)
		if !ok {
			sub = map[string]any{}
			m[p] = sub
		}
		m = sub
	}
	m[parts[len(parts)-1]] = v
}

func deletePath(m map[string]any, key string) {
	parts := strings.Split(key, ".")
	for _, p := range parts[:len(parts)-1] {
		sub, ok := m[p].(map[string]any)
		if !ok {
			return
		}
		m = sub
	}
	delete(m, parts[len(parts)-1])
}

// withValue returns a deep copy of vals with the dotted key set to v.
func withValue(vals map[string]any, key string, v any) map[string]any {
	b, err := json.Marshal(vals)
	if err != nil {
		panic(err)
	}
	var cp map[string]any
	if err := json.Unmarshal(b, &cp); err != nil {
		panic(err)
	}
	setPath(cp, key, v)
	return cp
}
