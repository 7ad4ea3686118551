package sqlitestore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/secamo/orchestrator/approvals"
)

// Decide implements approvals.Store with an UPDATE conditioned on the pending status and the
// expiry, so of two concurrent decisions exactly one changes the row.
func (s *Store) Decide(ctx context.Context, id string, d approvals.DecisionInput) (approvals.Record, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return approvals.Record{}, fmt.Errorf("deciding approval %s: %w", id, err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `UPDATE approvals
		SET status = ?, decided_by = ?, decided_at = ?, comment = ?, decided_via = ?
		WHERE id = ? AND status = ? AND expires_at > ?`,
		string(approvals.StatusFor(d.Decision)), d.Approver, nanos(d.At), d.Comment, d.Via,
		id, string(approvals.StatusPending), nanos(d.At))
	if err != nil {
		return approvals.Record{}, fmt.Errorf("deciding approval %s: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return approvals.Record{}, fmt.Errorf("deciding approval %s: %w", id, err)
	}
	r, err := scanRecord(tx.QueryRowContext(ctx, selectRecord+` WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("deciding approval %s: %w", id, approvals.ErrNotFound)
	}
	if err != nil {
		return r, fmt.Errorf("deciding approval %s: %w", id, err)
	}
	if n == 0 {
		if err := approvals.CheckDecidable(r, d.At); err != nil {
			return approvals.Record{}, err
		}
		return approvals.Record{}, fmt.Errorf("deciding approval %s: row not updated although it is pending", id)
	}
	if err := tx.Commit(); err != nil {
		return approvals.Record{}, fmt.Errorf("deciding approval %s: %w", id, err)
	}
	return r, nil
}

// MarkDelivered implements approvals.Store.
func (s *Store) MarkDelivered(ctx context.Context, id string, delivered bool, errorName string) error {
	d := 0
	if delivered {
		d = 1
	}
	res, err := s.db.ExecContext(ctx, `UPDATE approvals SET delivered = ?, delivery_error = ? WHERE id = ?`, d, errorName, id)
	if err != nil {
		return fmt.Errorf("recording delivery of approval %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("recording delivery of approval %s: %w", id, approvals.ErrNotFound)
	}
	return nil
}

// UseFormToken implements approvals.Store; the primary key makes the insert conditional.
func (s *Store) UseFormToken(ctx context.Context, id, nonce string, at time.Time) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO approval_form_tokens (approval_id, nonce, used_at) VALUES (?, ?, ?)`,
		id, nonce, nanos(at))
	if err != nil {
		if strings.Contains(err.Error(), "UNIQUE constraint failed") {
			return fmt.Errorf("using form token of approval %s: %w", id, approvals.ErrFormTokenUsed)
		}
		return fmt.Errorf("using form token of approval %s: %w", id, err)
	}
	return nil
}

// Expire implements approvals.Store.
func (s *Store) Expire(ctx context.Context, now time.Time) ([]approvals.Record, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("expiring approvals: %w", err)
	}
	defer tx.Rollback()
	recs, err := queryRecords(ctx, tx, selectRecord+` WHERE status = ? AND expires_at <= ?`,
		string(approvals.StatusPending), nanos(now))
	if err != nil {
		return nil, fmt.Errorf("expiring approvals: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE approvals SET status = ? WHERE status = ? AND expires_at <= ?`,
		string(approvals.StatusExpired), string(approvals.StatusPending), nanos(now)); err != nil {
		return nil, fmt.Errorf("expiring approvals: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("expiring approvals: %w", err)
	}
	for i := range recs {
		recs[i].Status = approvals.StatusExpired
	}
	return recs, nil
}

// Undelivered implements approvals.Store.
func (s *Store) Undelivered(ctx context.Context) ([]approvals.Record, error) {
	recs, err := queryRecords(ctx, s.db, selectRecord+` WHERE status IN (?, ?) AND delivered = 0 AND delivery_error = ''`,
		string(approvals.StatusApproved), string(approvals.StatusRejected))
	if err != nil {
		return nil, fmt.Errorf("listing undelivered decisions: %w", err)
	}
	return recs, nil
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func queryRecords(ctx context.Context, q querier, query string, args ...any) ([]approvals.Record, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var recs []approvals.Record
	for rows.Next() {
		r, err := scanRecord(rows)
		if err != nil {
			return nil, err
		}
		recs = append(recs, r)
	}
	return recs, rows.Err()
}

// AppendAudit implements approvals.Store.
func (s *Store) AppendAudit(ctx context.Context, e approvals.AuditEvent) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO approval_audit
		(approval_id, tenant, at, method, approver, outcome, remote_ip, user_agent)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		e.ApprovalID, e.Tenant, nanos(e.At), e.Method, e.Approver, e.Outcome, e.RemoteIP, e.UserAgent)
	if err != nil {
		return fmt.Errorf("writing audit event of approval %s: %w", e.ApprovalID, err)
	}
	return nil
}

// Audit implements approvals.Store.
func (s *Store) Audit(ctx context.Context, id string) ([]approvals.AuditEvent, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT approval_id, tenant, at, method, approver, outcome, remote_ip, user_agent
		FROM approval_audit WHERE approval_id = ? ORDER BY seq`, id)
	if err != nil {
		return nil, fmt.Errorf("reading audit log of approval %s: %w", id, err)
	}
	defer rows.Close()
	var events []approvals.AuditEvent
	for rows.Next() {
		var e approvals.AuditEvent
		var at int64
		if err := rows.Scan(&e.ApprovalID, &e.Tenant, &at, &e.Method, &e.Approver, &e.Outcome, &e.RemoteIP, &e.UserAgent); err != nil {
			return nil, fmt.Errorf("reading audit log of approval %s: %w", id, err)
		}
		e.At = fromNanos(at)
		events = append(events, e)
	}
	return events, rows.Err()
}

// EarliestPendingExpiry implements approvals.Store.
func (s *Store) EarliestPendingExpiry(ctx context.Context) (time.Time, bool, error) {
	var oldest sql.NullInt64
	err := s.db.QueryRowContext(ctx, `SELECT MIN(expires_at) FROM approvals WHERE status = ?`,
		string(approvals.StatusPending)).Scan(&oldest)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("finding the earliest expiry of pending approvals: %w", err)
	}
	if !oldest.Valid {
		return time.Time{}, false, nil
	}
	return fromNanos(oldest.Int64), true, nil
}
