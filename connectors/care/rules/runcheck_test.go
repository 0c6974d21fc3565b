package rules

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

// TestRunCheckGolden runs `rules check` on every testdata/*.json scenario and
// compares its output (the decision, or "error: ..." when the scenario is
// rejected) with testdata/*.golden.
func TestRunCheckGolden(t *testing.T) {
	inputs, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil || len(inputs) == 0 {
		t.Fatalf("no golden inputs: %v", err)
	}
	for _, in := range inputs {
		name := strings.TrimSuffix(filepath.Base(in), ".json")
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			if err := RunCheck(bytes.NewReader(data), &out, Default()); err != nil {
				if out.Len() != 0 {
					t.Errorf("wrote %q despite the error", out.String())
				}
				out.Reset()
				out.WriteString("error: " + err.Error() + "\n")
			}
			if strings.HasPrefix(name, "error_") != strings.HasPrefix(out.String(), "error: ") {
				t.Errorf("input %s: output %q; inputs named error_* must fail and only those", name, out.String())
			}
			golden := strings.TrimSuffix(in, ".json") + ".golden"
			if *update {
				if err := os.WriteFile(golden, out.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if out.String() != string(want) {
				t.Errorf("output differs from %s:\ngot:  %s\nwant: %s", golden, out.String(), want)
			}
		})
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestRunCheckWriteError(t *testing.T) {
	in := `{"platform":"facebook","action":"set_profile","now":"2026-11-25T12:00:00Z","case":{}}`
	err := RunCheck(strings.NewReader(in), failingWriter{}, Default())
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("err = %v, want the write error", err)
	}
}

func TestRunCheckOversize(t *testing.T) {
	in := strings.NewReader(`{"text":"` + strings.Repeat("a", maxScenarioBytes) + `"}`)
	var out bytes.Buffer
	if err := RunCheck(in, &out, Default()); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Fatalf("err = %v, want a size error", err)
	}
}
