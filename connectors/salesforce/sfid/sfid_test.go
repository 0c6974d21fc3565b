package sfid

import "testing"

// TestTo18MatchesSalesforce: ids as a real org shows them in both forms.
func TestTo18MatchesSalesforce(t *testing.T) {
	for _, tt := range []struct{ id15, id18 string }{
		{"001D000000IRFma", "001D000000IRFmaIAH"},
		{"5003000000D8cuI", "5003000000D8cuIAAR"},
		{"00530000003xqAb", "00530000003xqAbAAI"},
	} {
		if got := To18(tt.id15); got != tt.id18 {
			t.Errorf("To18(%s) = %s, want %s", tt.id15, got, tt.id18)
		}
	}
}

func TestNormalize(t *testing.T) {
	for _, tt := range []struct {
		in, want string
		ok       bool
	}{
		{"001D000000IRFma", "001D000000IRFmaIAH", true},
		{"001D000000IRFmaIAH", "001D000000IRFmaIAH", true},
		{"001D000000IRFmaiah", "001D000000IRFmaIAH", true}, // the checksum compares ignoring case
		{"001D000000IRFmaAAA", "", false},                  // wrong checksum
		{"001D000000IRFm", "", false},                      // too short
		{"001D000000IRF-a", "", false},                     // not base 62
		{"Care-123", "", false},
	} {
		got, ok := Normalize(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Normalize(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestKeyIsTheSameForBothForms(t *testing.T) {
	if Key("001D000000IRFmaIAH") != Key("001D000000IRFma") {
		t.Error("the 15- and 18-character forms of one id have different keys")
	}
	if Key("001D000000IRFma") == Key("001D000000IRFMA") {
		t.Error("ids that differ in case have the same key")
	}
	if Key("short") != "short" {
		t.Error("a string that is no id is not returned as it is")
	}
}

func TestNewIDsAreValidAndDistinct(t *testing.T) {
	a, b := New("500", "5g", 1), New("500", "5g", 62)
	if a == b || len(a) != 18 || a[:5] != "5005g" {
		t.Fatalf("New gave %s and %s", a, b)
	}
	for _, id := range []string{a, b} {
		if got, ok := Normalize(id[:15]); !ok || got != id {
			t.Errorf("New(...) = %s does not carry its own checksum (Normalize of its 15 characters: %s, %v)", id, got, ok)
		}
	}
}
