package offboarding

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/secamo/orchestrator/adapters/identity"
	"github.com/secamo/orchestrator/adapters/ticketing"
	"github.com/secamo/orchestrator/approvals"
	"github.com/secamo/orchestrator/lambdas"
	"github.com/secamo/orchestrator/lambdas/offboarding/fake"
)

// typeName returns the name the Lambda runtime reports for err.
func typeName(err error) string {
	if err == nil {
		return "<nil>"
	}
	t := reflect.TypeOf(err)
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.Name()
}

func TestResolveUserFindsSyncedUser(t *testing.T) {
	w := newWorld(t)
	out := w.resolve(t)
	if out.Ticket != (TicketRef{ID: "101", Key: "HR-101", Subject: "Leaver: Jan Peeters", Requester: "hr@example.com"}) {
		t.Errorf("ticket = %+v", out.Ticket)
	}
	if out.User.Entra == nil || out.User.Entra.ID != fake.JanID {
		t.Errorf("entra user = %+v, want id %s", out.User.Entra, fake.JanID)
	}
	if out.User.AD == nil || out.User.AD.DistinguishedName != fake.JanDN {
		t.Errorf("AD user = %+v, want DN %s", out.User.AD, fake.JanDN)
	}
	if !out.User.Synced {
		t.Error("synced = false, want true")
	}
	if out.User.DisplayName != "Jan Peeters" {
		t.Errorf("display name = %q", out.User.DisplayName)
	}
}

func TestResolveUserErrors(t *testing.T) {
	tests := []struct {
		name    string
		edit    func(w *world)
		in      ResolveInput
		want    string
		message string
	}{
		{"missing ticket id", nil, ResolveInput{}, "InvalidInput", "missing ticketId"},
		{"unknown ticket", nil, ResolveInput{TicketID: "999"}, "TicketNotFound", `"999"`},
		{"empty user field", func(w *world) { w.tickets.Tickets["101"].Fields = nil }, ResolveInput{TicketID: "101"}, "InvalidTicketData", `"udf_user" is empty`},
		{"malformed user", func(w *world) { w.tickets.Tickets["101"].Fields["udf_user"] = "Jan Peeters" }, ResolveInput{TicketID: "101"}, "InvalidTicketData", "invalid user principal name"},
		{"unknown user", nil, ResolveInput{TicketID: "101", UserPrincipalName: "nobody@example.com"}, "UserNotFound", "nobody@example.com"},
		{"synced but not in AD", func(w *world) { delete(w.ad.Users, fake.JanUPN) }, ResolveInput{TicketID: "101"}, "UserNotFound", "synchronised from AD but not found"},
		{"no field mapping", func(w *world) { w.steps.Tenant.Ticketing.Fields = nil }, ResolveInput{TicketID: "101"}, "NotConfigured", "ticketing.fields.user"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			if tt.edit != nil {
				tt.edit(w)
			}
			_, err := w.steps.ResolveUser(context.Background(), tt.in)
			if got := typeName(err); got != tt.want {
				t.Fatalf("error type = %s (%v), want %s", got, err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.message) {
				t.Errorf("error %q does not contain %q", err, tt.message)
			}
		})
	}
}

func TestResolveUserCloudOnly(t *testing.T) {
	w := newWorld(t)
	w.entra.Users[fake.JanID].OnPremisesSyncEnabled = false
	delete(w.ad.Users, fake.JanUPN)
	out := w.resolve(t)
	if out.User.Synced || out.User.AD != nil {
		t.Errorf("user = %+v, want cloud-only", out.User)
	}
}

func TestCheckExclusions(t *testing.T) {
	tests := []struct {
		name   string
		edit   func(w *world)
		reason string // empty: not excluded
	}{
		{"ordinary user", nil, ""},
		{"break-glass", func(w *world) {
			w.steps.Tenant.Exclusions.BreakGlass = append(w.steps.Tenant.Exclusions.BreakGlass, fake.JanUPN)
		}, "break-glass account"},
		{"vip ignores case", func(w *world) {
			w.steps.Tenant.Exclusions.VIPUsers = []string{"JAN.PEETERS@EXAMPLE.COM"}
		}, "VIP user"},
		{"protected Entra group", func(w *world) {
			w.entra.MembershipsOf[fake.JanID] = append(w.entra.MembershipsOf[fake.JanID], identity.Membership{ID: "g-t0", DisplayName: "Tier0 Admins"})
		}, `protected group "Tier0 Admins"`},
		{"protected AD group", func(w *world) {
			w.ad.GroupsOf[fake.JanUPN] = append(w.ad.GroupsOf[fake.JanUPN], identity.Membership{ID: "CN=Domain Admins,CN=Users,DC=example,DC=local", DisplayName: "domain admins"})
		}, `protected group "domain admins"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			if tt.edit != nil {
				tt.edit(w)
			}
			r := w.resolve(t)
			out, err := w.steps.CheckExclusions(context.Background(), ExclusionsInput{User: r.User})
			if tt.reason == "" {
				if err != nil {
					t.Fatalf("CheckExclusions: %v", err)
				}
				if len(out.Checked) != 3 {
					t.Errorf("checked = %v, want 3 checks", out.Checked)
				}
				return
			}
			var excluded *ExcludedAccount
			if !errors.As(err, &excluded) {
				t.Fatalf("error = %v, want *ExcludedAccount", err)
			}
			if !strings.Contains(excluded.Reason, tt.reason) {
				t.Errorf("reason %q does not contain %q", excluded.Reason, tt.reason)
			}
		})
	}
}

func TestBuildPlanItems(t *testing.T) {
	w := newWorld(t)
	_, p := w.plan(t)
	type row struct {
		kind ItemKind
		id   string
		skip bool
	}
	want := []row{
		{KindEntraAccount, fake.JanID, true},
		{KindSessions, fake.JanID, false},
		{KindGroup, "g-sales", false},
		{KindGroup, "g-m365", false},
		{KindGroup, "g-all", true},
		{KindGroup, "g-vpn", true},
		{KindLicense, "sku-visio", false},
		{KindLicense, "sku-e3", true},
		{KindADAccount, fake.JanDN, false},
		{KindADGroup, "CN=VPN users,OU=Groups,DC=example,DC=local", false},
		{KindAccessKey, "AKIAJAN1", false},
	}
	if len(p.Items) != len(want) {
		t.Fatalf("plan has %d items, want %d: %+v", len(p.Items), len(want), p.Items)
	}
	for i, w := range want {
		got := p.Items[i]
		if got.Kind != w.kind || got.ID != w.id || (got.SkipReason != "") != w.skip {
			t.Errorf("item %d = %+v, want %+v", i, got, w)
		}
	}
	if p.Items[8].Target != fake.OffOU {
		t.Errorf("AD account target = %q, want %q", p.Items[8].Target, fake.OffOU)
	}
	if !strings.Contains(p.Items[7].SkipReason, `"M365 E3 users"`) {
		t.Errorf("group licence skip reason = %q, want the group's name", p.Items[7].SkipReason)
	}
}

func TestBuildPlanSummaryAndApproval(t *testing.T) {
	w := newWorld(t)
	_, p := w.plan(t)
	want := "Disable the account of Jan Peeters, revoke its sign-in sessions, remove 3 memberships, remove 1 licence, deactivate 1 AWS access key and disable the AD account and move it to " + fake.OffOU + "."
	if p.Summary != want {
		t.Errorf("summary =\n%s\nwant\n%s", p.Summary, want)
	}
	if p.Approval.First.TimeoutSeconds != 4*3600 || p.Approval.Second.TimeoutSeconds != 20*3600 {
		t.Errorf("approval timeouts = %d, %d", p.Approval.First.TimeoutSeconds, p.Approval.Second.TimeoutSeconds)
	}
	if got := p.Approval.Second.Approvers; len(got) != 1 || got[0] != "cio@example.com" {
		t.Errorf("second approvers = %v", got)
	}
	if p.Approval.First.Timeout != "4h0m0s" || p.Approval.Tenant != "example" || p.Approval.Requester != "hr@example.com" {
		t.Errorf("approval request = %+v", p.Approval)
	}
	if p.Approval.Reason != "HR-101 Leaver: Jan Peeters" {
		t.Errorf("approval reason = %q", p.Approval.Reason)
	}
}

func TestBuildPlanSummaryInDutch(t *testing.T) {
	w := newWorld(t)
	w.steps.Tenant.Locale = "nl"
	_, p := w.plan(t)
	if !strings.HasPrefix(p.Summary, "Het account van Jan Peeters uitschakelen, de aanmeldsessies intrekken, 3 lidmaatschappen verwijderen") {
		t.Errorf("Dutch summary = %q", p.Summary)
	}
}

func TestBuildPlanOneApprovalLevel(t *testing.T) {
	w := newWorld(t)
	w.steps.Tenant.Approvals.Levels = w.steps.Tenant.Approvals.Levels[:1]
	_, p := w.plan(t)
	if !reflect.DeepEqual(p.Approval.First, p.Approval.Second) {
		t.Errorf("second level %+v, want the first level again %+v", p.Approval.Second, p.Approval.First)
	}
}

func TestChangeStepsAreIdempotent(t *testing.T) {
	w := newWorld(t)
	r, p := w.plan(t)
	first := w.applyAll(t, r, p)
	changed := 0
	for _, out := range first {
		for _, o := range out.Outcomes {
			if o.Status == StatusFailed {
				t.Errorf("first run: %s %s failed: %s", o.Item.Kind, o.Item.ID, o.Detail)
			}
			if o.Status == StatusChanged {
				changed++
			}
		}
	}
	if changed != 7 {
		t.Errorf("first run changed %d items, want 7", changed)
	}
	if w.ad.Passwords["ad-guid"] != 1 {
		t.Errorf("password resets = %d, want 1", w.ad.Passwords["ad-guid"])
	}

	for _, out := range w.applyAll(t, r, p) {
		for _, o := range out.Outcomes {
			if o.Item.Kind == KindSessions {
				continue // revoking again is harmless and cannot be detected
			}
			if o.Status != StatusAlreadyDone && o.Status != StatusSkipped {
				t.Errorf("second run: %s %s = %s, want alreadyDone", o.Item.Kind, o.Item.ID, o.Status)
			}
		}
	}
	if got := w.ad.Users[fake.JanUPN].DistinguishedName; got != "CN=Jan Peeters,"+fake.OffOU {
		t.Errorf("AD DN = %q, want it in %s", got, fake.OffOU)
	}
	if w.ad.Stamps["ad-guid"] != "HR-101" {
		t.Errorf("AD description stamps = %v, want HR-101", w.ad.Stamps)
	}
}

func TestDisableEntraUserCloudOnly(t *testing.T) {
	w := newWorld(t)
	w.entra.Users[fake.JanID].OnPremisesSyncEnabled = false
	delete(w.ad.Users, fake.JanUPN)
	r, p := w.plan(t)
	in := ChangeInput{User: r.User, Items: p.Items, Ticket: r.Ticket}
	out, err := w.steps.DisableEntraUser(context.Background(), in)
	if err != nil {
		t.Fatalf("DisableEntraUser: %v", err)
	}
	if len(out.Outcomes) != 1 || out.Outcomes[0].Status != StatusChanged {
		t.Fatalf("outcomes = %+v, want one changed", out.Outcomes)
	}
	out, err = w.steps.DisableEntraUser(context.Background(), in)
	if err != nil || out.Outcomes[0].Status != StatusAlreadyDone || out.Outcomes[0].Detail != "account already disabled" {
		t.Errorf("second run = %+v, %v; want already disabled", out.Outcomes, err)
	}
}

func TestGroupThatCannotBeRemoved(t *testing.T) {
	w := newWorld(t)
	w.entra.FailRemove["g-sales"] = &identity.PermissionDenied{Operation: "removing a member of Sales", Detail: "Insufficient privileges to complete the operation."}
	r, p := w.plan(t)
	out, err := w.steps.RemoveGroupMemberships(context.Background(), ChangeInput{User: r.User, Items: p.Items, Ticket: r.Ticket})
	if err != nil {
		t.Fatalf("RemoveGroupMemberships: %v", err)
	}
	statuses := map[string]Status{}
	for _, o := range out.Outcomes {
		statuses[o.Item.ID] = o.Status
		if o.Item.ID == "g-sales" && o.ErrorName != "PermissionDenied" {
			t.Errorf("failed item error name = %q, want PermissionDenied", o.ErrorName)
		}
	}
	if statuses["g-sales"] != StatusFailed || statuses["g-m365"] != StatusChanged {
		t.Errorf("statuses = %v, want g-sales failed and g-m365 changed", statuses)
	}

	w.applyAll(t, r, p)
	_, err = w.steps.VerifyOffboarding(context.Background(), VerifyInput{User: r.User, Plan: p})
	var inc *OffboardingIncomplete
	if !errors.As(err, &inc) {
		t.Fatalf("VerifyOffboarding error = %v, want *OffboardingIncomplete", err)
	}
	if len(inc.Items) != 1 || !strings.Contains(inc.Items[0], `group "Sales": still a member`) {
		t.Errorf("incomplete items = %v, want only the Sales group", inc.Items)
	}
}

func TestThrottledRemovalStopsStep(t *testing.T) {
	w := newWorld(t)
	w.entra.FailRemove["g-sales"] = &identity.Throttled{}
	r, p := w.plan(t)
	_, err := w.steps.RemoveGroupMemberships(context.Background(), ChangeInput{User: r.User, Items: p.Items, Ticket: r.Ticket})
	if got := typeName(err); got != "Throttled" {
		t.Errorf("error type = %s (%v), want Throttled", got, err)
	}
}

func TestVerifyComplete(t *testing.T) {
	w := newWorld(t)
	r, p := w.plan(t)
	w.applyAll(t, r, p)
	v, err := w.steps.VerifyOffboarding(context.Background(), VerifyInput{User: r.User, Plan: p})
	if err != nil {
		t.Fatalf("VerifyOffboarding: %v", err)
	}
	if !v.Complete {
		t.Error("complete = false")
	}
	counts := map[Status]int{}
	for _, o := range v.Outcomes {
		counts[o.Status]++
	}
	if counts[StatusVerified] != 7 || counts[StatusSkipped] != 4 {
		t.Errorf("statuses = %v, want 7 verified and 4 skipped", counts)
	}
}

func TestVerifyDetectsUnrevokedSessions(t *testing.T) {
	w := newWorld(t)
	r, p := w.plan(t)
	w.applyAll(t, r, p)
	w.entra.ValidFrom[fake.JanID] = p.CreatedAt.Truncate(time.Second).Add(-time.Second)
	_, err := w.steps.VerifyOffboarding(context.Background(), VerifyInput{User: r.User, Plan: p})
	if err == nil || !strings.Contains(err.Error(), "before the plan") {
		t.Errorf("error = %v, want sessions not revoked", err)
	}
}

func TestVerifySessionsRevokedInPlanSecond(t *testing.T) {
	w := newWorld(t)
	r, p := w.plan(t)
	w.applyAll(t, r, p)
	// Graph returns whole seconds: a revocation in the plan's own second reads back as the
	// start of that second.
	p.CreatedAt = p.CreatedAt.Truncate(time.Second).Add(700 * time.Millisecond)
	w.entra.ValidFrom[fake.JanID] = p.CreatedAt.Truncate(time.Second)
	v, err := w.steps.VerifyOffboarding(context.Background(), VerifyInput{User: r.User, Plan: p})
	if err != nil {
		t.Fatalf("VerifyOffboarding: %v", err)
	}
	if !v.Complete {
		t.Error("complete = false, want the same-second revocation verified")
	}
}

func TestCommentOnTicket(t *testing.T) {
	w := newWorld(t)
	r, p := w.plan(t)
	ctx := context.Background()
	if _, err := w.steps.CommentOnTicket(ctx, CommentInput{Kind: CommentPlan, Ticket: r.Ticket, User: r.User, Plan: p}); err != nil {
		t.Fatalf("plan comment: %v", err)
	}
	body := w.tickets.Comments[0].Body
	for _, want := range []string{"dry run: nothing was changed", "Remove from group Sales", "Not changed:", "Remove from group All staff (dynamic group"} {
		if !strings.Contains(body, want) {
			t.Errorf("plan comment does not contain %q:\n%s", want, body)
		}
	}

	_, err := w.steps.CommentOnTicket(ctx, CommentInput{Kind: CommentResult, Ticket: r.Ticket, User: r.User, Plan: p})
	if got := typeName(err); got != "OffboardingIncomplete" {
		t.Errorf("result without verification: error type %s, want OffboardingIncomplete", got)
	}

	_, err = w.steps.CommentOnTicket(ctx, CommentInput{Kind: "summary", Ticket: r.Ticket})
	if got := typeName(err); got != "InvalidInput" {
		t.Errorf("unknown kind: error type %s, want InvalidInput", got)
	}
}

func TestCommentRejectedInFrench(t *testing.T) {
	w := newWorld(t)
	w.steps.Tenant.Locale = "fr"
	r, p := w.plan(t)
	in := CommentInput{Kind: CommentRejected, Ticket: r.Ticket, User: r.User, Plan: p,
		Approval: &ApprovalDecision{Decision: "reject", Approver: "it-manager@example.com", Comment: "il reste jusqu'en mars"}}
	if _, err := w.steps.CommentOnTicket(context.Background(), in); err != nil {
		t.Fatalf("CommentOnTicket: %v", err)
	}
	body := w.tickets.Comments[0].Body
	if !strings.Contains(body, "Le départ de Jan Peeters a été refusé par it-manager@example.com") {
		t.Errorf("comment = %q", body)
	}
	if !strings.Contains(body, "il reste jusqu'en mars") {
		t.Errorf("comment %q lacks the approver's comment", body)
	}
}

func TestResultCommentAndResolve(t *testing.T) {
	w := newWorld(t)
	r, p := w.plan(t)
	w.applyAll(t, r, p)
	ctx := context.Background()
	v, err := w.steps.VerifyOffboarding(ctx, VerifyInput{User: r.User, Plan: p})
	if err != nil {
		t.Fatalf("VerifyOffboarding: %v", err)
	}
	if _, err := w.steps.CommentOnTicket(ctx, CommentInput{Kind: CommentResult, Ticket: r.Ticket, User: r.User, Plan: p, Verification: &v}); err != nil {
		t.Fatalf("CommentOnTicket: %v", err)
	}
	body := w.tickets.Comments[0].Body
	if !strings.Contains(body, "Done and verified:\n- Revoke the sign-in sessions") || strings.Contains(body, "Not done:") {
		t.Errorf("result comment:\n%s", body)
	}
	if _, err := w.steps.ResolveTicket(ctx, ResolveTicketInput{Ticket: r.Ticket, User: r.User, Verification: &v}); err != nil {
		t.Fatalf("ResolveTicket: %v", err)
	}
	if note := w.tickets.Resolved["101"]; note != "Jan Peeters has been offboarded; every change was verified." {
		t.Errorf("resolve note = %q", note)
	}
}

func TestResolveTicketRefusesUnverified(t *testing.T) {
	w := newWorld(t)
	r := w.resolve(t)
	_, err := w.steps.ResolveTicket(context.Background(), ResolveTicketInput{Ticket: r.Ticket, User: r.User, Verification: &Verification{Complete: false}})
	if got := typeName(err); got != "OffboardingIncomplete" {
		t.Errorf("error type = %s, want OffboardingIncomplete", got)
	}
	if len(w.tickets.Resolved) != 0 {
		t.Errorf("ticket resolved: %v", w.tickets.Resolved)
	}
}

func TestReportFailureAfterApproval(t *testing.T) {
	w := newWorld(t)
	w.entra.FailRemove["g-sales"] = &identity.PermissionDenied{Operation: "removing a member", Detail: "Insufficient privileges"}
	r, p := w.plan(t)
	w.applyAll(t, r, p)
	state := State{
		TicketID: "101", Subject: &r, Plan: &p,
		Approval: json.RawMessage(`{"decision":"approve","approver":"it-manager@example.com"}`),
		Error:    &StateError{Error: "OffboardingIncomplete", Cause: `{"errorMessage":"offboarding incomplete: 1 planned changes not in place","errorType":"OffboardingIncomplete"}`},
	}
	out, err := w.steps.ReportFailure(context.Background(), state)
	if err != nil {
		t.Fatalf("ReportFailure: %v", err)
	}
	if !out.Commented || !out.Escalated {
		t.Errorf("output = %+v, want commented and escalated", out)
	}
	body := w.tickets.Comments[0].Body
	for _, want := range []string{
		"did not complete: not every planned change is in place (OffboardingIncomplete)",
		"Not done:\n- Remove from group Sales (still a member)",
		"Done and verified:",
		"An engineer has been asked",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("failure comment does not contain %q:\n%s", want, body)
		}
	}
	if len(w.escalator.Got) != 1 || w.escalator.Got[0].Ticket.ID != "101" {
		t.Errorf("escalations = %+v", w.escalator.Got)
	}
}

func TestReportFailureBeforeApproval(t *testing.T) {
	w := newWorld(t)
	state := State{TicketID: "101", Error: &StateError{Error: "States.Timeout"}}
	if _, err := w.steps.ReportFailure(context.Background(), state); err != nil {
		t.Fatalf("ReportFailure: %v", err)
	}
	body := w.tickets.Comments[0].Body
	if !strings.Contains(body, "no approval within the time limit") || !strings.Contains(body, "Nothing was changed.") {
		t.Errorf("comment = %q", body)
	}
}

func TestReportFailureSurvivesCommentError(t *testing.T) {
	w := newWorld(t)
	w.tickets.Err = &ticketing.Throttled{}
	out, err := w.steps.ReportFailure(context.Background(), State{TicketID: "101", Error: &StateError{Error: "UserNotFound"}})
	if err != nil {
		t.Fatalf("ReportFailure: %v", err)
	}
	if out.Commented || !out.Escalated {
		t.Errorf("output = %+v, want escalated without comment", out)
	}
}

func TestRecordEvidence(t *testing.T) {
	w := newWorld(t)
	r, p := w.plan(t)
	w.applyAll(t, r, p)
	v, err := w.steps.VerifyOffboarding(context.Background(), VerifyInput{User: r.User, Plan: p})
	if err != nil {
		t.Fatalf("VerifyOffboarding: %v", err)
	}
	out, err := w.steps.RecordEvidence(context.Background(), EvidenceInput{Ticket: r.Ticket, User: r.User, Plan: p, Verification: v, Approval: json.RawMessage(`{"decision":"approve"}`)})
	if err != nil {
		t.Fatalf("RecordEvidence: %v", err)
	}
	if !strings.HasSuffix(out.Location, "example/user-offboarding/101.json") {
		t.Errorf("location = %q", out.Location)
	}
	data, err := os.ReadFile(out.Location)
	if err != nil {
		t.Fatalf("reading evidence: %v", err)
	}
	var doc EvidenceDocument
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("decoding evidence: %v", err)
	}
	if doc.Found.UserPrincipalName != fake.JanUPN || !doc.Verification.Complete || len(doc.Plan.Items) != 11 {
		t.Errorf("evidence = %+v", doc)
	}
}

func TestRegisteredStepsKeepErrorNames(t *testing.T) {
	w := newWorld(t)
	w.steps.Tenant.Exclusions.VIPUsers = []string{fake.JanUPN}
	reg := lambdas.Registry{}
	w.steps.Register(reg)
	r := w.resolve(t)
	payload, err := json.Marshal(ExclusionsInput{User: r.User})
	if err != nil {
		t.Fatal(err)
	}
	h, err := reg.Lookup("CheckExclusions")
	if err != nil {
		t.Fatal(err)
	}
	_, err = h(context.Background(), payload)
	if got := typeName(err); got != "ExcludedAccount" {
		t.Errorf("error type = %s (%v), want ExcludedAccount", got, err)
	}
	_, err = h(context.Background(), json.RawMessage(`{"usr":{}}`))
	if got := typeName(err); got != "InvalidInput" {
		t.Errorf("unknown field: error type = %s, want InvalidInput", got)
	}
}

func TestApprovalDecisionMatchesApprovalsResult(t *testing.T) {
	result := approvals.Result{Decision: approvals.Approve, Approver: "it-manager@example.com", Comment: "ok", Level: 1, Via: "link", ApprovalID: "a1"}
	data, err := json.Marshal(result)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	var d ApprovalDecision
	if err := dec.Decode(&d); err != nil {
		t.Fatalf("approvals.Result does not decode strictly into ApprovalDecision: %v", err)
	}
	if !approved(data) {
		t.Error("approved(approve decision) = false")
	}
}

func TestGuestSessionsSkipped(t *testing.T) {
	w := newWorld(t)
	w.entra.Users[fake.JanID].UserType = "Guest"
	r, p := w.plan(t)
	if p.Items[1].Kind != KindSessions || p.Items[1].SkipReason == "" {
		t.Fatalf("sessions item = %+v, want skipped for a guest", p.Items[1])
	}
	out, err := w.steps.RevokeSessions(context.Background(), ChangeInput{User: r.User, Items: p.Items, Ticket: r.Ticket})
	if err != nil {
		t.Fatalf("RevokeSessions: %v", err)
	}
	if len(out.Outcomes) != 1 || out.Outcomes[0].Status != StatusSkipped {
		t.Errorf("outcomes = %+v, want one skipped", out.Outcomes)
	}
}

func TestRemoveLicensesReportsEachSKU(t *testing.T) {
	w := newWorld(t)
	r, p := w.plan(t)
	in := ChangeInput{User: r.User, Items: p.Items, Ticket: r.Ticket}
	out, err := w.steps.RemoveLicenses(context.Background(), in)
	if err != nil {
		t.Fatalf("RemoveLicenses: %v", err)
	}
	got := map[string]Status{}
	for _, o := range out.Outcomes {
		got[o.Item.ID] = o.Status
	}
	if got["sku-visio"] != StatusChanged || got["sku-e3"] != StatusSkipped {
		t.Errorf("statuses = %v, want sku-visio changed and sku-e3 skipped", got)
	}
	out, err = w.steps.RemoveLicenses(context.Background(), in)
	if err != nil || out.Outcomes[0].Status != StatusAlreadyDone {
		t.Errorf("second run = %+v, %v; want sku-visio alreadyDone", out.Outcomes, err)
	}
}

func TestInOU(t *testing.T) {
	tests := []struct {
		dn, ou string
		want   bool
	}{
		{"CN=Jan Peeters,OU=Disabled Users,DC=example,DC=local", fake.OffOU, true},
		{`CN=Peeters\, Jan,OU=Disabled Users,DC=example,DC=local`, fake.OffOU, true},
		{"cn=jan,ou=disabled users,dc=example,dc=local", fake.OffOU, true},
		{"CN=Jan Peeters,OU=Staff,DC=example,DC=local", fake.OffOU, false},
		{"CN=Jan Peeters,OU=Sub,OU=Disabled Users,DC=example,DC=local", fake.OffOU, false},
		{`CN=Peeters\, Jan`, fake.OffOU, false},
		{"", fake.OffOU, false},
	}
	for _, tt := range tests {
		if got := inOU(tt.dn, tt.ou); got != tt.want {
			t.Errorf("inOU(%q, %q) = %v, want %v", tt.dn, tt.ou, got, tt.want)
		}
	}
}

func TestDescribeNamesDirectoryRoles(t *testing.T) {
	item := PlanItem{Kind: KindGroup, ID: "r1", Name: "User Administrator", Membership: identity.KindDirectoryRole}
	tests := map[string]string{
		"en": "Remove the directory role User Administrator",
		"nl": "De directoryrol User Administrator intrekken",
		"fr": "Retirer le rôle d'annuaire User Administrator",
	}
	for locale, want := range tests {
		if got := describe(textsFor(locale), item); got != want {
			t.Errorf("describe(%s) = %q, want %q", locale, got, want)
		}
	}
	group := PlanItem{Kind: KindGroup, ID: "g1", Name: "Sales"}
	if got := describe(textsFor("en"), group); got != "Remove from group Sales" {
		t.Errorf("describe(group) = %q, want the group text", got)
	}
}

func TestSkipReasonsTranslated(t *testing.T) {
	licence := PlanItem{Kind: KindLicense, ID: "sku", Name: "POWER_BI_PRO"}
	licence.skip(skipLicenceByGroup, `"Licence Power BI"`)
	if want := `assigned through group "Licence Power BI": goes away with that membership`; licence.SkipReason != want {
		t.Errorf("SkipReason = %q, want the English text %q", licence.SkipReason, want)
	}
	tests := map[string]string{
		"en": `assigned through group "Licence Power BI": goes away with that membership`,
		"nl": `toegekend via groep "Licence Power BI": verdwijnt met dat lidmaatschap`,
		"fr": `attribuée par le groupe "Licence Power BI" : disparaît avec cette appartenance`,
	}
	for locale, want := range tests {
		if got := textsFor(locale).skipReason(licence); got != want {
			t.Errorf("skipReason(%s) = %q, want %q", locale, got, want)
		}
	}

	// Every code has a text in every language.
	for code := range languages["en"].skipReasons {
		for locale, texts := range languages {
			if texts.skipReasons[code] == "" {
				t.Errorf("language %s has no text for skip code %q", locale, code)
			}
		}
	}

	// A reason without a known code stays as the directory gave it.
	other := PlanItem{Kind: KindADGroup, Name: "Domain Users", SkipReason: "primary group of the account"}
	if got := textsFor("nl").skipReason(other); got != "primary group of the account" {
		t.Errorf("skipReason without a code = %q, want the reason unchanged", got)
	}

	// The plan comment shows the translation.
	plan := Plan{Summary: "samenvatting", Items: []PlanItem{licence}}
	if got := planComment(textsFor("nl"), Subject{DisplayName: "Jan"}, plan); !strings.Contains(got, "toegekend via groep") {
		t.Errorf("Dutch plan comment = %q, want the Dutch skip reason", got)
	}
}

func TestFindingsTranslated(t *testing.T) {
	f := found(findSessionsValidSince, "2025-01-01T00:00:00Z", "2026-12-04T09:00:00Z")
	tests := map[string]string{
		"en": "sessions valid since 2025-01-01T00:00:00Z, before the plan of 2026-12-04T09:00:00Z",
		"nl": "sessies geldig sinds 2025-01-01T00:00:00Z, vóór het plan van 2026-12-04T09:00:00Z",
		"fr": "sessions valides depuis 2025-01-01T00:00:00Z, avant le plan du 2026-12-04T09:00:00Z",
	}
	for locale, want := range tests {
		if got := textsFor(locale).finding(f); got != want {
			t.Errorf("finding(%s) = %q, want %q", locale, got, want)
		}
	}
	for code, text := range languages["en"].findings {
		for locale, texts := range languages {
			if other := texts.findings[code]; other == "" || strings.Count(other, "%s") != strings.Count(text, "%s") {
				t.Errorf("language %s: finding %q is %q, want a text with the values of %q", locale, code, other, text)
			}
		}
	}
}

func TestFailureTextTranslated(t *testing.T) {
	timeout := &StateError{Error: "States.Timeout", Cause: "no approval"}
	if got := textsFor("fr").failureText(timeout, "raw"); got != "aucune approbation dans le délai (States.Timeout)" {
		t.Errorf("French timeout = %q", got)
	}
	other := &StateError{Error: "PermissionDenied", Cause: "Forbidden"}
	if got := textsFor("nl").failureText(other, "PermissionDenied: Forbidden"); got != "PermissionDenied: Forbidden" {
		t.Errorf("an error without a text = %q, want the English reason unchanged", got)
	}
	for name := range languages["en"].failures {
		for locale, texts := range languages {
			if texts.failures[name] == "" {
				t.Errorf("language %s has no text for failure %s", locale, name)
			}
		}
	}
}
