package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
)

// Commit writes step in one transaction: its history events, checkpoint, branch results,
// token and timer changes, and the end of the execution. After a crash the database holds
// either all of it or none of it. Commit returns *ExecutionDoesNotExist,
// *ExecutionNotRunning, *HistoryGap or *InvalidStep without writing anything.
func (s *Store) Commit(ctx context.Context, step Step) error {
	if err := checkStep(step); err != nil {
		return err
	}
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("committing step of %q: %w", step.ExecutionARN, err)
	}
	defer tx.Rollback()

	if err := writeStep(ctx, tx, step); err != nil {
		return err
	}
	if s.beforeCommit != nil {
		s.beforeCommit()
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("committing step of %q: %w", step.ExecutionARN, err)
	}
	return nil
}

func writeStep(ctx context.Context, tx *sql.Tx, step Step) error {
	arn := step.ExecutionARN
	var execID, lastID int64
	var status string
	err := tx.QueryRowContext(ctx, `SELECT id, status, last_event_id FROM executions WHERE arn = ?`, arn).Scan(&execID, &status, &lastID)
	if isNoRows(err) {
		return &ExecutionDoesNotExist{ARN: arn}
	}
	if err != nil {
		return fmt.Errorf("committing step of %q: %w", arn, err)
	}
	if status != StatusRunning {
		return &ExecutionNotRunning{ARN: arn, Status: status}
	}
	if len(step.Events) > 0 && step.Events[0].ID != lastID+1 {
		return &HistoryGap{ARN: arn, LastID: lastID, GotID: step.Events[0].ID, Reason: "commit the events of an execution in id order, each exactly once"}
	}

	w := stepWriter{ctx: ctx, tx: tx, execID: execID}
	w.removals(step)
	w.events(step.Events)
	w.checkpoint(step.Checkpoint)
	w.results(step.Results)
	w.tokens(step)
	w.timers(step.SetTimers)
	w.end(step.End)
	if w.err != nil {
		return fmt.Errorf("committing step of %q: %w", arn, w.err)
	}
	return w.heartbeatErr
}

// stepWriter runs the statements of one step and keeps the first error, so writeStep reads
// as the list of what a step changes.
type stepWriter struct {
	ctx          context.Context
	tx           *sql.Tx
	execID       int64
	err          error
	heartbeatErr error
}

func (w *stepWriter) exec(query string, args ...any) sql.Result {
	if w.err != nil {
		return nil
	}
	res, err := w.tx.ExecContext(w.ctx, query, args...)
	if err != nil {
		w.err = err
	}
	return res
}

// removals deletes ended threads, their children, and removed tokens and timers.
func (w *stepWriter) removals(step Step) {
	for _, t := range step.EndThreads {
		under, args := underThread(t)
		for _, table := range []string{"checkpoints", "task_tokens", "timers"} {
			w.exec(`DELETE FROM `+table+` WHERE execution_id = ? AND (thread = ? OR (`+under+`))`, append([]any{w.execID, t}, args...)...)
		}
		// The result of t itself stays: it belongs to the state of t's parent.
		w.exec(`DELETE FROM branch_results WHERE execution_id = ? AND (`+under+`)`, append([]any{w.execID}, args...)...)
	}
	for _, t := range step.EndChildren {
		under, args := underThread(t)
		for _, table := range []string{"checkpoints", "task_tokens", "timers", "branch_results"} {
			w.exec(`DELETE FROM `+table+` WHERE execution_id = ? AND (`+under+`)`, append([]any{w.execID}, args...)...)
		}
	}
	for _, token := range step.RemoveTokens {
		w.exec(`DELETE FROM task_tokens WHERE token = ? AND execution_id = ?`, token, w.execID)
	}
	for _, t := range step.RemoveTimers {
		w.exec(`DELETE FROM timers WHERE execution_id = ? AND thread = ?`, w.execID, t)
	}
}

func (w *stepWriter) events(events []Event) {
	if len(events) == 0 {
		return
	}
	for _, ev := range events {
		var details any
		if ev.Details != nil {
			details = string(ev.Details)
		}
		w.exec(`INSERT INTO history_events (execution_id, id, previous_event_id, timestamp, type, details) VALUES (?, ?, ?, ?, ?, ?)`,
			w.execID, ev.ID, ev.PreviousEventID, nanos(ev.Timestamp), ev.Type, details)
	}
	w.exec(`UPDATE executions SET last_event_id = ? WHERE id = ?`, events[len(events)-1].ID, w.execID)
}

func (w *stepWriter) checkpoint(c *Checkpoint) {
	if c == nil {
		return
	}
	retries, err := json.Marshal(c.Retries)
	if err != nil {
		w.err = err
		return
	}
	w.exec(`INSERT INTO checkpoints (execution_id, thread, position, retries, entered_event_id, last_event_id, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (execution_id, thread) DO UPDATE SET position = excluded.position, retries = excluded.retries,
			entered_event_id = excluded.entered_event_id, last_event_id = excluded.last_event_id, updated_at = excluded.updated_at`,
		w.execID, c.Thread, string(c.Position), string(retries), c.EnteredEventID, c.LastEventID, nanos(c.UpdatedAt))
}

func (w *stepWriter) results(results []BranchResult) {
	for _, r := range results {
		w.exec(`INSERT INTO branch_results (execution_id, thread, output, error, cause) VALUES (?, ?, ?, ?, ?)`,
			w.execID, r.Thread, string(r.Output), r.Error, r.Cause)
	}
}

func (w *stepWriter) tokens(step Step) {
	for _, t := range step.AddTokens {
		w.exec(`INSERT INTO task_tokens (token, execution_id, thread, deadline, heartbeat_deadline) VALUES (?, ?, ?, ?, ?)`,
			t.Token, w.execID, t.Thread, nanos(t.Deadline), nanos(t.HeartbeatDeadline))
	}
	for _, t := range step.Heartbeats {
		res := w.exec(`UPDATE task_tokens SET heartbeat_deadline = ? WHERE token = ? AND execution_id = ?`, nanos(t.HeartbeatDeadline), t.Token, w.execID)
		if res == nil {
			return
		}
		if n, err := res.RowsAffected(); err == nil && n == 0 && w.heartbeatErr == nil {
			w.heartbeatErr = &TaskDoesNotExist{}
		}
	}
}

func (w *stepWriter) timers(timers []Timer) {
	for _, t := range timers {
		w.exec(`INSERT INTO timers (execution_id, thread, fire_at) VALUES (?, ?, ?)
			ON CONFLICT (execution_id, thread) DO UPDATE SET fire_at = excluded.fire_at`,
			w.execID, t.Thread, nanos(t.FireAt))
	}
}

// end closes the execution and drops what only a running execution needs.
// TODO: delete stopped executions and their histories after a retention period; until
// then the database grows by about 300 bytes per transition.
func (w *stepWriter) end(e *ExecutionEnd) {
	if e == nil {
		return
	}
	w.exec(`UPDATE executions SET status = ?, output = ?, error = ?, cause = ?, stopped_at = ? WHERE id = ?`,
		e.Status, e.Output, e.Error, e.Cause, nanos(e.StoppedAt), w.execID)
	for _, table := range []string{"checkpoints", "branch_results", "task_tokens", "timers"} {
		w.exec(`DELETE FROM `+table+` WHERE execution_id = ?`, w.execID)
	}
}
