// Package conformance replays executions recorded against AWS Step Functions on the local
// engine and compares the results: final status, output as parsed JSON with the recording's
// placeholders as wildcards, error name and cause, and the sequence of history event types.
//
// A case file holds one JSON object per line (the format of the LocalStack-derived AWS
// recordings): id, tier, area, features, definition, input, expected and history_event_types.
package conformance

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
	"time"
)

// Case is one recorded execution.
type Case struct {
	ID         string          `json:"id"`
	Tier       string          `json:"tier"`
	Area       string          `json:"area"`
	Features   []string        `json:"features"`
	Definition json.RawMessage `json:"definition"`
	// Input is the exact input AWS received; nil means none was sent and AWS used {}.
	Input             *string  `json:"input"`
	Expected          Expected `json:"expected"`
	HistoryEventTypes []string `json:"history_event_types"`
	TaskResources     []string `json:"task_resources"`
	Lambdas           []Lambda `json:"lambdas_created_by_test"`

	ExpectedHasPlaceholders bool `json:"expected_has_placeholders"`
	InputVariesBetweenRuns  bool `json:"input_varies_between_runs"`
	UsesMapRun              bool `json:"uses_map_run"`
	HistoryNormalizedByTest bool `json:"history_normalized_by_test"`
}

// Expected is the recorded result of a case.
type Expected struct {
	Status          string  `json:"status"`
	Output          any     `json:"output"`
	OutputIsRawText bool    `json:"output_is_raw_text"`
	Error           *string `json:"error"`
	Cause           any     `json:"cause"`
}

// Lambda is a function the recording deployed and the handler file it ran.
type Lambda struct {
	FuncName    string `json:"func_name"`
	HandlerFile string `json:"handler_file"`
}

// Load reads a case file.
func Load(path string) ([]Case, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("opening case file: %w", err)
	}
	defer f.Close()
	var cases []Case
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<20), 64<<20)
	line := 0
	for sc.Scan() {
		line++
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var c Case
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			return nil, fmt.Errorf("%s:%d: invalid case: %w", path, line, err)
		}
		cases = append(cases, c)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	return cases, nil
}

var timestampPattern = regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)`)

// RecordingTime returns the moment the recording ran: the earliest timestamp in the inputs of
// the cases marked input_varies_between_runs, whose inputs held "now + n seconds". Replaying
// those cases on a clock set to it reproduces their waits. It returns the zero time when no
// case has one.
func RecordingTime(cases []Case) time.Time {
	var times []time.Time
	for _, c := range cases {
		if !c.InputVariesBetweenRuns || c.Input == nil {
			continue
		}
		for _, s := range timestampPattern.FindAllString(*c.Input, -1) {
			if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
				times = append(times, t)
			}
		}
	}
	if len(times) == 0 {
		return time.Time{}
	}
	sort.Slice(times, func(i, j int) bool { return times[i].Before(times[j]) })
	return times[0]
}
