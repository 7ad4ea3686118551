// Package abuseipdb looks up IP addresses in AbuseIPDB (API v2, GET /api/v2/check) and
// returns the normalised intel.Result: the abuseConfidenceScore as the score, with the
// report count, country, ISP, usage type and domain as details.
//
// Requests carry the API key in the Key header and pass through an intel.Gate. By default it
// sends a burst of 5 and then one request per second, which is this project's choice because
// AbuseIPDB publishes daily quotas (1000 checks on the free plan) rather than a request rate.
// The service reports the quota in X-RateLimit-Limit and X-RateLimit-Remaining and enforces it
// with 429 responses, which the gate retries after their Retry-After when the wait is short.
// The client checks IP addresses only: domains and hashes are skipped, as are private and
// other special-purpose addresses, without a request.
package abuseipdb

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"golang.org/x/time/rate"

	"github.com/secamo/orchestrator/adapters/intel"
	"github.com/secamo/orchestrator/secrets"
)

// Source is the name of the service in results.
const Source = "abuseipdb"

// DefaultBaseURL is AbuseIPDB's API v2 root.
const DefaultBaseURL = "https://api.abuseipdb.com/api/v2"

// Options configures a Client. Only Secrets and KeyRef are needed for the real service.
type Options struct {
	BaseURL    string       // default DefaultBaseURL
	HTTPClient *http.Client // default http.DefaultClient
	Secrets    secrets.Resolver
	KeyRef     secrets.Ref   // reference of the API key, such as secretsmanager:abuseipdb
	MaxAgeDays int           // maxAgeInDays of the check, 1 to 365 (default 90)
	CacheTTL   time.Duration // how long a score is reused (default 6 hours; negative disables)
	// Gate sets the rate limit and retries; zero fields take the defaults of this package.
	Gate   intel.GateOptions
	Logger *slog.Logger // default slog.Default()
}

// Client looks up IP addresses in AbuseIPDB. It is safe for concurrent use.
type Client struct {
	opts  Options
	gate  *intel.Gate
	cache *intel.Cache
}

var _ intel.Source = (*Client)(nil)

// New returns a Client with the options' defaults filled in.
func New(o Options) *Client {
	if o.BaseURL == "" {
		o.BaseURL = DefaultBaseURL
	}
	o.BaseURL = strings.TrimRight(o.BaseURL, "/")
	if o.HTTPClient == nil {
		o.HTTPClient = http.DefaultClient
	}
	if o.MaxAgeDays == 0 {
		o.MaxAgeDays = 90
	}
	if o.CacheTTL == 0 {
		o.CacheTTL = 6 * time.Hour
	}
	if o.Gate.Rate == 0 {
		o.Gate.Rate = rate.Limit(1)
		o.Gate.Burst = max(o.Gate.Burst, 5)
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	gate := intel.NewGate(o.Gate)
	return &Client{opts: o, gate: gate, cache: intel.NewCache(o.CacheTTL, gate.Clock())}
}

// Name returns "abuseipdb".
func (c *Client) Name() string { return Source }

// Lookup checks one IP address. It never fails: see intel.Result for the skipped and
// unavailable cases.
func (c *Client) Lookup(ctx context.Context, indicator string) intel.Result {
	kind, ip, skipped := intel.Precheck(Source, indicator, intel.KindIP)
	if skipped != nil {
		return *skipped
	}
	if r, ok := c.cache.Get(Source, ip); ok {
		return r
	}
	now := c.gate.Clock().Now()
	key, reason := intel.ResolveKey(ctx, c.opts.Secrets, c.opts.KeyRef)
	if key == "" {
		return c.unavailable(ip, kind, now, reason)
	}

	resp, err := c.gate.Do(ctx, c.opts.HTTPClient, func(ctx context.Context) (*http.Request, error) {
		q := url.Values{"ipAddress": {ip}, "maxAgeInDays": {strconv.Itoa(c.opts.MaxAgeDays)}}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.opts.BaseURL+"/check?"+q.Encode(), nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Key", key)
		req.Header.Set("Accept", "application/json")
		return req, nil
	})
	now = c.gate.Clock().Now()
	if err != nil {
		return c.unavailable(ip, kind, now, "request to AbuseIPDB did not complete: "+err.Error())
	}
	if resp.Status != http.StatusOK {
		return c.unavailable(ip, kind, now, describeFailure(resp))
	}
	r, err := decodeCheck(resp.Body, ip, now)
	if err != nil {
		return c.unavailable(ip, kind, now, err.Error())
	}
	c.cache.Put(r)
	return r
}

func (c *Client) unavailable(ip string, kind intel.Kind, at time.Time, reason string) intel.Result {
	c.opts.Logger.Warn("abuseipdb lookup unavailable", "indicator", ip, "reason", reason)
	return intel.Unavailable(Source, ip, kind, at, reason)
}

// checkResponse is the part of the check endpoint's response that the client reads.
type checkResponse struct {
	Data struct {
		IPAddress            string  `json:"ipAddress"`
		IsPublic             bool    `json:"isPublic"`
		IsWhitelisted        *bool   `json:"isWhitelisted"`
		AbuseConfidenceScore *int    `json:"abuseConfidenceScore"`
		CountryCode          *string `json:"countryCode"`
		UsageType            *string `json:"usageType"`
		ISP                  string  `json:"isp"`
		Domain               *string `json:"domain"`
		IsTor                bool    `json:"isTor"`
		TotalReports         int     `json:"totalReports"`
		NumDistinctUsers     int     `json:"numDistinctUsers"`
		LastReportedAt       *string `json:"lastReportedAt"`
	} `json:"data"`
}

// errorResponse is AbuseIPDB's error body, a JSON:API errors list.
type errorResponse struct {
	Errors []struct {
		Detail string `json:"detail"`
		Status int    `json:"status"`
	} `json:"errors"`
}

func decodeCheck(body []byte, ip string, at time.Time) (intel.Result, error) {
	var cr checkResponse
	if err := json.Unmarshal(body, &cr); err != nil {
		return intel.Result{}, fmt.Errorf("AbuseIPDB returned an unreadable check response: %v", err)
	}
	d := cr.Data
	if d.AbuseConfidenceScore == nil {
		return intel.Result{}, fmt.Errorf("AbuseIPDB check response has no data.abuseConfidenceScore")
	}
	score := min(max(*d.AbuseConfidenceScore, 0), 100)
	details := map[string]any{
		"totalReports":     d.TotalReports,
		"numDistinctUsers": d.NumDistinctUsers,
		"isp":              d.ISP,
		"isTor":            d.IsTor,
	}
	for name, v := range map[string]*string{"countryCode": d.CountryCode, "usageType": d.UsageType, "domain": d.Domain, "lastReportedAt": d.LastReportedAt} {
		if v != nil {
			details[name] = *v
		}
	}
	if d.IsWhitelisted != nil {
		details["isWhitelisted"] = *d.IsWhitelisted
	}
	return intel.Result{
		Indicator: ip,
		Kind:      intel.KindIP,
		Source:    Source,
		Score:     score,
		Verdict:   verdict(score, d.TotalReports),
		Link:      "https://www.abuseipdb.com/check/" + url.PathEscape(ip),
		FetchedAt: at,
		Details:   details,
	}, nil
}

// verdict maps the confidence score to a verdict. The thresholds are the project's choice:
// AbuseIPDB publishes the score, not a verdict.
func verdict(score, reports int) intel.Verdict {
	switch {
	case score >= 75:
		return intel.VerdictMalicious
	case score >= 25:
		return intel.VerdictSuspicious
	case reports == 0 && score == 0:
		return intel.VerdictUnknown
	default:
		return intel.VerdictHarmless
	}
}

// describeFailure turns a response other than 200 into the reason of an unavailable result.
func describeFailure(resp *intel.Response) string {
	detail := ""
	var er errorResponse
	if json.Unmarshal(resp.Body, &er) == nil && len(er.Errors) > 0 {
		detail = ": " + er.Errors[0].Detail
	}
	switch {
	case resp.Status == http.StatusUnauthorized || resp.Status == http.StatusForbidden:
		return fmt.Sprintf("AbuseIPDB rejected the API key (HTTP %d)%s; check the key reference", resp.Status, detail)
	case resp.Status == http.StatusTooManyRequests:
		msg := "AbuseIPDB rate limit or daily quota exceeded (HTTP 429)" + detail
		if resp.RetryAfter > 0 {
			msg += fmt.Sprintf("; retry after %s", resp.RetryAfter)
		}
		return msg
	case resp.Status >= 500:
		return fmt.Sprintf("AbuseIPDB is unavailable (HTTP %d)%s", resp.Status, detail)
	default:
		return fmt.Sprintf("AbuseIPDB rejected the check (HTTP %d)%s", resp.Status, detail)
	}
}
