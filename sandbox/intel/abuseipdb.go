package intel

import (
	"fmt"
	"net/http"
	"net/netip"
	"strconv"
	"sync"
	"time"
)

// AbuseReport is the seeded AbuseIPDB data of one address.
type AbuseReport struct {
	Score        int // abuseConfidenceScore, 0 to 100
	TotalReports int
	Users        int // numDistinctUsers
	CountryCode  string
	UsageType    string
	ISP          string
	Domain       string
	IsTor        bool
	LastReported time.Time
}

// AbuseIPDBOptions configures the AbuseIPDB emulator.
type AbuseIPDBOptions struct {
	Key        string           // the accepted API key; required
	DailyLimit int              // checks per UTC day before 429 (default 1000)
	Now        func() time.Time // default time.Now
}

// AbuseIPDB emulates AbuseIPDB API v2's check endpoint.
type AbuseIPDB struct {
	opts   AbuseIPDBOptions
	now    func() time.Time
	faults faultQueue

	mu       sync.Mutex
	reports  map[netip.Addr]AbuseReport
	requests int
	day      string
	used     int
}

var _ http.Handler = (*AbuseIPDB)(nil)

// NewAbuseIPDB returns an emulator that accepts opts.Key.
func NewAbuseIPDB(opts AbuseIPDBOptions) *AbuseIPDB {
	if opts.DailyLimit == 0 {
		opts.DailyLimit = 1000
	}
	return &AbuseIPDB{opts: opts, now: nowFunc(opts.Now), reports: map[netip.Addr]AbuseReport{}}
}

// Seed sets the data returned for ip.
func (e *AbuseIPDB) Seed(ip string, r AbuseReport) error {
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return fmt.Errorf("seeding AbuseIPDB: %w", err)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.reports[addr.Unmap()] = r
	return nil
}

// FailNext makes the next times requests fail with f, before the key is checked.
func (e *AbuseIPDB) FailNext(f Fault, times int) { e.faults.push(f, times) }

// Requests returns the number of requests received, faults included.
func (e *AbuseIPDB) Requests() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.requests
}

type abuseError struct {
	Detail string `json:"detail"`
	Status int    `json:"status"`
	Source *struct {
		Parameter string `json:"parameter"`
	} `json:"source,omitempty"`
}

func writeAbuseError(w http.ResponseWriter, status int, detail, parameter string) {
	e := abuseError{Detail: detail, Status: status}
	if parameter != "" {
		e.Source = &struct {
			Parameter string `json:"parameter"`
		}{parameter}
	}
	writeJSON(w, status, map[string]any{"errors": []abuseError{e}})
}

// ServeHTTP serves GET /api/v2/check.
func (e *AbuseIPDB) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	e.requests++
	e.mu.Unlock()

	if f, ok := e.faults.pop(); ok {
		if !delay(r, f.Delay) {
			return
		}
		if f.Status != 0 {
			setRetryAfter(w, f.RetryAfter)
			writeAbuseError(w, f.Status, "Injected fault: HTTP "+strconv.Itoa(f.Status)+".", "")
			return
		}
	}
	if r.URL.Path != "/api/v2/check" {
		writeAbuseError(w, http.StatusNotFound, "Endpoint "+r.URL.Path+" is not emulated.", "")
		return
	}
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		writeAbuseError(w, http.StatusMethodNotAllowed, "The check endpoint accepts GET only.", "")
		return
	}
	if key := r.Header.Get("Key"); key == "" || key != e.opts.Key {
		writeAbuseError(w, http.StatusUnauthorized, "Authentication failed: the API key is missing, wrong or revoked.", "")
		return
	}
	e.check(w, r)
}

// takeQuota counts one check against the daily limit, sets the X-RateLimit headers, and
// responds 429 when the limit is used up.
func (e *AbuseIPDB) takeQuota(w http.ResponseWriter) bool {
	now := e.now().UTC()
	e.mu.Lock()
	if day := now.Format(time.DateOnly); day != e.day {
		e.day, e.used = day, 0
	}
	allowed := e.used < e.opts.DailyLimit
	if allowed {
		e.used++
	}
	remaining := e.opts.DailyLimit - e.used
	e.mu.Unlock()

	h := w.Header()
	h.Set("X-RateLimit-Limit", strconv.Itoa(e.opts.DailyLimit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
	if allowed {
		return true
	}
	reset := now.Truncate(24 * time.Hour).Add(24 * time.Hour)
	h.Set("X-RateLimit-Reset", strconv.FormatInt(reset.Unix(), 10))
	setRetryAfter(w, reset.Sub(now))
	writeAbuseError(w, http.StatusTooManyRequests, "Daily rate limit of "+strconv.Itoa(e.opts.DailyLimit)+" requests exceeded for this endpoint.", "")
	return false
}

func (e *AbuseIPDB) check(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	addr, err := netip.ParseAddr(q.Get("ipAddress"))
	if err != nil {
		writeAbuseError(w, http.StatusUnprocessableEntity, "The ipAddress must be a valid IPv4 or IPv6 address.", "ipAddress")
		return
	}
	maxAge := 30
	if v := q.Get("maxAgeInDays"); v != "" {
		maxAge, err = strconv.Atoi(v)
		if err != nil || maxAge < 1 || maxAge > 365 {
			writeAbuseError(w, http.StatusUnprocessableEntity, "The maxAgeInDays must be an integer between 1 and 365.", "maxAgeInDays")
			return
		}
	}
	// NOTE: invalid requests do not count against the daily limit here; whether they do on
	// AbuseIPDB is not documented.
	if !e.takeQuota(w) {
		return
	}

	e.mu.Lock()
	rep := e.reports[addr.Unmap()]
	e.mu.Unlock()
	// Reports older than maxAgeInDays do not count, as on the real service.
	if !rep.LastReported.IsZero() && e.now().Sub(rep.LastReported) > time.Duration(maxAge)*24*time.Hour {
		rep = AbuseReport{CountryCode: rep.CountryCode, UsageType: rep.UsageType, ISP: rep.ISP, Domain: rep.Domain}
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": abuseData(addr, rep)})
}

func abuseData(addr netip.Addr, rep AbuseReport) map[string]any {
	version := 4
	if addr.Is6() && !addr.Is4In6() {
		version = 6
	}
	orNull := func(s string) any {
		if s == "" {
			return nil
		}
		return s
	}
	var last any
	if !rep.LastReported.IsZero() {
		last = rep.LastReported.UTC().Format("2006-01-02T15:04:05-07:00")
	}
	return map[string]any{
		"ipAddress":            addr.String(),
		"isPublic":             addr.IsGlobalUnicast() && !addr.IsPrivate(),
		"ipVersion":            version,
		"isWhitelisted":        false,
		"abuseConfidenceScore": rep.Score,
		"countryCode":          orNull(rep.CountryCode),
		"usageType":            orNull(rep.UsageType),
		"isp":                  rep.ISP,
		"domain":               orNull(rep.Domain),
		"hostnames":            []string{},
		"isTor":                rep.IsTor,
		"totalReports":         rep.TotalReports,
		"numDistinctUsers":     rep.Users,
		"lastReportedAt":       last,
	}
}
