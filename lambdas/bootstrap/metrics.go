//go:build !noapprovals

package main

import (
	"encoding/json"
	"io"
	"os"
	"time"

	"github.com/secamo/orchestrator/approvals"
)

// writeMetric writes how long approvals stay pending past their expiry as one log line in
// CloudWatch's embedded metric format. CloudWatch Logs creates the metric that the stack's alarm watches
// from it, so the function needs no permission beyond writing its logs.
func writeMetric(w io.Writer, tenant string, age time.Duration, now time.Time) error {
	line := map[string]any{
		"_aws": map[string]any{
			"Timestamp": now.UnixMilli(),
			"CloudWatchMetrics": []any{map[string]any{
				"Namespace":  approvals.MetricNamespace,
				"Dimensions": [][]string{{approvals.MetricDimensionTenant}},
				"Metrics":    []any{map[string]any{"Name": approvals.MetricOverduePending, "Unit": "Seconds"}},
			}},
		},
		approvals.MetricDimensionTenant: tenant,
		approvals.MetricOverduePending:  age.Seconds(),
	}
	return json.NewEncoder(w).Encode(line)
}

// stdout returns the writer of the function's metrics: standard output, which Lambda sends
// to the function's log group, or the runtime's own writer in tests.
func (rt *runtime) stdout() io.Writer {
	if rt.metrics != nil {
		return rt.metrics
	}
	return os.Stdout
}
