package approval

import "context"

// LevelsInput is the ApprovalLevels step's input.
type LevelsInput struct {
	Tenant string `json:"tenant"`
}

// Level is one escalation level as the workflow needs it.
type Level struct {
	Level     int      `json:"level"`
	Approvers []string `json:"approvers"`
	// TimeoutSeconds is for the wait task's TimeoutSecondsPath.
	TimeoutSeconds int64 `json:"timeoutSeconds"`
	// Timeout is the same duration for the request-approval step's timeout field.
	Timeout string `json:"timeout"`
}

// LevelsOutput lists the tenant's escalation levels in order.
type LevelsOutput struct {
	Levels []Level `json:"levels"`
	Count  int     `json:"count"`
}

// Levels returns the tenant's escalation levels, so a workflow can set each wait task's
// TimeoutSecondsPath and see how many levels there are.
func (h *Handler) Levels(ctx context.Context, in LevelsInput) (LevelsOutput, error) {
	cfg, ok := h.Tenants.Tenant(in.Tenant)
	if !ok {
		return LevelsOutput{}, invalid("tenant", "unknown tenant %q: check the workflow's tenant field and the deployed tenant files", in.Tenant)
	}
	out := LevelsOutput{Count: len(cfg.Approvals.Levels)}
	for i, l := range cfg.Approvals.Levels {
		d := l.Timeout.Std()
		out.Levels = append(out.Levels, Level{
			Level: i + 1, Approvers: l.Approvers, TimeoutSeconds: int64(d.Seconds()), Timeout: d.String(),
		})
	}
	if out.Count == 0 {
		return out, &NoApprovers{Tenant: cfg.Name, Level: 1}
	}
	return out, nil
}
