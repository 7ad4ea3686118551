// Package virustotal looks up IP addresses, domains and file hashes in VirusTotal (API v3:
// GET /api/v3/ip_addresses/{ip}, /domains/{domain} and /files/{hash}) and returns the
// normalised intel.Result. The score is the share of engines that flagged the indicator as
// malicious or suspicious in last_analysis_stats. The engine counts, the community
// reputation and a few descriptive attributes go into the details.
//
// Requests carry the API key in the x-apikey header and pass through an intel.Gate whose
// default of 4 requests per minute with a burst of 1 matches the public API. The public API
// also has a daily quota, which the gate cannot see. VirusTotal returns 429
// QuotaExceededError when a minute or daily quota is used up. The lookup then reports the
// service unavailable, unless the response carries a Retry-After short enough to wait for.
// Private and other special-purpose addresses are skipped without a request.
package virustotal

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/time/rate"

	"github.com/secamo/orchestrator/adapters/intel"
	"github.com/secamo/orchestrator/secrets"
)

// Source is the name of the service in results.
const Source = "virustotal"

// DefaultBaseURL is VirusTotal's API v3 root.
const DefaultBaseURL = "https://www.virustotal.com/api/v3"

// Options configures a Client. Only Secrets and KeyRef are needed for the real service.
type Options struct {
	BaseURL    string       // default DefaultBaseURL
	HTTPClient *http.Client // default http.DefaultClient
	Secrets    secrets.Resolver
	KeyRef     secrets.Ref   // reference of the API key, such as secretsmanager:virustotal
	CacheTTL   time.Duration // how long a report is reused (default 6 hours; negative disables)
	// Gate sets the rate limit and retries; a zero Rate takes the public API's 4 per minute.
	Gate   intel.GateOptions
	Logger *slog.Logger // default slog.Default()
}

// Client looks up indicators in VirusTotal. It is safe for concurrent use.
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
	if o.CacheTTL == 0 {
		o.CacheTTL = 6 * time.Hour
	}
	if o.Gate.Rate == 0 {
		o.Gate.Rate = rate.Every(15 * time.Second)
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	gate := intel.NewGate(o.Gate)
	return &Client{opts: o, gate: gate, cache: intel.NewCache(o.CacheTTL, gate.Clock())}
}

// Name returns "virustotal".
func (c *Client) Name() string { return Source }

// collection is the API collection and the web page path of each kind.
var collection = map[intel.Kind]struct{ api, gui string }{
	intel.KindIP:     {"ip_addresses", "ip-address"},
	intel.KindDomain: {"domains", "domain"},
	intel.KindHash:   {"files", "file"},
}

// Lookup fetches the report of one indicator. It never fails: see intel.Result for the
// skipped and unavailable cases. An indicator VirusTotal has never seen gives the verdict
// unknown with score 0.
func (c *Client) Lookup(ctx context.Context, indicator string) intel.Result {
	kind, canon, skipped := intel.Precheck(Source, indicator, intel.KindIP, intel.KindDomain, intel.KindHash)
	if skipped != nil {
		return *skipped
	}
	if r, ok := c.cache.Get(Source, canon); ok {
		return r
	}
	now := c.gate.Clock().Now()
	key, reason := intel.ResolveKey(ctx, c.opts.Secrets, c.opts.KeyRef)
	if key == "" {
		return c.unavailable(canon, kind, now, reason)
	}

	col := collection[kind]
	resp, err := c.gate.Do(ctx, c.opts.HTTPClient, func(ctx context.Context) (*http.Request, error) {
		u := c.opts.BaseURL + "/" + col.api + "/" + url.PathEscape(canon)
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set("x-apikey", key)
		req.Header.Set("Accept", "application/json")
		return req, nil
	})
	now = c.gate.Clock().Now()
	if err != nil {
		return c.unavailable(canon, kind, now, "request to VirusTotal did not complete: "+err.Error())
	}

	link := "https://www.virustotal.com/gui/" + col.gui + "/" + url.PathEscape(canon)
	switch {
	case resp.Status == http.StatusOK:
		r, err := decodeObject(resp.Body)
		if err != nil {
			return c.unavailable(canon, kind, now, err.Error())
		}
		r.Indicator, r.Kind, r.Source, r.Link, r.FetchedAt = canon, kind, Source, link, now
		c.cache.Put(r)
		return r
	case resp.Status == http.StatusNotFound && errorCode(resp.Body) == "NotFoundError":
		r := intel.Result{Indicator: canon, Kind: kind, Source: Source, Verdict: intel.VerdictUnknown,
			Link: link, FetchedAt: now, Reason: "VirusTotal has no report on this indicator"}
		c.cache.Put(r)
		return r
	default:
		return c.unavailable(canon, kind, now, describeFailure(resp))
	}
}

func (c *Client) unavailable(indicator string, kind intel.Kind, at time.Time, reason string) intel.Result {
	c.opts.Logger.Warn("virustotal lookup unavailable", "indicator", indicator, "reason", reason)
	return intel.Unavailable(Source, indicator, kind, at, reason)
}
