package helm_test

import (
	"bytes"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/engine"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"
)

const (
	chartDir    = "carebridge"
	releaseName = "carebridge"
	namespace   = "sync"
)

// rendered is one rendering of the chart, every object decoded strictly
// into its Kubernetes (or Prometheus Operator) API type.
type rendered struct {
	files map[string]string // template path -> manifest text

	deployment     *appsv1.Deployment
	configMaps     map[string]*corev1.ConfigMap
	services       map[string]*corev1.Service
	serviceAccount *corev1.ServiceAccount
	pdb            *policyv1.PodDisruptionBudget
	networkPolicy  *networkingv1.NetworkPolicy
	ingress        *networkingv1.Ingress
	serviceMonitor *monitoringv1.ServiceMonitor
	prometheusRule *monitoringv1.PrometheusRule
	objects        int
}

// render renders the chart with values.yaml overlaid by overrides (as
// `helm template --values` would), the way Helm installs it.
func render(overrides map[string]any) (map[string]string, error) {
	ch, err := loader.LoadDir(chartDir)
	if err != nil {
		return nil, err
	}
	vals, err := chartutil.ToRenderValues(ch, overrides, chartutil.ReleaseOptions{
		Name: releaseName, Namespace: namespace, Revision: 1, IsInstall: true,
	}, chartutil.DefaultCapabilities)
	if err != nil {
		return nil, err
	}
	// Strict: a template that reads a value values.yaml does not define
	// fails instead of rendering empty.
	out, err := engine.Engine{Strict: true}.Render(ch, vals)
	if err != nil {
		return nil, err
	}
	return out, nil
}

// mustRender renders and decodes every object strictly: an unknown or
// misplaced field anywhere fails the test.
func mustRender(t *testing.T, overrides map[string]any) *rendered {
	t.Helper()
	files, err := render(overrides)
	if err != nil {
		t.Fatalf("render: %v", err)
	}
	r := &rendered{files: files, configMaps: map[string]*corev1.ConfigMap{}, services: map[string]*corev1.Service{}}
	for _, name := range slices.Sorted(maps.Keys(files)) {
		if strings.HasSuffix(name, "NOTES.txt") {
			continue
		}
		for i, doc := range strings.Split(files[name], "\n---") {
			if isEmptyYAML(doc) {
				continue
			}
			if err := r.decode([]byte(doc)); err != nil {
				t.Fatalf("%s (document %d): %v\n%s", name, i, err, doc)
			}
			r.objects++
		}
	}
	if r.deployment == nil {
		t.Fatal("no Deployment rendered")
	}
	return r
}

func isEmptyYAML(doc string) bool {
	for line := range strings.SplitSeq(doc, "\n") {
		if l := strings.TrimSpace(line); l != "" && !strings.HasPrefix(l, "#") {
			return false
		}
	}
	return true
}

func decodeStrict[T any](doc []byte) (*T, error) {
	v := new(T)
	if err := yaml.UnmarshalStrict(doc, v); err != nil {
		return nil, err
	}
	return v, nil
}

func (r *rendered) decode(doc []byte) error {
	var tm metav1.TypeMeta
	if err := yaml.Unmarshal(doc, &tm); err != nil {
		return err
	}
	var err error
	switch tm.APIVersion + " " + tm.Kind {
	case "apps/v1 Deployment":
		if r.deployment != nil {
			return fmt.Errorf("a second Deployment")
		}
		r.deployment, err = decodeStrict[appsv1.Deployment](doc)
	case "v1 ConfigMap":
		var cm *corev1.ConfigMap
		if cm, err = decodeStrict[corev1.ConfigMap](doc); err == nil {
			r.configMaps[cm.Name] = cm
		}
	case "v1 Service":
		var s *corev1.Service
		if s, err = decodeStrict[corev1.Service](doc); err == nil {
			r.services[s.Name] = s
		}
	case "v1 ServiceAccount":
		r.serviceAccount, err = decodeStrict[corev1.ServiceAccount](doc)
	case "policy/v1 PodDisruptionBudget":
		r.pdb, err = decodeStrict[policyv1.PodDisruptionBudget](doc)
	case "networking.k8s.io/v1 NetworkPolicy":
		r.networkPolicy, err = decodeStrict[networkingv1.NetworkPolicy](doc)
	case "networking.k8s.io/v1 Ingress":
		r.ingress, err = decodeStrict[networkingv1.Ingress](doc)
	case "monitoring.coreos.com/v1 ServiceMonitor":
		r.serviceMonitor, err = decodeStrict[monitoringv1.ServiceMonitor](doc)
	case "monitoring.coreos.com/v1 PrometheusRule":
		r.prometheusRule, err = decodeStrict[monitoringv1.PrometheusRule](doc)
	default:
		return fmt.Errorf("unexpected object %s %s", tm.APIVersion, tm.Kind)
	}
	return err
}

// container is the Deployment's only container.
func (r *rendered) container(t *testing.T) corev1.Container {
	t.Helper()
	cs := r.deployment.Spec.Template.Spec.Containers
	if len(cs) != 1 {
		t.Fatalf("%d containers, want 1", len(cs))
	}
	return cs[0]
}

// containerPort resolves a probe's or a Service's target port (a name or a
// number) to the container's port number; 0 when the container has none.
func containerPort(c corev1.Container, port string) int32 {
	for _, p := range c.Ports {
		if p.Name == port || fmt.Sprint(p.ContainerPort) == port {
			return p.ContainerPort
		}
	}
	return 0
}

// volume returns the pod's volume named name.
func (r *rendered) volume(t *testing.T, name string) corev1.Volume {
	t.Helper()
	for _, v := range r.deployment.Spec.Template.Spec.Volumes {
		if v.Name == name {
			return v
		}
	}
	t.Fatalf("no volume %q", name)
	return corev1.Volume{}
}

// mountOf returns the container's mount of the volume named name.
func mountOf(c corev1.Container, name string) (corev1.VolumeMount, bool) {
	for _, m := range c.VolumeMounts {
		if m.Name == name {
			return m, true
		}
	}
	return corev1.VolumeMount{}, false
}

// configFile finds the file the container's command line names with
// --config, and returns its path and its text from the ConfigMap mounted
// there.
func (r *rendered) configFile(t *testing.T) (string, string) {
	t.Helper()
	c := r.container(t)
	i := slices.Index(c.Args, "--config")
	if len(c.Args) < 3 || c.Args[0] != "run" || i < 0 || i+1 >= len(c.Args) {
		t.Fatalf("args %q: want run --config FILE", c.Args)
	}
	path := c.Args[i+1]
	for _, m := range c.VolumeMounts {
		if filepath.Dir(path) != m.MountPath {
			continue
		}
		v := r.volume(t, m.Name)
		if v.ConfigMap == nil {
			t.Fatalf("--config %s: the volume mounted at %s is not a ConfigMap", path, m.MountPath)
		}
		cm := r.configMaps[v.ConfigMap.Name]
		if cm == nil {
			t.Fatalf("--config %s: ConfigMap %q is not rendered", path, v.ConfigMap.Name)
		}
		text, ok := cm.Data[filepath.Base(path)]
		if !ok {
			t.Fatalf("--config %s: ConfigMap %q has no key %s", path, cm.Name, filepath.Base(path))
		}
		if !m.ReadOnly {
			t.Errorf("the config volume is mounted writable")
		}
		return path, text
	}
	t.Fatalf("--config %s: nothing is mounted at %s", path, filepath.Dir(path))
	return "", ""
}

// podLabels are the labels of the Deployment's pods.
func (r *rendered) podLabels() map[string]string { return r.deployment.Spec.Template.Labels }

// selects reports whether the label selector selects the pods.
func (r *rendered) selects(t *testing.T, s *metav1.LabelSelector) bool {
	t.Helper()
	if s == nil || len(s.MatchLabels) == 0 && len(s.MatchExpressions) == 0 {
		return false
	}
	if len(s.MatchExpressions) > 0 {
		t.Fatalf("selector %v: the chart uses matchLabels only", s)
	}
	for k, v := range s.MatchLabels {
		if r.podLabels()[k] != v {
			return false
		}
	}
	return true
}

func readRepoFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", path))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// trimNewline drops trailing newlines.
func trimNewline(b []byte) []byte { return bytes.TrimRight(b, "\n") }

// toMap returns the YAML or JSON document as a generic map.
func toMap(t *testing.T, doc []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := yaml.Unmarshal(doc, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// equalJSON reports whether two JSON or YAML documents hold the same data.
func equalJSON(t *testing.T, a, b []byte) bool {
	t.Helper()
	return reflect.DeepEqual(toMap(t, a), toMap(t, b))
}
