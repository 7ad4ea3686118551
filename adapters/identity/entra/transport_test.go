package entra

import (
	"testing"
	"time"
)

func TestRetryDelay(t *testing.T) {
	now := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		header  string
		attempt int
		want    time.Duration
	}{
		{"2.128", 0, 2128 * time.Millisecond},
		{"3", 0, 3 * time.Second},
		{" 0.5 ", 2, 500 * time.Millisecond},
		{"Fri, 04 Dec 2026 09:00:10 GMT", 0, 10 * time.Second},
		{"Fri, 04 Dec 2026 08:59:00 GMT", 0, 0},
		{"", 0, time.Second},
		{"", 2, 4 * time.Second},
		{"soon", 1, 2 * time.Second},
		{"-1", 0, time.Second},
		{"1e300", 0, 24 * time.Hour},
		{"NaN", 0, time.Second},
	}
	for _, tt := range tests {
		if got := retryDelay(tt.header, tt.attempt, now); got != tt.want {
			t.Errorf("retryDelay(%q, %d) = %s, want %s", tt.header, tt.attempt, got, tt.want)
		}
	}
}

func FuzzRetryDelay(f *testing.F) {
	for _, seed := range []string{"2.128", "120", "Fri, 04 Dec 2026 09:00:10 GMT", "", "-0", "Inf"} {
		f.Add(seed, 1)
	}
	now := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, header string, attempt int) {
		if attempt < 0 || attempt > 1000 {
			t.Skip()
		}
		if d := retryDelay(header, attempt, now); d < 0 || d > maxRetryDelay {
			t.Errorf("retryDelay(%q, %d) = %s, outside 0 to maxRetryDelay", header, attempt, d)
		}
	})
}
