// Package rules holds the routing rules, written once as JSON files in this directory and
// embedded, so the CDK stack creates EventBridge rules from the same patterns the local router
// evaluates.
//
// A rule on the default bus matches the source event as AWS publishes it (GuardDuty, Security
// Hub). A rule on the tenant bus matches a canonical event (events.Envelope). A Security Hub
// event carries several findings, so the router matches each finding on its own. The
// package does not start executions; see package ingest.
package rules

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"regexp"
	"sort"

	"github.com/secamo/orchestrator/events/pattern"
)

// Buses a rule can name.
const (
	// BusDefault is the AWS account's default event bus, where GuardDuty and Security Hub
	// publish.
	BusDefault = "default"
	// BusTenant is the tenant's own bus, where canonical events are published.
	BusTenant = "tenant"
)

// Rule routes matching events to a workflow.
type Rule struct {
	// Name is unique and is the EventBridge rule name's suffix.
	Name        string `json:"name"`
	Description string `json:"description"`
	// Bus is BusDefault or BusTenant.
	Bus string `json:"bus"`
	// Workflow is the state machine to start, by ASL file name without extension.
	Workflow string `json:"workflow"`
	// EventPattern is the EventBridge event pattern, as written.
	EventPattern json.RawMessage `json:"eventPattern"`

	pattern *pattern.Pattern
}

// Pattern returns the compiled event pattern.
func (r Rule) Pattern() *pattern.Pattern { return r.pattern }

//go:embed *.json
var files embed.FS

var all []Rule

func init() {
	rules, err := Load(files)
	if err != nil {
		// The files are embedded at build time and checked by tests, so this is a build defect.
		panic(err)
	}
	all = rules
}

// All returns the embedded rules, sorted by name.
func All() []Rule {
	return append([]Rule(nil), all...)
}

var namePattern = regexp.MustCompile(`^[a-z][a-z0-9-]{1,63}$`)

// Load reads and validates every *.json rule file at the root of fsys.
func Load(fsys fs.FS) ([]Rule, error) {
	names, err := fs.Glob(fsys, "*.json")
	if err != nil {
		return nil, err
	}
	seen := map[string]string{}
	var out []Rule
	for _, file := range names {
		data, err := fs.ReadFile(fsys, file)
		if err != nil {
			return nil, err
		}
		r, err := Parse(data)
		if err != nil {
			return nil, fmt.Errorf("rule file %s: %w", file, err)
		}
		if other, dup := seen[r.Name]; dup {
			return nil, fmt.Errorf("rule file %s: name %q is already used by %s", file, r.Name, other)
		}
		seen[r.Name] = file
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// Parse decodes and validates one rule.
func Parse(data []byte) (Rule, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var r Rule
	if err := dec.Decode(&r); err != nil {
		return Rule{}, fmt.Errorf("invalid rule: %w", err)
	}
	if !namePattern.MatchString(r.Name) {
		return Rule{}, fmt.Errorf("invalid rule name %q: use 2 to 64 lowercase letters, digits and hyphens", r.Name)
	}
	if r.Bus != BusDefault && r.Bus != BusTenant {
		return Rule{}, fmt.Errorf("rule %s: invalid bus %q: use %q or %q", r.Name, r.Bus, BusDefault, BusTenant)
	}
	if !namePattern.MatchString(r.Workflow) {
		return Rule{}, fmt.Errorf("rule %s: invalid workflow name %q", r.Name, r.Workflow)
	}
	p, err := pattern.Compile(r.EventPattern)
	if err != nil {
		return Rule{}, fmt.Errorf("rule %s: %w", r.Name, err)
	}
	r.pattern = p
	return r, nil
}
