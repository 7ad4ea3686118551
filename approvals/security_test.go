package approvals_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/secamo/orchestrator/approvals"
	"github.com/secamo/orchestrator/approvals/storetest"
)

const (
	manager = "it-manager@acme.example"
	cio     = "cio@acme.example"
)

func TestPrefetchDecidesNothing(t *testing.T) {
	e := newEnv(t)
	r := e.create()
	link := e.link(r, manager)

	for _, method := range []string{http.MethodHead, http.MethodGet, http.MethodHead, http.MethodGet} {
		if resp := e.do(method, link, nil); resp.Status != http.StatusOK {
			t.Fatalf("%s = %d, want 200", method, resp.Status)
		}
	}
	if got := e.get(r.ID).Status; got != approvals.StatusPending {
		t.Errorf("status after prefetches = %s, want pending", got)
	}
	if calls := e.resolver.Calls(); len(calls) != 0 {
		t.Errorf("resolver calls after prefetches = %v, want none", calls)
	}
	want := "HEAD viewed,GET viewed,HEAD viewed,GET viewed"
	if got := strings.Join(e.outcomes(r.ID), ","); got != want {
		t.Errorf("audit log = %s, want %s", got, want)
	}
}

func TestApproveResumesWorkflow(t *testing.T) {
	e := newEnv(t)
	r := e.create()
	action, token := e.open(e.link(r, manager))

	resp := e.post(action, token, approvals.Approve, "Akkoord, laatste werkdag was vrijdag.")
	if resp.Status != http.StatusOK || !strings.Contains(resp.Body, "U hebt de aanvraag goedgekeurd") {
		t.Fatalf("POST = %d, want 200 with the Dutch confirmation:\n%s", resp.Status, resp.Body)
	}
	calls := e.resolver.Calls()
	if len(calls) != 1 || calls[0].Method != "SendTaskSuccess" {
		t.Fatalf("resolver calls = %+v, want one SendTaskSuccess", calls)
	}
	if calls[0].Token != r.TaskToken {
		t.Errorf("task token passed back changed: got %d characters %q..., want the stored %d characters unchanged",
			len(calls[0].Token), calls[0].Token[:min(40, len(calls[0].Token))], len(r.TaskToken))
	}
	var out approvals.Result
	if err := json.Unmarshal([]byte(calls[0].Output), &out); err != nil {
		t.Fatalf("output %s: %v", calls[0].Output, err)
	}
	want := approvals.Result{Decision: approvals.Approve, Approver: manager, Comment: "Akkoord, laatste werkdag was vrijdag.",
		DecidedAt: e.clock.Now().UTC(), ApprovalID: r.ID, Level: 1, Via: approvals.ViaLink}
	if out != want {
		t.Errorf("output = %+v\nwant %+v", out, want)
	}
	if rec := e.get(r.ID); !rec.Delivered || rec.Status != approvals.StatusApproved {
		t.Errorf("record = %s delivered %v, want approved and delivered", rec.Status, rec.Delivered)
	}
}

func TestTaskTokenPassedBackUnchanged(t *testing.T) {
	e := newEnv(t)
	r := e.create()
	if len(r.TaskToken) != 2048 || !strings.ContainsAny(r.TaskToken, "+") || !strings.Contains(r.TaskToken, "/") || !strings.Contains(r.TaskToken, "=") {
		t.Fatalf("test token is not a 2,048-character token with +, / and =")
	}
	action, token := e.open(e.link(r, cio))
	if resp := e.post(action, token, approvals.Reject, ""); resp.Status != http.StatusOK {
		t.Fatalf("POST = %d, want 200", resp.Status)
	}
	calls := e.resolver.Calls()
	if len(calls) != 1 || calls[0].Token != r.TaskToken {
		t.Fatalf("resolver did not get the 2,048-character token unchanged: %d calls", len(calls))
	}
}

func TestRejectSendsTaskFailure(t *testing.T) {
	e := newEnv(t)
	r := e.create()
	action, token := e.open(e.link(r, cio))
	resp := e.post(action, token, approvals.Reject, "Eerst met HR afstemmen.")
	if resp.Status != http.StatusOK || !strings.Contains(resp.Body, "geweigerd") {
		t.Fatalf("POST = %d, want 200 with the rejection text:\n%s", resp.Status, resp.Body)
	}
	calls := e.resolver.Calls()
	if len(calls) != 1 || calls[0].Method != "SendTaskFailure" || calls[0].ErrorName != "ApprovalRejected" {
		t.Fatalf("resolver calls = %+v, want one SendTaskFailure ApprovalRejected", calls)
	}
	var cause approvals.Result
	if err := json.Unmarshal([]byte(calls[0].Cause), &cause); err != nil {
		t.Fatalf("cause %q is not JSON: %v", calls[0].Cause, err)
	}
	if cause.Decision != approvals.Reject || cause.Approver != cio || cause.Comment != "Eerst met HR afstemmen." {
		t.Errorf("cause = %+v, want reject by %s with the comment", cause, cio)
	}
}

func TestDoublePostConflicts(t *testing.T) {
	e := newEnv(t)
	r := e.create()
	link := e.link(r, manager)
	action1, token1 := e.open(link)
	action2, token2 := e.open(link) // a second tab
	decidedAt := e.clock.Now()
	if resp := e.post(action1, token1, approvals.Approve, ""); resp.Status != http.StatusOK {
		t.Fatalf("first POST = %d, want 200", resp.Status)
	}
	e.clock.Advance(time.Minute)

	for name, tok := range map[string]string{"second tab": token2, "same form again": token1} {
		resp := e.post(action2, tok, approvals.Approve, "")
		if resp.Status != http.StatusConflict {
			t.Errorf("%s: POST = %d, want 409", name, resp.Status)
		}
		wantText := fmt.Sprintf("Deze aanvraag werd al goedgekeurd door %s op %s", manager,
			approvals.TextsFor("nl").FormatTime(decidedAt, approvals.Location(e.tenants["acme"])))
		if !strings.Contains(resp.Body, wantText) {
			t.Errorf("%s: page does not say %q:\n%s", name, wantText, resp.Body)
		}
	}
	if calls := e.resolver.Calls(); len(calls) != 1 {
		t.Errorf("resolver got %d calls, want 1", len(calls))
	}
}

func TestRacingApproversOneWins(t *testing.T) {
	e := newEnv(t)
	r := e.create()
	type form struct{ action, token string }
	var forms []form
	for _, who := range []string{manager, cio} {
		a, tok := e.open(e.link(r, who))
		forms = append(forms, form{a, tok})
	}
	statuses := make([]int, len(forms))
	var wg sync.WaitGroup
	for i, f := range forms {
		wg.Go(func() { statuses[i] = e.post(f.action, f.token, approvals.Approve, "").Status })
	}
	wg.Wait()

	ok, conflict := 0, 0
	for _, s := range statuses {
		switch s {
		case http.StatusOK:
			ok++
		case http.StatusConflict:
			conflict++
		}
	}
	if ok != 1 || conflict != 1 {
		t.Errorf("statuses = %v, want one 200 and one 409", statuses)
	}
	success := 0
	for _, c := range e.resolver.Calls() {
		if c.Method == "SendTaskSuccess" {
			success++
		}
	}
	if success != 1 {
		t.Errorf("SendTaskSuccess called %d times, want exactly 1", success)
	}
}

func TestPostAfterExpiryIsGone(t *testing.T) {
	e := newEnv(t)
	r := e.create()
	action, token := e.open(e.link(r, manager))
	e.clock.Advance(r.ExpiresAt.Sub(e.clock.Now()) + time.Second)

	resp := e.post(action, token, approvals.Approve, "")
	if resp.Status != http.StatusGone || !strings.Contains(resp.Body, "verlopen") {
		t.Errorf("POST after expiry = %d, want 410 saying the link expired:\n%s", resp.Status, resp.Body)
	}
	if resp := e.do(http.MethodGet, e.link(r, manager), nil); resp.Status != http.StatusGone {
		t.Errorf("GET after expiry = %d, want 410", resp.Status)
	}
	if calls := e.resolver.Calls(); len(calls) != 0 {
		t.Errorf("resolver calls = %v, want none", calls)
	}
}

func TestAlteredLinkForbidden(t *testing.T) {
	e := newEnv(t)
	r := e.create()
	link, err := url.Parse(e.link(r, manager))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		alter func(q url.Values)
	}{
		{"signature changed", func(q url.Values) {
			sig := []byte(q.Get("sig"))
			sig[5] ^= 1
			q.Set("sig", string(sig))
		}},
		{"signature removed", func(q url.Values) { q.Del("sig") }},
		{"approver changed", func(q url.Values) { q.Set("approver", cio) }},
		{"expiry extended", func(q url.Values) { q.Set("expires", fmt.Sprint(r.ExpiresAt.Add(24*time.Hour).Unix())) }},
		{"expiry not a number", func(q url.Values) { q.Set("expires", "soon") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := *link
			q := u.Query()
			tt.alter(q)
			u.RawQuery = q.Encode()
			for _, method := range []string{http.MethodGet, http.MethodPost} {
				resp := e.do(method, u.String(), url.Values{"decision": {"approve"}})
				if resp.Status != http.StatusForbidden || !strings.Contains(resp.Body, "Deze link is ongeldig") {
					t.Errorf("%s = %d, want 403 saying the link is invalid", method, resp.Status)
				}
			}
		})
	}
	if calls := e.resolver.Calls(); len(calls) != 0 || e.get(r.ID).Status != approvals.StatusPending {
		t.Errorf("an altered link changed something: %d resolver calls, status %s", len(calls), e.get(r.ID).Status)
	}
}

func TestLinkForOtherTenantForbidden(t *testing.T) {
	e := newEnv(t)
	r := e.create()
	link := e.link(r, manager)
	other := strings.Replace(link, "/approvals/acme/", "/approvals/globex/", 1)
	if other == link {
		t.Fatal("link does not contain /approvals/acme/")
	}
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		resp := e.do(method, other, url.Values{"decision": {"approve"}})
		if resp.Status != http.StatusForbidden || !strings.Contains(resp.Body, "Ce lien n’est pas valide") {
			t.Errorf("%s on the other tenant = %d, want 403 in that tenant's language", method, resp.Status)
		}
	}

	// A link correctly signed by tenant globex for acme's record must fail as well.
	forged := e.signers["globex"].URL(e.server.URL, approvals.Link{Tenant: "globex", ID: r.ID, Approver: manager, Expires: r.ExpiresAt})
	if resp := e.do(http.MethodGet, forged, nil); resp.Status != http.StatusForbidden {
		t.Errorf("GET of globex-signed link for an acme record = %d, want 403", resp.Status)
	}
	if calls := e.resolver.Calls(); len(calls) != 0 {
		t.Errorf("resolver calls = %v, want none", calls)
	}
}

func TestSelfApprovalForbidden(t *testing.T) {
	e := newEnv(t)
	r := storetest.NewRecord()
	r.Approvers = append(r.Approvers, r.Requester)
	if err := e.store.Create(t.Context(), r); err != nil {
		t.Fatal(err)
	}
	link := e.link(r, strings.ToUpper(r.Requester))
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		resp := e.do(method, link, url.Values{"decision": {"approve"}})
		if resp.Status != http.StatusForbidden || !strings.Contains(resp.Body, "U hebt deze actie zelf aangevraagd, dus u kunt ze niet goedkeuren") {
			t.Errorf("%s by the requester = %d, want 403 explaining self-approval:\n%s", method, resp.Status, resp.Body)
		}
	}
	if calls := e.resolver.Calls(); len(calls) != 0 {
		t.Errorf("resolver calls = %v, want none", calls)
	}
}

func TestNotApproverForbidden(t *testing.T) {
	e := newEnv(t)
	r := e.create()
	resp := e.do(http.MethodGet, e.link(r, "intruder@acme.example"), nil)
	if resp.Status != http.StatusForbidden || !strings.Contains(resp.Body, "intruder@acme.example is geen goedkeurder") {
		t.Errorf("GET by a non-approver = %d, want 403 naming them", resp.Status)
	}
}

func TestForgedFormTokenForbidden(t *testing.T) {
	e := newEnv(t)
	r := e.create()
	action, token := e.open(e.link(r, manager))
	_, cioToken := e.open(e.link(r, cio))
	for name, tok := range map[string]string{
		"missing":             "",
		"altered":             token[:len(token)-2] + "AA",
		"issued to another":   cioToken,
		"without a signature": strings.Split(token, ".")[0],
	} {
		if resp := e.post(action, tok, approvals.Approve, ""); resp.Status != http.StatusForbidden {
			t.Errorf("form token %s: POST = %d, want 403", name, resp.Status)
		}
	}
	if e.get(r.ID).Status != approvals.StatusPending {
		t.Errorf("a forged form token decided the approval")
	}
}

func TestResolverErrorsAnswerWithoutRetry(t *testing.T) {
	tests := []struct {
		err      error
		status   int
		text     string
		delivery string
	}{
		{&TaskTimedOut{}, http.StatusGone, "gestopt was met wachten", "TaskTimedOut"},
		{fmt.Errorf("operation SendTaskSuccess: %w", &TaskDoesNotExist{}), http.StatusConflict, "wacht niet meer", "TaskDoesNotExist"},
		{&InvalidToken{}, http.StatusConflict, "wacht niet meer", "InvalidToken"},
	}
	for _, tt := range tests {
		t.Run(tt.delivery, func(t *testing.T) {
			e := newEnv(t)
			e.resolver.Err = tt.err
			r := e.create()
			action, token := e.open(e.link(r, manager))
			resp := e.post(action, token, approvals.Approve, "")
			if resp.Status != tt.status || !strings.Contains(resp.Body, tt.text) {
				t.Errorf("POST = %d, want %d with %q:\n%s", resp.Status, tt.status, tt.text, resp.Body)
			}
			if calls := e.resolver.Calls(); len(calls) != 1 {
				t.Errorf("resolver called %d times, want once (no retry)", len(calls))
			}
			if rec := e.get(r.ID); rec.DeliveryError != tt.delivery || rec.Delivered {
				t.Errorf("delivery = %v %q, want false %q", rec.Delivered, rec.DeliveryError, tt.delivery)
			}
		})
	}
}

func TestTransientResolverErrorDeliveredLater(t *testing.T) {
	e := newEnv(t)
	e.resolver.Err = fmt.Errorf("connection refused")
	r := e.create()
	action, token := e.open(e.link(r, manager))
	resp := e.post(action, token, approvals.Approve, "")
	if resp.Status != http.StatusAccepted || !strings.Contains(resp.Body, "Uw beslissing is geregistreerd") {
		t.Fatalf("POST = %d, want 202 saying the decision is recorded:\n%s", resp.Status, resp.Body)
	}

	e.resolver.Err = nil
	svc := &approvals.Service{Store: e.store, Resolver: e.resolver, Clock: e.clock}
	n, err := svc.DeliverPending(t.Context())
	if err != nil || n != 1 {
		t.Fatalf("DeliverPending = %d, %v, want 1, nil", n, err)
	}
	calls := e.resolver.Calls()
	if len(calls) != 2 || calls[1].Token != r.TaskToken {
		t.Errorf("resolver calls = %d, want a second SendTaskSuccess with the stored token", len(calls))
	}
	if n, err := svc.DeliverPending(t.Context()); n != 0 || err != nil {
		t.Errorf("second DeliverPending = %d, %v, want 0, nil", n, err)
	}
}

func TestUnknownPathsNotFound(t *testing.T) {
	e := newEnv(t)
	r := e.create()
	for _, path := range []string{
		"/approvals/acme/not-an-id",
		"/approvals/acme/",
		"/approvals/nosuchtenant/" + r.ID,
		"/approvals/acme/" + approvals.NewID() + "?approver=x",
		"/other",
	} {
		if resp := e.do(http.MethodGet, e.server.URL+path, nil); resp.Status != http.StatusNotFound && resp.Status != http.StatusForbidden {
			t.Errorf("GET %s = %d, want 404 or 403", path, resp.Status)
		}
	}
	if resp := e.do(http.MethodDelete, e.link(r, manager), nil); resp.Status != http.StatusMethodNotAllowed {
		t.Errorf("DELETE = %d, want 405", resp.Status)
	}
}

func TestPageEscapesInput(t *testing.T) {
	e := newEnv(t)
	r := storetest.NewRecord()
	r.Action = `<script>alert(1)</script> disable "x"`
	r.TicketURL = "javascript:alert(1)"
	if err := e.store.Create(t.Context(), r); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodGet, e.link(r, manager), nil)
	resp, err := e.server.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	if _, err := fmt.Fprint(&b, readAll(t, resp)); err != nil {
		t.Fatal(err)
	}
	body := b.String()
	if strings.Contains(body, "<script>") || strings.Contains(body, "javascript:") {
		t.Errorf("page contains unescaped input:\n%s", body)
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("Content-Security-Policy = %q, want default-src 'none'", csp)
	}
}

func TestSweepExpiresAndRedelivers(t *testing.T) {
	e := newEnv(t)
	unanswered := e.create()
	decided := e.create()
	if _, err := e.store.Decide(t.Context(), decided.ID, approvals.DecisionInput{
		Decision: approvals.Approve, Approver: "operator", Via: approvals.ViaOperator, At: e.clock.Now(),
	}); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(5 * time.Hour)
	svc := &approvals.Service{Store: e.store, Resolver: e.resolver, Clock: e.clock}
	expired, delivered, err := svc.Sweep(t.Context())
	if err != nil || expired != 1 || delivered != 1 {
		t.Fatalf("Sweep = %d expired, %d delivered, %v; want 1, 1, nil", expired, delivered, err)
	}
	if got := e.get(unanswered.ID).Status; got != approvals.StatusExpired {
		t.Errorf("unanswered record status = %s, want expired", got)
	}
	calls := e.resolver.Calls()
	if len(calls) != 1 || calls[0].Token != decided.TaskToken || !strings.Contains(calls[0].Output, `"via":"operator"`) {
		t.Errorf("resolver calls = %+v, want the operator decision delivered", calls)
	}
}
