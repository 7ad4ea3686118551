package httpx

import (
	"testing"
	"time"
)

func FuzzParseRetryAfter(f *testing.F) {
	for _, seed := range []string{"2", "2.128", "Fri, 04 Dec 2026 20:00:30 GMT", "-1", "NaN", "1e300", ""} {
		f.Add(seed)
	}
	now := time.Date(2026, 12, 4, 20, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, value string) {
		d, ok := ParseRetryAfter(value, now)
		if d < 0 {
			t.Errorf("ParseRetryAfter(%q) = %v, want no negative wait", value, d)
		}
		if !ok && d != 0 {
			t.Errorf("ParseRetryAfter(%q) = %v, false, want zero when unreadable", value, d)
		}
	})
}
