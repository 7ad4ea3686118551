package intel

import (
	"fmt"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"
)

// VTReport is the seeded VirusTotal data of one IP address, domain or file.
type VTReport struct {
	Malicious, Suspicious, Harmless, Undetected, Timeout int
	Reputation                                           int
	Country, ASOwner                                     string // IP addresses
	Registrar                                            string // domains
	MeaningfulName, TypeDescription                      string // files
	LastAnalysis                                         time.Time
}

// VirusTotalOptions configures the VirusTotal emulator.
type VirusTotalOptions struct {
	Key         string           // the accepted API key; required
	MinuteQuota int              // requests per minute (default 4, the public API's)
	DailyQuota  int              // requests per UTC day (default 500, the public API's)
	Now         func() time.Time // default time.Now
}

// VirusTotal emulates the object lookups of VirusTotal API v3.
type VirusTotal struct {
	opts   VirusTotalOptions
	now    func() time.Time
	faults faultQueue

	mu       sync.Mutex
	objects  map[string]VTReport // key: collection + "/" + id
	requests int
	minute   time.Time
	perMin   int
	day      string
	perDay   int
}

var _ http.Handler = (*VirusTotal)(nil)

// Collections of the emulated objects.
const (
	vtIPs     = "ip_addresses"
	vtDomains = "domains"
	vtFiles   = "files"
)

// NewVirusTotal returns an emulator that accepts opts.Key.
func NewVirusTotal(opts VirusTotalOptions) *VirusTotal {
	if opts.MinuteQuota == 0 {
		opts.MinuteQuota = 4
	}
	if opts.DailyQuota == 0 {
		opts.DailyQuota = 500
	}
	return &VirusTotal{opts: opts, now: nowFunc(opts.Now), objects: map[string]VTReport{}}
}

// SeedIP sets the report of an IP address.
func (e *VirusTotal) SeedIP(ip string, r VTReport) error {
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return fmt.Errorf("seeding VirusTotal: %w", err)
	}
	e.seed(vtIPs, addr.Unmap().String(), r)
	return nil
}

// SeedDomain sets the report of a domain.
func (e *VirusTotal) SeedDomain(domain string, r VTReport) {
	e.seed(vtDomains, strings.ToLower(domain), r)
}

// SeedFile sets the report of a file, by its MD5, SHA-1 or SHA-256 hash.
func (e *VirusTotal) SeedFile(hash string, r VTReport) { e.seed(vtFiles, strings.ToLower(hash), r) }

func (e *VirusTotal) seed(collection, id string, r VTReport) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.objects[collection+"/"+id] = r
}

// FailNext makes the next times requests fail with f, before the key is checked.
func (e *VirusTotal) FailNext(f Fault, times int) { e.faults.push(f, times) }

// Requests returns the number of requests received, faults included.
func (e *VirusTotal) Requests() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.requests
}

func writeVTError(w http.ResponseWriter, status int, code, message string) {
	writeJSON(w, status, map[string]any{"error": map[string]string{"code": code, "message": message}})
}

// ServeHTTP serves GET /api/v3/{ip_addresses,domains,files}/{id}.
func (e *VirusTotal) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	e.requests++
	e.mu.Unlock()

	if f, ok := e.faults.pop(); ok {
		if !delay(r, f.Delay) {
			return
		}
		if f.Status != 0 {
			setRetryAfter(w, f.RetryAfter)
			writeVTError(w, f.Status, f.Code, "Injected fault.")
			return
		}
	}
	collection, id, ok := strings.Cut(strings.TrimPrefix(r.URL.Path, "/api/v3/"), "/")
	if !ok || id == "" || strings.Contains(id, "/") || !strings.HasPrefix(r.URL.Path, "/api/v3/") {
		writeVTError(w, http.StatusNotFound, "NotFoundError", fmt.Sprintf("Resource %q is not emulated", r.URL.Path))
		return
	}
	if r.Method != http.MethodGet {
		writeVTError(w, http.StatusMethodNotAllowed, "BadRequestError", "Only GET is emulated")
		return
	}
	key := r.Header.Get("x-apikey")
	if key == "" {
		writeVTError(w, http.StatusUnauthorized, "AuthenticationRequiredError", "X-Apikey header is missing")
		return
	}
	if key != e.opts.Key {
		writeVTError(w, http.StatusUnauthorized, "WrongCredentialsError", "Wrong API key")
		return
	}
	if !e.takeQuota() {
		writeVTError(w, http.StatusTooManyRequests, "QuotaExceededError", "Quota exceeded")
		return
	}
	e.lookup(w, collection, id)
}

// takeQuota counts one request against the minute and daily quotas.
func (e *VirusTotal) takeQuota() bool {
	now := e.now().UTC()
	e.mu.Lock()
	defer e.mu.Unlock()
	if m := now.Truncate(time.Minute); !m.Equal(e.minute) {
		e.minute, e.perMin = m, 0
	}
	if d := now.Format(time.DateOnly); d != e.day {
		e.day, e.perDay = d, 0
	}
	if e.perMin >= e.opts.MinuteQuota || e.perDay >= e.opts.DailyQuota {
		return false
	}
	e.perMin++
	e.perDay++
	return true
}

func (e *VirusTotal) lookup(w http.ResponseWriter, collection, id string) {
	var objType string
	switch collection {
	case vtIPs:
		addr, err := netip.ParseAddr(id)
		if err != nil {
			writeVTError(w, http.StatusBadRequest, "InvalidArgumentError", fmt.Sprintf("%q is not a valid IP address", id))
			return
		}
		id, objType = addr.Unmap().String(), "ip_address"
	case vtDomains:
		id, objType = strings.ToLower(id), "domain"
	case vtFiles:
		id, objType = strings.ToLower(id), "file"
	default:
		writeVTError(w, http.StatusNotFound, "NotFoundError", fmt.Sprintf("Collection %q is not emulated", collection))
		return
	}

	e.mu.Lock()
	rep, seeded := e.objects[collection+"/"+id]
	e.mu.Unlock()
	// VirusTotal has an object for every IP address, but only for domains and files it has seen.
	if !seeded && collection != vtIPs {
		writeVTError(w, http.StatusNotFound, "NotFoundError", fmt.Sprintf("%s %q not found", objType, id))
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": vtObject(collection, objType, id, rep)})
}

func vtObject(collection, objType, id string, rep VTReport) map[string]any {
	attrs := map[string]any{
		"last_analysis_stats": map[string]int{
			"harmless": rep.Harmless, "malicious": rep.Malicious, "suspicious": rep.Suspicious,
			"undetected": rep.Undetected, "timeout": rep.Timeout,
		},
		"reputation":            rep.Reputation,
		"total_votes":           map[string]int{"harmless": 0, "malicious": 0},
		"last_analysis_results": map[string]any{},
	}
	if !rep.LastAnalysis.IsZero() {
		attrs["last_analysis_date"] = rep.LastAnalysis.Unix()
	}
	for name, v := range map[string]string{"country": rep.Country, "as_owner": rep.ASOwner, "registrar": rep.Registrar,
		"meaningful_name": rep.MeaningfulName, "type_description": rep.TypeDescription} {
		if v != "" {
			attrs[name] = v
		}
	}
	return map[string]any{
		"id":         id,
		"type":       objType,
		"links":      map[string]string{"self": "https://www.virustotal.com/api/v3/" + collection + "/" + id},
		"attributes": attrs,
	}
}
