package rules

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/carebridge/carebridge/configs"
)

func TestShippedRuleDataLoads(t *testing.T) {
	e, err := Load(configs.Rules())
	if err != nil {
		t.Fatalf("configs/rules.yaml does not load: %v", err)
	}
	if !reflect.DeepEqual(e.Config(), builtinConfig()) {
		t.Errorf("configs/rules.yaml and builtinConfig() differ:\nfile:    %+v\nbuiltin: %+v", e.Config(), builtinConfig())
	}
	if !reflect.DeepEqual(Default().Config(), e.Config()) {
		t.Error("Default() does not use configs/rules.yaml")
	}
}

func TestLoadRejectsBadRuleData(t *testing.T) {
	valid := string(configs.Rules())
	tests := []struct {
		name string
		data string
		want string // substring of the error
		at   string // the error must name the line of this text ("" to skip)
	}{
		{"empty", "", "empty document", ""},
		{"not a mapping", "- 1\n", "line 1", ""},
		{"syntax", "version: [1\n", "yaml", ""},
		{"unknown top-level key", valid + "extra: 1\n", "field extra not found", "extra: 1"},
		{"unknown key in a limit", strings.Replace(valid, "    max: 150\n", "    max: 150\n    maximum: 3\n", 1), "field maximum not found", "maximum: 3"},
		{"missing section", strings.Replace(valid, "version: 1\n", "", 1), `missing key "version"`, ""},
		{"bad version", strings.Replace(valid, "version: 1\n", "version: 2\n", 1), "unsupported version 2", "version: 2"},
		{"unknown platform", strings.Replace(valid, "platform: tiktok", "platform: myspace", 1), `unknown platform "myspace"`, "platform: myspace"},
		{"unknown mode", strings.Replace(valid, "modes: [public_reply, comment_on_post]\n    max: 150", "modes: [shout]\n    max: 150", 1), `unknown reply mode "shout"`, "modes: [shout]"},
		{"unknown unit", strings.Replace(valid, "unit: bytes", "unit: words", 1), `unknown unit "words"`, "unit: words"},
		{"non-positive max", strings.Replace(valid, "max: 150", "max: 0", 1), "max must be positive", "max: 0"},
		{"duplicate limit", strings.Replace(valid, "platform: tiktok", "platform: youtube", 1), "already limited on line", ""},
		{"missing limit key", strings.Replace(valid, "    max: 150\n", "", 1), `missing key "max"`, ""},
		{"window hours", strings.Replace(valid, "standard_hours: 24", "standard_hours: 0", 1), "standard_hours must be positive", "standard_hours: 0"},
		{"window missing key", strings.Replace(valid, "  human_agent_tag: true\n", "", 1), `missing key "human_agent_tag"`, ""},
		{"unknown tier", strings.Replace(valid, "account_tier: self_serve", "account_tier: gold", 1), `account_tier "gold"`, "account_tier: gold"},
		{"wrong type", strings.Replace(valid, "max: 150", "max: many", 1), "cannot unmarshal", "max: many"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load([]byte(tt.data))
			if err == nil {
				t.Fatalf("Load accepted bad rule data")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
			if tt.name != "empty" && !strings.Contains(err.Error(), "line ") {
				t.Errorf("error %q names no line", err)
			}
			if tt.at != "" {
				i := strings.Index(tt.data, tt.at)
				if i < 0 {
					t.Fatalf("test data lacks %q", tt.at)
				}
				line := fmt.Sprintf("line %d:", strings.Count(tt.data[:i], "\n")+1)
				if !strings.Contains(err.Error(), line) {
					t.Errorf("error %q does not name %s", err, line)
				}
			}
		})
	}
}
