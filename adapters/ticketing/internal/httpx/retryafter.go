package httpx

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// ParseRetryAfter reads a Retry-After value: whole or decimal seconds ("2", "2.128") or an
// HTTP date, which is measured from now. It reports false when the value is absent or
// unreadable. A date in the past gives zero.
func ParseRetryAfter(value string, now time.Time) (time.Duration, bool) {
	value = strings.TrimSpace(value)
	if value == "" {
		return 0, false
	}
	if secondsPattern.MatchString(value) {
		seconds, err := strconv.ParseFloat(value, 64)
		if err != nil || seconds > maxRetryAfterSeconds {
			return 0, false
		}
		return time.Duration(seconds * float64(time.Second)), true
	}
	date, err := http.ParseTime(value)
	if err != nil {
		return 0, false
	}
	return max(date.Sub(now), 0), true
}

// secondsPattern accepts plain decimal seconds only, so ParseFloat's NaN, Inf, signs,
// exponents and hexadecimal forms are rejected.
var secondsPattern = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?$`)

// maxRetryAfterSeconds bounds the parsed value so the conversion to a Duration cannot
// overflow; the client's MaxWait rejects long waits well below it.
const maxRetryAfterSeconds = 365 * 24 * 3600
