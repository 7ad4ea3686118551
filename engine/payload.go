package engine

import (
	"encoding/json"
	"strings"

	"github.com/secamo/orchestrator/asl"
)

// exceedsPayloadLimit reports whether v encoded as JSON is larger than maxPayloadBytes. It
// measures without encoding.
// NOTE: string escapes are counted as one byte each, so a value just over the limit because of
// escaped characters may pass where AWS rejects it.
func exceedsPayloadLimit(v any) bool {
	return jsonSize(v, maxPayloadBytes) > maxPayloadBytes
}

// jsonSize returns the size of v as compact JSON, or a number above limit as soon as it
// passes limit.
func jsonSize(v any, limit int) int {
	switch x := v.(type) {
	case nil:
		return 4
	case bool:
		return 5
	case float64:
		return 8
	case string:
		return len(x) + 2
	case []any:
		n := 2
		for _, e := range x {
			n += jsonSize(e, limit) + 1
			if n > limit {
				return n
			}
		}
		return n
	case map[string]any:
		n := 2
		for k, e := range x {
			n += len(k) + 4 + jsonSize(e, limit)
			if n > limit {
				return n
			}
		}
		return n
	}
	b, _ := json.Marshal(v)
	return len(b)
}

// stateFieldsForScan lists the fields of st that expressions can appear in; nested
// branches and processors are left out because they are states of their own.
func stateFieldsForScan(st *asl.State) []any {
	fields := []any{st.InputPath, st.OutputPath, st.ResultPath, st.Parameters, st.ResultSelector,
		st.Arguments, st.Output, st.Assign, st.TimeoutSeconds, st.TimeoutSecondsPath,
		st.HeartbeatSeconds, st.HeartbeatSecondsPath, st.Credentials, st.Seconds, st.SecondsPath,
		st.Timestamp, st.TimestampPath, st.ErrorPath, st.CausePath, st.Error, st.Cause,
		st.ItemsPath, st.Items, st.ItemSelector, st.MaxConcurrency, st.MaxConcurrencyPath,
		st.ToleratedFailureCount, st.ToleratedFailureCountPath, st.ToleratedFailurePercentage,
		st.ToleratedFailurePercentagePath, st.ItemBatcher}
	for _, c := range st.Choices {
		fields = append(fields, c.Rule, c.Condition, c.Assign, c.Output)
	}
	for _, c := range st.Catch {
		fields = append(fields, c.Output, c.Assign, c.ResultPath)
	}
	return fields
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
