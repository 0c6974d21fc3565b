// Package e2e holds carebridge's process-level tests: the daemon runs as a
// real child process (internal/testenv) against both sandboxes and a real
// Redis, and the tests crash it with SIGKILL, stop it with SIGTERM, run two
// replicas on one Redis, restart Redis under it and run `carebridge check`.
// The package has no non-test code.
package e2e
