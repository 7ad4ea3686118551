package statemachines

import (
	"errors"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	awsadapter "github.com/secamo/orchestrator/adapters/cloud/aws"
	"github.com/secamo/orchestrator/adapters/intel"
	"github.com/secamo/orchestrator/adapters/intel/inteltest"
	"github.com/secamo/orchestrator/adapters/intel/virustotal"
	"github.com/secamo/orchestrator/approvals"
	"github.com/secamo/orchestrator/events/normalize"
	sandbox "github.com/secamo/orchestrator/sandbox/intel"
	"github.com/secamo/orchestrator/secrets"
)

const cryptoSample = "guardduty/guardduty-cryptocurrency-bitcointool-b-dns.eventbridge.json"

func rejectAll(int) (approvals.Decision, bool) { return approvals.Reject, true }

// withVirusTotal enriches through the real VirusTotal client against the emulator, seeded
// with the mining pool's domain as malicious.
func withVirusTotal(t *testing.T, w *triageWorld) *sandbox.VirusTotal {
	t.Helper()
	clock := inteltest.NewClock(time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC))
	emu := sandbox.NewVirusTotal(sandbox.VirusTotalOptions{Key: "vt-key", Now: clock.Now})
	emu.SeedDomain("pool.minergate.com", sandbox.VTReport{Malicious: 58, Suspicious: 4, Undetected: 8})
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	vt := virustotal.New(virustotal.Options{
		BaseURL: srv.URL + "/api/v3", Secrets: secrets.Static{"env:VT": "vt-key"}, KeyRef: "env:VT",
		Gate: intel.GateOptions{Clock: clock},
	})
	w.enrich = intel.NewEnricher(2, vt)
	return emu
}

func TestTriageCryptoMiningApproved(t *testing.T) {
	w := newTriageWorld()
	emu := withVirusTotal(t, w)
	alert := sharedSample(t, cryptoSample, normalize.GuardDuty)

	r := runTriage(t, w, alert, approveAll)
	r.requireStatus(t, "SUCCEEDED")

	inst := w.ec2.instances[minerInstance]
	if !inst.isolated || inst.caseID != alert.CaseKey {
		t.Errorf("instance isolated = %v for case %q, want isolated for %q", inst.isolated, inst.caseID, alert.CaseKey)
	}
	if len(inst.snapshots) != 1 {
		t.Errorf("%d snapshots, want one per volume", len(inst.snapshots))
	}
	if emu.Requests() != 1 {
		t.Errorf("VirusTotal emulator got %d requests, want 1", emu.Requests())
	}
	if !slices.Equal(r.approver.levels, []int{1}) {
		t.Errorf("approval levels asked = %v, want [1]", r.approver.levels)
	}
	ticket, comments := w.tickets.only(t)
	if !strings.Contains(ticket.Description, "virustotal pool.minergate.com: score") {
		t.Errorf("ticket description lacks the enrichment:\n%s", ticket.Description)
	}
	if ticket.Fields["priority"] != "high" {
		t.Errorf("ticket priority = %q, want high", ticket.Fields["priority"])
	}
	if len(comments) != 1 || !strings.Contains(comments[0], "is isolated in security group sg-quarantine after approval by it-manager@example.com") || !strings.Contains(comments[0], "snap-1") {
		t.Errorf("comments = %q, want one isolation comment with the snapshot", comments)
	}
	want := []string{"WrapAlert", "AssessAlert", "OpenCase", "Route", "RequestApproval", "ContainInstance", "RecordIsolated"}
	if got := r.states(); !slices.Equal(got, want) {
		t.Errorf("states = %v, want %v", got, want)
	}
	if n := r.transitions(); n > maxTriageTransitions {
		t.Errorf("%d state transitions, budget %d", n, maxTriageTransitions)
	}
	t.Logf("main path: %d state transitions", r.transitions())
}

func TestTriageTicketOnly(t *testing.T) {
	tests := []struct {
		name, reason string
		load         func(t *testing.T) (alertFile string, normaliser func([]byte) ([]normalize.Result, error), shared bool)
	}{
		{"guardduty ssh brute force", "below the containment threshold", func(*testing.T) (string, func([]byte) ([]normalize.Result, error), bool) {
			return "guardduty/guardduty-ssh-bruteforce.eventbridge-assembled.json", normalize.GuardDuty, true
		}},
		{"security hub control", "below the containment threshold", func(*testing.T) (string, func([]byte) ([]normalize.Result, error), bool) {
			return "securityhub/securityhub-imported-cis-1.4-warning.json", normalize.SecurityHub, true
		}},
		{"sentinel account", "names no EC2 instance or mapped IAM user", func(*testing.T) (string, func([]byte) ([]normalize.Result, error), bool) {
			return "../events/testdata/sentinel-incident-trigger.json", normalize.Sentinel, false
		}},
		{"wazuh host", "below the containment threshold", func(*testing.T) (string, func([]byte) ([]normalize.Result, error), bool) {
			return "../events/testdata/wazuh-alert.json", normalize.Wazuh, false
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := newTriageWorld()
			file, normaliser, shared := tc.load(t)
			var r *triageRun
			if shared {
				r = runTriage(t, w, sharedSample(t, file, normaliser), approveAll)
			} else {
				r = runTriage(t, w, loadAlert(t, file, normaliser), approveAll)
			}
			r.requireStatus(t, "SUCCEEDED")
			if len(r.approver.levels) != 0 {
				t.Errorf("approval requested for a ticket-only alert: levels %v", r.approver.levels)
			}
			if n := w.ec2.count("Isolate"); n != 0 {
				t.Errorf("Isolate called %d times", n)
			}
			ticket, comments := w.tickets.only(t)
			if !strings.Contains(ticket.Description, "Decision: ticket") || !strings.Contains(ticket.Description, tc.reason) {
				t.Errorf("ticket description lacks the decision %q:\n%s", tc.reason, ticket.Description)
			}
			if len(comments) != 0 {
				t.Errorf("comments = %q, want none", comments)
			}
		})
	}
}

func TestTriageProtectedInstance(t *testing.T) {
	tests := []struct {
		name    string
		protect func(w *triageWorld)
		reason  string
	}{
		{"secamo protected tag", func(w *triageWorld) {
			w.ec2.instances[minerInstance].instance.Protected = true
		}, "secamo:protected"},
		{"tenant protected tag", func(w *triageWorld) {
			w.ec2.instances[minerInstance].instance.Tags["Environment"] = "production"
			w.tenant.Exclusions.ProtectedTags = []string{"Environment=production"}
		}, "Environment=production"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := newTriageWorld()
			tc.protect(w)
			r := runTriage(t, w, sharedSample(t, cryptoSample, normalize.GuardDuty), approveAll)
			r.requireStatus(t, "SUCCEEDED")
			if n := w.ec2.count("Isolate"); n != 0 {
				t.Errorf("Isolate called %d times on a protected instance", n)
			}
			if len(r.approver.levels) != 0 {
				t.Errorf("approval requested for a protected instance: levels %v", r.approver.levels)
			}
			_, comments := w.tickets.only(t)
			if len(comments) != 1 || !strings.Contains(comments[0], "is protected") || !strings.Contains(comments[0], tc.reason) {
				t.Errorf("comments = %q, want one protection comment naming %s", comments, tc.reason)
			}
		})
	}
}

func TestTriageRejectedChangesNothing(t *testing.T) {
	w := newTriageWorld()
	r := runTriage(t, w, sharedSample(t, cryptoSample, normalize.GuardDuty), rejectAll)
	r.requireStatus(t, "SUCCEEDED")
	for _, call := range []string{"Isolate", "Snapshot", "Release"} {
		if n := w.ec2.count(call); n != 0 {
			t.Errorf("%s called %d times after a rejection", call, n)
		}
	}
	_, comments := w.tickets.only(t)
	if len(comments) != 1 || !strings.Contains(comments[0], "was rejected") || !strings.Contains(comments[0], "it-manager@example.com") {
		t.Errorf("comments = %q, want one rejection comment naming the approver", comments)
	}
}

func TestTriageUpdateDoesNotIsolateTwice(t *testing.T) {
	w := newTriageWorld()
	first := sharedSample(t, cryptoSample, normalize.GuardDuty)
	runTriage(t, w, first, approveAll).requireStatus(t, "SUCCEEDED")

	update := first
	update.ID = first.CaseKey + "-20220820130000000"
	update.Severity = 8.5
	update.LastSeen = first.LastSeen.Add(70 * time.Minute)
	r := runTriage(t, w, update, approveAll)
	r.requireStatus(t, "SUCCEEDED")

	if n := w.ec2.count("Isolate"); n != 1 {
		t.Errorf("Isolate called %d times for two versions of one finding, want 1", n)
	}
	if len(r.approver.levels) != 0 {
		t.Errorf("the update requested approval again: levels %v", r.approver.levels)
	}
	if got := r.states(); got[len(got)-1] != "AttachedToCase" {
		t.Errorf("update ended in %s, want AttachedToCase", got[len(got)-1])
	}
	_, comments := w.tickets.only(t)
	if len(comments) != 2 || !strings.Contains(comments[1], "finding was updated (severity 8.5") {
		t.Errorf("comments = %q, want the isolation and then the update", comments)
	}
}

func TestTriageCredentialRevokesKeys(t *testing.T) {
	w := newTriageWorld()
	// The finding is medium (5) and its caller address is a documentation range, which the
	// intel services skip, so this tenant contains from severity 5.
	w.tenant.Triage.ContainSeverity = 5
	alert := loadAlert(t, "../events/testdata/guardduty-iam-malicious-ip.json", normalize.GuardDuty)

	r := runTriage(t, w, alert, approveAll)
	r.requireStatus(t, "SUCCEEDED")

	if len(r.child) == 0 {
		t.Fatal("revoke-user-access did not run")
	}
	keys := w.keys.ByUser["jan.peeters"]
	if keys[1].Status != "Inactive" {
		t.Errorf("active key status = %s, want Inactive", keys[1].Status)
	}
	if !slices.Equal(w.keys.Calls, []string{"Deactivate AKIAJANNEW"}) {
		t.Errorf("IAM calls = %v, want only the active key deactivated", w.keys.Calls)
	}
	_, comments := w.tickets.only(t)
	if len(comments) != 1 || !strings.Contains(comments[0], "access keys of IAM user jan.peeters are deactivated") {
		t.Errorf("comments = %q, want one revocation comment", comments)
	}
}

func TestTriageContainFirstReleasedOnRejection(t *testing.T) {
	w := newTriageWorld()
	w.tenant.Triage.ContainFirst = true
	alert := sharedSample(t, cryptoSample, normalize.GuardDuty)
	alert.Severity = 9.5 // critical, so the tenant's containFirst applies

	r := runTriage(t, w, alert, rejectAll)
	r.requireStatus(t, "SUCCEEDED")

	if n := w.ec2.count("Isolate"); n != 1 {
		t.Errorf("Isolate called %d times, want once before the approval", n)
	}
	if w.ec2.instances[minerInstance].isolated {
		t.Error("instance still isolated after the rejection")
	}
	if got := w.ec2.instances[minerInstance].instance.Interfaces[0].GroupIDs; !slices.Equal(got, []string{"sg-0000cccc"}) {
		t.Errorf("security groups after release = %v, want the original sg-0000cccc", got)
	}
	_, comments := w.tickets.only(t)
	if len(comments) != 1 || !strings.Contains(comments[0], "released to its original security groups") {
		t.Errorf("comments = %q, want one release comment", comments)
	}
}

func TestTriageContainFirstConfirmed(t *testing.T) {
	w := newTriageWorld()
	w.tenant.Triage.ContainFirst = true
	alert := sharedSample(t, cryptoSample, normalize.GuardDuty)
	alert.Severity = 9.5

	r := runTriage(t, w, alert, approveAll)
	r.requireStatus(t, "SUCCEEDED")

	if !w.ec2.instances[minerInstance].isolated {
		t.Error("instance not isolated after the confirmation")
	}
	want := []string{"WrapAlert", "AssessAlert", "OpenCase", "Route", "ContainFirst", "RequestConfirmation", "RecordConfirmed"}
	if got := r.states(); !slices.Equal(got, want) {
		t.Errorf("states = %v, want %v", got, want)
	}
}

func neverAnswer(int) (approvals.Decision, bool) { return "", false }

func TestTriageApprovalTimesOut(t *testing.T) {
	w := newTriageWorld()
	r := runTriage(t, w, sharedSample(t, cryptoSample, normalize.GuardDuty), neverAnswer)
	r.requireStatus(t, "SUCCEEDED")
	if n := w.ec2.count("Isolate"); n != 0 {
		t.Errorf("Isolate called %d times without an approval", n)
	}
	if !slices.Equal(r.approver.levels, []int{1, 2}) {
		t.Errorf("approval levels asked = %v, want [1 2]", r.approver.levels)
	}
	_, comments := w.tickets.only(t)
	if len(comments) != 1 || !strings.Contains(comments[0], "was rejected (States.Timeout") {
		t.Errorf("comments = %q, want one comment that the approval timed out", comments)
	}
}

func TestTriageContainFirstTimeoutStaysIsolated(t *testing.T) {
	w := newTriageWorld()
	w.tenant.Triage.ContainFirst = true
	alert := sharedSample(t, cryptoSample, normalize.GuardDuty)
	alert.Severity = 9.5

	r := runTriage(t, w, alert, neverAnswer)
	r.requireStatus(t, "FAILED")
	if r.execution.Error != "ContainmentFailed" {
		t.Errorf("execution error = %s, want ContainmentFailed", r.execution.Error)
	}
	if !w.ec2.instances[minerInstance].isolated {
		t.Error("instance released although nobody rejected the isolation")
	}
	_, comments := w.tickets.only(t)
	if len(comments) != 1 || !strings.Contains(comments[0], "States.Timeout") {
		t.Errorf("comments = %q, want one failure comment naming the timeout", comments)
	}
}

func TestTriageFailureReleasesPartialIsolation(t *testing.T) {
	w := newTriageWorld()
	w.ec2.snapshotErr = &awsadapter.PermissionDenied{Operation: "CreateSnapshot", Err: errors.New("UnauthorizedOperation")}
	r := runTriage(t, w, sharedSample(t, cryptoSample, normalize.GuardDuty), approveAll)
	r.requireStatus(t, "FAILED")

	if n := w.ec2.count("Release"); n != 1 {
		t.Errorf("Release called %d times, want once after the failure", n)
	}
	if w.ec2.instances[minerInstance].isolated {
		t.Error("instance left half-contained after the failure")
	}
	_, comments := w.tickets.only(t)
	if len(comments) != 1 || !strings.Contains(comments[0], "failed (PermissionDenied") || !strings.Contains(comments[0], "released") {
		t.Errorf("comments = %q, want one failure comment with the release", comments)
	}
}

func TestTriageSecondLevelApproves(t *testing.T) {
	w := newTriageWorld()
	secondOnly := func(level int) (approvals.Decision, bool) { return approvals.Approve, level == 2 }
	r := runTriage(t, w, sharedSample(t, cryptoSample, normalize.GuardDuty), secondOnly)
	r.requireStatus(t, "SUCCEEDED")

	if !slices.Equal(r.approver.levels, []int{1, 2}) {
		t.Errorf("approval levels asked = %v, want [1 2]", r.approver.levels)
	}
	if !w.ec2.instances[minerInstance].isolated {
		t.Error("instance not isolated after the second level approved")
	}
}
