// Package testenv holds helpers for tests that need real components (Samba AD, Chromium, the
// shared conformance data): outside CI a missing component skips the test with a message, and
// in CI, where the environment variable CI is set, it fails the test, so CI never passes on a
// skipped integration test.
package testenv

import (
	"os"
	"testing"
)

// InCI reports whether the tests run in CI (the CI environment variable is set and not "false").
func InCI() bool {
	v := os.Getenv("CI")
	return v != "" && v != "false" && v != "0"
}

// SkipOrFail skips the test with the given reason, or fails it when running in CI.
func SkipOrFail(t testing.TB, format string, args ...any) {
	t.Helper()
	if InCI() {
		t.Fatalf("required in CI: "+format, args...)
	}
	t.Skipf(format, args...)
}

// SharedDir returns the path of the read-only shared folder (../shared from the repository
// root, or $SECAMO_SHARED), or skips (fails in CI) when it is absent.
func SharedDir(t testing.TB, root string) string {
	t.Helper()
	dir := os.Getenv("SECAMO_SHARED")
	if dir == "" {
		dir = root + "/../shared"
	}
	if _, err := os.Stat(dir); err != nil {
		SkipOrFail(t, "shared folder %s not found; set SECAMO_SHARED to its path", dir)
	}
	return dir
}
