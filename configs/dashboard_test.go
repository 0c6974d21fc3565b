package configs_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"
)

// dashboard is the part of the Grafana dashboard JSON these tests read.
type dashboard struct {
	Templating struct {
		List []struct {
			Name       string          `json:"name"`
			Type       string          `json:"type"`
			Query      json.RawMessage `json:"query"`
			Definition string          `json:"definition"`
			Datasource struct {
				UID string `json:"uid"`
			} `json:"datasource"`
			IncludeAll bool   `json:"includeAll"`
			AllValue   string `json:"allValue"`
		} `json:"list"`
	} `json:"templating"`
	Panels []struct {
		ID         int    `json:"id"`
		Type       string `json:"type"`
		Title      string `json:"title"`
		Datasource struct {
			UID string `json:"uid"`
		} `json:"datasource"`
		Targets []struct {
			RefID      string `json:"refId"`
			Expr       string `json:"expr"`
			Datasource struct {
				UID string `json:"uid"`
			} `json:"datasource"`
		} `json:"targets"`
	} `json:"panels"`
}

// TestDashboardFiltersByDatasourceJobAndInstance: the dashboard has
// datasource, job and instance variables, and every query of every panel
// asks the chosen data source and selects only the chosen job and
// instances, so one Grafana shows staging and production apart.
func TestDashboardFiltersByDatasourceJobAndInstance(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("grafana", "carebridge-dashboard.json"))
	if err != nil {
		t.Fatal(err)
	}
	var d dashboard
	if err := json.Unmarshal(data, &d); err != nil {
		t.Fatalf("dashboard: %v", err)
	}
	vars := map[string]string{}
	for _, v := range d.Templating.List {
		switch {
		case v.Name == "datasource" && v.Type == "datasource" && string(v.Query) == `"prometheus"`:
			vars[v.Name] = "prometheus"
		case (v.Name == "job" || v.Name == "instance") && v.Type == "query":
			if v.Datasource.UID != "${datasource}" || !v.IncludeAll || v.AllValue != ".+" {
				t.Errorf("variable %s: datasource %q, includeAll %v, allValue %q; want ${datasource}, All = .+", v.Name, v.Datasource.UID, v.IncludeAll, v.AllValue)
			}
			if !strings.HasPrefix(v.Definition, "label_values(carebridge_build_info") || !strings.HasSuffix(v.Definition, ", "+v.Name+")") {
				t.Errorf("variable %s: %q; want label_values(carebridge_build_info..., %s)", v.Name, v.Definition, v.Name)
			}
			vars[v.Name] = v.Definition
		}
	}
	for _, want := range []string{"datasource", "job", "instance"} {
		if vars[want] == "" {
			t.Errorf("no %s variable in the dashboard's templating", want)
		}
	}
	if !strings.Contains(vars["instance"], `job=~"$job"`) {
		t.Errorf("instance variable %q does not follow the chosen job", vars["instance"])
	}

	targets := 0
	for _, p := range d.Panels {
		if p.Type == "row" {
			continue
		}
		where := p.Title
		if p.Datasource.UID != "${datasource}" {
			t.Errorf("panel %q: datasource %q, want ${datasource}", where, p.Datasource.UID)
		}
		for _, tg := range p.Targets {
			targets++
			if tg.Datasource.UID != "${datasource}" {
				t.Errorf("panel %q target %s: datasource %q, want ${datasource}", where, tg.RefID, tg.Datasource.UID)
			}
			for _, problem := range unfilteredSelectors(tg.Expr) {
				t.Errorf("panel %q target %s: %s", where, tg.RefID, problem)
			}
		}
	}
	if targets < 20 {
		t.Errorf("%d queries in the dashboard; want the whole set", targets)
	}
}

// unfilteredSelectors parses a panel's PromQL (Grafana's $__rate_interval
// as 5m) and says which series selectors lack job=~"$job" or
// instance=~"$instance".
func unfilteredSelectors(expr string) []string {
	e, err := parser.NewParser(parser.Options{}).ParseExpr(strings.ReplaceAll(expr, "$__rate_interval", "5m"))
	if err != nil {
		return []string{"PromQL does not parse: " + err.Error()}
	}
	var problems []string
	selectors := 0
	parser.Inspect(e, func(n parser.Node, _ []parser.Node) error {
		vs, ok := n.(*parser.VectorSelector)
		if !ok {
			return nil
		}
		selectors++
		for _, want := range []*labels.Matcher{
			labels.MustNewMatcher(labels.MatchRegexp, "job", "$job"),
			labels.MustNewMatcher(labels.MatchRegexp, "instance", "$instance"),
		} {
			found := false
			for _, m := range vs.LabelMatchers {
				found = found || (m.Name == want.Name && m.Type == want.Type && m.Value == want.Value)
			}
			if !found {
				problems = append(problems, vs.String()+" lacks "+want.String())
			}
		}
		return nil
	})
	if selectors == 0 {
		problems = append(problems, "selects no series: "+expr)
	}
	return problems
}

func TestUnfilteredSelectors(t *testing.T) {
	for expr, want := range map[string]int{
		`sum(rate(a{job=~"$job", instance=~"$instance"}[$__rate_interval]))`:                           0,
		`a{instance=~"$instance", job=~"$job"} / b{job=~"$job"}`:                                       1,
		`time() - max by (job) (a)`:                                                                    2,
		`histogram_quantile(0.9, sum by (le) (rate(a_bucket{job="$job", instance=~"$instance"}[5m])))`: 1,
		`time()`: 1,
	} {
		if got := unfilteredSelectors(expr); len(got) != want {
			t.Errorf("unfilteredSelectors(%s) = %q; want %d problems", expr, got, want)
		}
	}
}
