package approvals

import (
	"errors"
	"net/http"
	"unicode/utf8"
)

// decide handles the confirmation form's POST.
func (h *Handler) decide(w http.ResponseWriter, r *http.Request, req *request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	answer := func(status int, outcome, msg string, rec *Record) {
		req.audit.Outcome = outcome
		h.record(r.Context(), req.audit)
		writePage(w, status, newPage(req.t, rec, req.loc, msg))
	}

	if err := r.ParseForm(); err != nil {
		answer(http.StatusBadRequest, "bad-request", req.t.BadRequest, nil)
		return
	}
	decision := Decision(r.PostForm.Get(FieldDecision))
	comment := r.PostForm.Get(FieldComment)
	if decision != Approve && decision != Reject || !utf8.ValidString(comment) || utf8.RuneCountInString(comment) > maxCommentRunes {
		answer(http.StatusBadRequest, "bad-request", req.t.BadRequest, nil)
		return
	}
	nonce, err := req.signer.VerifyFormToken(req.link, r.PostForm.Get(FieldFormToken))
	if err != nil {
		answer(http.StatusForbidden, "invalid-form-token", req.t.FormInvalid, nil)
		return
	}
	if err := h.Service.Store.UseFormToken(r.Context(), req.rec.ID, nonce, req.audit.At); err != nil {
		if errors.Is(err, ErrFormTokenUsed) {
			answer(http.StatusConflict, "form-token-reused", req.t.FormInvalid, nil)
			return
		}
		h.logger().ErrorContext(r.Context(), "using form token", "tenant", req.tenant.Name, "approval", req.rec.ID, "error", err)
		answer(http.StatusServiceUnavailable, "store-unavailable", req.t.Unavailable, nil)
		return
	}

	rec, err := h.Service.Decide(r.Context(), req.rec.ID, DecisionInput{
		Decision: decision, Approver: req.link.Approver, Comment: comment, Via: ViaLink, At: req.audit.At,
	})
	var (
		already    *AlreadyDecidedError
		expired    *ExpiredError
		notWaiting *NotWaitingError
	)
	switch {
	case err == nil:
		msg := req.t.Approved
		if decision == Reject {
			msg = req.t.Rejected
		}
		answer(http.StatusOK, string(StatusFor(decision)), msg, &rec)
	case errors.As(err, &already):
		answer(http.StatusConflict, "already-decided", decidedMessage(req.t, already.Record, req.loc), nil)
	case errors.As(err, &expired):
		answer(http.StatusGone, "expired", sprintf(req.t.Expired, req.t.FormatTime(expired.Record.ExpiresAt, req.loc)), nil)
	case errors.As(err, &notWaiting) && notWaiting.Name == TaskTimedOut:
		answer(http.StatusGone, "task-timed-out", req.t.TimedOut, nil)
	case errors.As(err, &notWaiting):
		answer(http.StatusConflict, "task-not-waiting", req.t.NotWaiting, nil)
	case errors.Is(err, ErrDeliveryPending):
		answer(http.StatusAccepted, string(StatusFor(decision))+"-delivery-pending", req.t.Pending, &rec)
	default:
		h.logger().ErrorContext(r.Context(), "deciding approval", "tenant", req.tenant.Name, "approval", req.rec.ID, "error", err)
		answer(http.StatusServiceUnavailable, "store-unavailable", req.t.Unavailable, nil)
	}
}
