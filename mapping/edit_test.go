package mapping

import (
	"reflect"
	"strings"
	"testing"

	"github.com/carebridge/carebridge/configs"
)

// TestSetOverride edits the shipped mapping's overrides: the result parses,
// holds exactly the overrides asked for, and keeps the rest of the file
// (its comments) byte for byte.
func TestSetOverride(t *testing.T) {
	src := configs.Mapping()
	const ana, ben = "005000000000ANAAAA", "005000000000BENAAA"
	steps := []struct {
		agent, user string
		want        []Override
	}{
		{"agent_zoe", ana, []Override{{"agent_zoe", ana}}},
		{"agent_ana", ben, []Override{{"agent_zoe", ana}, {"agent_ana", ben}}},
		{"agent_ben", ana, []Override{{"agent_ana", ben}, {"agent_ben", ana}}}, // a user stands for one agent
		{"agent_ana", "", []Override{{"agent_ben", ana}}},
		{"agent_ben", "", nil},
	}
	cur := src
	for _, s := range steps {
		next, err := SetOverride(cur, s.agent, s.user)
		if err != nil {
			t.Fatalf("set %s=%s: %v", s.agent, s.user, err)
		}
		m, err := Parse("edited", next, FromMetadata(shippedSchema(t)))
		if err != nil {
			t.Fatalf("set %s=%s: the result does not parse: %v\n%s", s.agent, s.user, err, next)
		}
		if got := m.IdentityConfig().Overrides; !reflect.DeepEqual(got, s.want) && !(len(got) == 0 && len(s.want) == 0) {
			t.Fatalf("set %s=%s: overrides %v, want %v", s.agent, s.user, got, s.want)
		}
		cur = next
	}
	if string(cur) != string(src) {
		t.Errorf("setting and removing overrides changed the file:\n%s", cur)
	}
	without := strings.Replace(string(src), "  overrides: []\n", "", 1)
	out, err := SetOverride([]byte(without), "agent_zoe", ana)
	if err != nil || !strings.Contains(string(out), "  overrides:\n    - care_agent: \"agent_zoe\"\n") {
		t.Errorf("no overrides key: %v\n%s", err, out)
	}
}
