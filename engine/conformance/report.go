package conformance

import (
	"fmt"
	"io"
	"sort"
	"text/tabwriter"
)

// Tally counts the results of a group of cases.
type Tally struct {
	Passed  int `json:"passed"`
	Failed  int `json:"failed"`
	Skipped int `json:"skipped"`
}

// Run counts the cases that ran: passed and failed.
func (t Tally) Run() int { return t.Passed + t.Failed }

// Rate returns the share of the cases that ran which passed, from 0 to 1.
func (t Tally) Rate() float64 {
	if t.Run() == 0 {
		return 0
	}
	return float64(t.Passed) / float64(t.Run())
}

func (t *Tally) add(r Result) {
	switch {
	case r.Skipped:
		t.Skipped++
	case r.Passed:
		t.Passed++
	default:
		t.Failed++
	}
}

// Summary groups results by tier and by feature.
type Summary struct {
	Total     Tally            `json:"total"`
	ByTier    map[string]Tally `json:"by_tier"`
	ByFeature map[string]Tally `json:"by_feature"`
}

// Summarize tallies results.
func Summarize(results []Result) Summary {
	s := Summary{ByTier: map[string]Tally{}, ByFeature: map[string]Tally{}}
	for _, r := range results {
		s.Total.add(r)
		t := s.ByTier[r.Case.Tier]
		t.add(r)
		s.ByTier[r.Case.Tier] = t
		for _, f := range r.Case.Features {
			t := s.ByFeature[f]
			t.add(r)
			s.ByFeature[f] = t
		}
	}
	return s
}

// WriteTable prints the summary as a table by tier and by feature, ending with the line
// "passed N of M", where M counts the cases that ran.
func (s Summary) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "tier\tpassed\tfailed\tskipped\trate\t")
	for _, k := range sortedKeys(s.ByTier) {
		t := s.ByTier[k]
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%.1f%%\t\n", k, t.Passed, t.Failed, t.Skipped, 100*t.Rate())
	}
	fmt.Fprintln(tw, "\t\t\t\t\t")
	fmt.Fprintln(tw, "feature\tpassed\tfailed\tskipped\trate\t")
	for _, k := range sortedKeys(s.ByFeature) {
		t := s.ByFeature[k]
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%.1f%%\t\n", k, t.Passed, t.Failed, t.Skipped, 100*t.Rate())
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "passed %d of %d\n", s.Total.Passed, s.Total.Run())
	return err
}

func sortedKeys(m map[string]Tally) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
