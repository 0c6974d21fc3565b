package main

import (
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestDockerfileBuildsAStaticNonRootBinary checks what the Dockerfile
// promises without a Docker engine: its build command, run as written,
// yields a statically linked binary that reports the version passed in, and
// the final stage runs as a non-root user on a base image without a libc.
func TestDockerfileBuildsAStaticNonRootBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds carebridge")
	}
	df, err := os.ReadFile("../../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	text := string(df)
	stages := strings.Split(text, "\nFROM ")
	if len(stages) < 2 {
		t.Fatal("the Dockerfile is not multi-stage")
	}
	final := stages[len(stages)-1]
	if !strings.HasPrefix(final, "gcr.io/distroless/static") {
		t.Errorf("final stage base %q: want a distroless static image (no shell, no libc)", strings.SplitN(final, "\n", 2)[0])
	}
	if !regexp.MustCompile(`(?m)^USER nonroot`).MatchString(final) {
		t.Error("the final stage does not switch to a non-root USER")
	}
	if !regexp.MustCompile(`(?m)^HEALTHCHECK .*CMD \["/usr/local/bin/carebridge", "healthcheck"\]$`).MatchString(final) {
		t.Error("the final stage has no HEALTHCHECK running `carebridge healthcheck` (the image has no shell or curl)")
	}
	if !regexp.MustCompile(`org\.opencontainers\.image\.version="\$\{VERSION\}"`).MatchString(final) {
		t.Error("the final stage has no OCI version label")
	}
	if ignore, err := os.ReadFile("../../.dockerignore"); err != nil || !regexp.MustCompile(`(?m)^\.git$`).Match(ignore) {
		t.Errorf(".dockerignore does not keep .git out of the build context (%v)", err)
	}
	m := regexp.MustCompile(`(?m)^RUN (CGO_ENABLED=0 go build .*) -o /out/carebridge (\./cmd/carebridge)$`).FindStringSubmatch(text)
	if m == nil {
		t.Fatal("no `RUN CGO_ENABLED=0 go build ... -o /out/carebridge ./cmd/carebridge` line")
	}
	bin := filepath.Join(t.TempDir(), "carebridge")
	build := strings.ReplaceAll(m[1], "${VERSION}", "1.2.3-test") + " -o " + bin + " " + m[2]
	cmd := exec.Command("sh", "-c", build)
	cmd.Dir = "../.."
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", build, err, out)
	}
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Error("the binary needs a dynamic loader; the distroless static image has none")
		}
	}
	out, err := exec.Command(bin, "version").CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "carebridge 1.2.3-test" {
		t.Errorf("carebridge version: %q, %v; want the version passed at build time", out, err)
	}
}
