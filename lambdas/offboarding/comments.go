package offboarding

import (
	"fmt"
	"strings"
)

func planComment(t *texts, u Subject, plan Plan) string {
	var b strings.Builder
	fmt.Fprintf(&b, t.planHeader+"\n%s\n", displayName(u), plan.Summary)
	var skipped []PlanItem
	for _, it := range plan.Items {
		if it.SkipReason != "" {
			skipped = append(skipped, it)
			continue
		}
		fmt.Fprintf(&b, "- %s\n", describe(t, it))
	}
	if len(skipped) > 0 {
		fmt.Fprintf(&b, "%s\n", t.skippedHeading)
		for _, it := range skipped {
			fmt.Fprintf(&b, "- %s (%s)\n", describe(t, it), t.skipReason(it))
		}
	}
	return b.String()
}

func resultComment(t *texts, u Subject, v Verification) string {
	var b strings.Builder
	fmt.Fprintf(&b, t.resultHeader+"\n", displayName(u))
	writeOutcomes(&b, t, v.Outcomes)
	return b.String()
}

func failureComment(t *texts, u Subject, reason string, v *Verification) string {
	var b strings.Builder
	who := displayName(u)
	if who == "" {
		who = "?"
	}
	fmt.Fprintf(&b, t.failureHeader+"\n", who, reason)
	if v == nil {
		fmt.Fprintf(&b, "%s\n", t.nothingChanged)
	} else {
		writeOutcomes(&b, t, v.Outcomes)
	}
	fmt.Fprintf(&b, "%s\n", t.escalated)
	return b.String()
}

// writeOutcomes lists the not-done items first, then the verified ones, then the skipped.
func writeOutcomes(b *strings.Builder, t *texts, outcomes []Outcome) {
	groups := []struct {
		heading string
		status  Status
	}{
		{t.notDoneHeading, StatusNotDone},
		{t.doneHeading, StatusVerified},
		{t.skippedHeading, StatusSkipped},
	}
	for _, g := range groups {
		first := true
		for _, o := range outcomes {
			if o.Status != g.status {
				continue
			}
			if first {
				fmt.Fprintf(b, "%s\n", g.heading)
				first = false
			}
			line := "- " + describe(t, o.Item)
			// A verified item's detail only repeats its line ("not a member"), so it is left
			// out. NOTE: the error of a failed item comes from the directory or adapter in
			// English, whatever the tenant's language; skip reasons and findings are translated.
			switch {
			case g.status == StatusSkipped && o.Item.SkipCode != "":
				line += " (" + t.skipReason(o.Item) + ")"
			case g.status == StatusNotDone && o.Found != nil:
				line += " (" + t.finding(*o.Found) + ")"
			case o.Detail != "" && g.status != StatusVerified:
				line += " (" + o.Detail + ")"
			}
			fmt.Fprintf(b, "%s\n", line)
		}
	}
}

func rejectedComment(t *texts, u Subject, d *ApprovalDecision) string {
	approver := "?"
	if d != nil && d.Approver != "" {
		approver = d.Approver
	}
	body := fmt.Sprintf(t.rejected, displayName(u), approver) + "\n"
	if d != nil && d.Comment != "" {
		body += fmt.Sprintf(t.approverComment, d.Comment) + "\n"
	}
	return body
}
