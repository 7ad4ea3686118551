package rules

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/secamo/orchestrator/events"
	"github.com/secamo/orchestrator/events/normalize"
)

// Decision is the routing outcome of one canonical event.
type Decision struct {
	Result normalize.Result
	// ExecutionName is the name every workflow started for this event runs under.
	ExecutionName string
	// Matched lists the rules whose pattern matches, enabled or not.
	Matched []string
	// Workflows lists the distinct workflows to start, in rule order.
	Workflows []string
	// Reason explains why Workflows is empty.
	Reason string
}

// Router matches canonical events against rules.
type Router struct {
	Rules []Rule
	// Enabled reports whether the tenant enabled a workflow; nil enables every workflow.
	Enabled func(workflow string) bool
}

// Route decides which workflows each normalised event starts.
func (r Router) Route(results []normalize.Result) ([]Decision, error) {
	out := make([]Decision, 0, len(results))
	for _, res := range results {
		d, err := r.route(res)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}

func (r Router) route(res normalize.Result) (Decision, error) {
	d := Decision{Result: res, ExecutionName: events.ExecutionName(res.ID())}
	canonical, err := decode(res.Envelope)
	if err != nil {
		return d, err
	}
	var original any
	if res.Original != nil {
		if original, err = decode(res.Original); err != nil {
			return d, err
		}
	}
	var disabled []string
	for _, rule := range r.Rules {
		view := canonical
		if rule.Bus == BusDefault {
			if original == nil {
				continue
			}
			view = original
		}
		if !rule.pattern.MatchValue(view) {
			continue
		}
		d.Matched = append(d.Matched, rule.Name)
		if r.Enabled != nil && !r.Enabled(rule.Workflow) {
			disabled = append(disabled, rule.Workflow)
			continue
		}
		if !contains(d.Workflows, rule.Workflow) {
			d.Workflows = append(d.Workflows, rule.Workflow)
		}
	}
	if len(d.Workflows) == 0 {
		d.Reason = reason(res, d.Matched, disabled)
	}
	return d, nil
}

func reason(res normalize.Result, matched, disabled []string) string {
	if len(disabled) > 0 {
		return fmt.Sprintf("rule %s matches, but workflow %s is not enabled for the tenant: add it to the tenant file's workflows",
			strings.Join(matched, ", "), strings.Join(disabled, ", "))
	}
	switch {
	case res.Ticket != nil && res.Ticket.Kind == "":
		return fmt.Sprintf("the %s ticket matches none of the tenant's events.tickets rules, so no workflow handles it: "+
			"add a rule whose system and match fields fit it if it should", res.Ticket.System)
	case res.Ticket != nil:
		return fmt.Sprintf("no routing rule handles ticket kind %q", res.Ticket.Kind)
	case res.Alert != nil:
		a := res.Alert
		return fmt.Sprintf("no routing rule matches this %s alert (severity %.1f %s, status %s)", a.Origin, a.Severity, a.SeverityLabel, a.Status)
	}
	return "no routing rule matches"
}

func decode(v any) (any, error) {
	var raw []byte
	switch x := v.(type) {
	case json.RawMessage:
		raw = x
	default:
		b, err := json.Marshal(x)
		if err != nil {
			return nil, fmt.Errorf("encoding event for matching: %w", err)
		}
		raw = b
	}
	var out any
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.UseNumber()
	if err := dec.Decode(&out); err != nil {
		return nil, fmt.Errorf("decoding event for matching: %w", err)
	}
	return out, nil
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
