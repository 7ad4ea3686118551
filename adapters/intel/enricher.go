package intel

import (
	"context"
	"sync"
)

// Source is one threat-intelligence service. Lookup never fails: a service that returns
// no score gives a Result with Unavailable set.
type Source interface {
	Name() string
	Lookup(ctx context.Context, indicator string) Result
}

// Enricher looks up indicators in several sources at once. Each source's own gate keeps its
// requests within that service's rate limit, so the concurrency here only bounds the number
// of lookups in flight.
type Enricher struct {
	sources     []Source
	concurrency int
}

// NewEnricher returns an Enricher over the sources that runs at most concurrency lookups at
// once (4 when concurrency is below 1).
func NewEnricher(concurrency int, sources ...Source) *Enricher {
	if concurrency < 1 {
		concurrency = 4
	}
	return &Enricher{sources: sources, concurrency: concurrency}
}

// Enrich returns one result per distinct indicator and source, ordered by the indicator's
// first position in the list and then by the sources' order. Indicators that differ only in
// case or form (such as "Example.com." and "example.com") are looked up once.
func (e *Enricher) Enrich(ctx context.Context, indicators []string) []Result {
	var unique []string
	seen := map[string]bool{}
	for _, ind := range indicators {
		_, canon := Classify(ind)
		if !seen[canon] {
			seen[canon] = true
			unique = append(unique, canon)
		}
	}

	results := make([]Result, len(unique)*len(e.sources))
	slots := make(chan struct{}, e.concurrency)
	var wg sync.WaitGroup
	for i, ind := range unique {
		for j, src := range e.sources {
			wg.Go(func() {
				slots <- struct{}{}
				defer func() { <-slots }()
				results[i*len(e.sources)+j] = src.Lookup(ctx, ind)
			})
		}
	}
	wg.Wait()
	return results
}

// Precheck classifies the indicator and returns a skipped result when the source must not
// look it up: a kind the source does not support, a string that is no indicator, or an
// address in a special-purpose range. Otherwise skipped is nil and canon is the canonical
// indicator to send.
func Precheck(source, indicator string, supported ...Kind) (kind Kind, canon string, skipped *Result) {
	kind, canon = Classify(indicator)
	if kind == KindUnknown {
		r := Skip(source, indicator, kind, "not an IP address, domain or MD5/SHA-1/SHA-256 hash")
		return kind, canon, &r
	}
	ok := false
	for _, k := range supported {
		ok = ok || k == kind
	}
	if !ok {
		r := Skip(source, canon, kind, source+" does not look up indicators of kind "+string(kind))
		return kind, canon, &r
	}
	if kind == KindIP {
		if reason := SkipReason(mustParseAddr(canon)); reason != "" {
			r := Skip(source, canon, kind, reason)
			return kind, canon, &r
		}
	}
	return kind, canon, nil
}
