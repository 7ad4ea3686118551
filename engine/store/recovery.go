package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"
)

// Recovery is the stored state of one running execution, from which a restarted engine
// resumes it.
type Recovery struct {
	Execution Execution
	// Checkpoints are ordered by thread path, so a parent comes before its iterations
	// and branches.
	Checkpoints []Checkpoint
	// Results are the finished iterations and branches of the Map and Parallel states that
	// threads are in. The engine runs again only the indices without a result.
	Results []BranchResult
	Tokens  []Token
	Timers  []Timer
}

// RunningExecutions returns every RUNNING execution with its checkpoints, results, tokens
// and timers, read from one snapshot of the database.
func (s *Store) RunningExecutions(ctx context.Context) ([]Recovery, error) {
	tx, err := s.reader.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("reading running executions: %w", err)
	}
	defer tx.Rollback()

	rows, err := tx.QueryContext(ctx, `SELECT `+executionColumns+`, parent_token, sync_pattern, id FROM executions WHERE status = ? ORDER BY id`, StatusRunning)
	if err != nil {
		return nil, fmt.Errorf("reading running executions: %w", err)
	}
	var out []Recovery
	var ids []int64
	for rows.Next() {
		var x Execution
		var started, stopped, id int64
		if err := rows.Scan(&x.ARN, &x.Name, &x.StateMachineARN, &x.Input, &x.Status, &x.Output, &x.Error, &x.Cause, &started, &stopped, &x.LastEventID, &x.ParentToken, &x.SyncPattern, &id); err != nil {
			rows.Close()
			return nil, fmt.Errorf("reading running executions: %w", err)
		}
		x.StartedAt, x.StoppedAt = fromNanos(started), fromNanos(stopped)
		out = append(out, Recovery{Execution: x})
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading running executions: %w", err)
	}
	for i := range out {
		if err := readRecovery(ctx, tx, ids[i], &out[i]); err != nil {
			return nil, fmt.Errorf("reading recovery of %q: %w", out[i].Execution.ARN, err)
		}
	}
	return out, nil
}

func readRecovery(ctx context.Context, tx *sql.Tx, id int64, r *Recovery) error {
	arn := r.Execution.ARN
	err := queryRows(ctx, tx, `SELECT thread, position, retries, entered_event_id, last_event_id, updated_at FROM checkpoints WHERE execution_id = ? ORDER BY thread`, []any{id}, func(rows *sql.Rows) error {
		var c Checkpoint
		var position, retries string
		var updated int64
		if err := rows.Scan(&c.Thread, &position, &retries, &c.EnteredEventID, &c.LastEventID, &updated); err != nil {
			return err
		}
		c.Position, c.UpdatedAt = json.RawMessage(position), fromNanos(updated)
		if err := json.Unmarshal([]byte(retries), &c.Retries); err != nil {
			return fmt.Errorf("decoding retry counts of thread %q: %w", c.Thread, err)
		}
		r.Checkpoints = append(r.Checkpoints, c)
		return nil
	})
	if err != nil {
		return err
	}
	err = queryRows(ctx, tx, `SELECT thread, output, error, cause FROM branch_results WHERE execution_id = ? ORDER BY thread`, []any{id}, func(rows *sql.Rows) error {
		var b BranchResult
		var output string
		if err := rows.Scan(&b.Thread, &output, &b.Error, &b.Cause); err != nil {
			return err
		}
		if output != "" {
			b.Output = json.RawMessage(output)
		}
		r.Results = append(r.Results, b)
		return nil
	})
	if err != nil {
		return err
	}
	err = queryRows(ctx, tx, `SELECT token, thread, deadline, heartbeat_deadline FROM task_tokens WHERE execution_id = ? ORDER BY thread, token`, []any{id}, func(rows *sql.Rows) error {
		t := Token{ExecutionARN: arn}
		var deadline, beat int64
		if err := rows.Scan(&t.Token, &t.Thread, &deadline, &beat); err != nil {
			return err
		}
		t.Deadline, t.HeartbeatDeadline = fromNanos(deadline), fromNanos(beat)
		r.Tokens = append(r.Tokens, t)
		return nil
	})
	if err != nil {
		return err
	}
	return queryRows(ctx, tx, `SELECT thread, fire_at FROM timers WHERE execution_id = ? ORDER BY thread`, []any{id}, func(rows *sql.Rows) error {
		t := Timer{ExecutionARN: arn}
		var fire int64
		if err := rows.Scan(&t.Thread, &fire); err != nil {
			return err
		}
		t.FireAt = fromNanos(fire)
		r.Timers = append(r.Timers, t)
		return nil
	})
}

// queryRows runs query in tx and calls scan for each row.
func queryRows(ctx context.Context, tx *sql.Tx, query string, args []any, scan func(*sql.Rows) error) error {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// DueTimers returns the timers of running executions that fire at or before now, earliest
// first.
func (s *Store) DueTimers(ctx context.Context, now time.Time) ([]Timer, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT e.arn, t.thread, t.fire_at FROM timers t JOIN executions e ON e.id = t.execution_id
		WHERE t.fire_at <= ? ORDER BY t.fire_at, e.arn, t.thread`, nanos(now))
	if err != nil {
		return nil, fmt.Errorf("reading due timers: %w", err)
	}
	defer rows.Close()
	var out []Timer
	for rows.Next() {
		var t Timer
		var fire int64
		if err := rows.Scan(&t.ExecutionARN, &t.Thread, &fire); err != nil {
			return nil, fmt.Errorf("reading due timers: %w", err)
		}
		t.FireAt = fromNanos(fire)
		out = append(out, t)
	}
	return out, rows.Err()
}

const tokenQuery = `SELECT t.token, e.arn, t.thread, t.deadline, t.heartbeat_deadline FROM task_tokens t JOIN executions e ON e.id = t.execution_id`

func scanToken(r scanner) (Token, error) {
	var t Token
	var deadline, beat int64
	if err := r.Scan(&t.Token, &t.ExecutionARN, &t.Thread, &deadline, &beat); err != nil {
		return Token{}, err
	}
	t.Deadline, t.HeartbeatDeadline = fromNanos(deadline), fromNanos(beat)
	return t, nil
}

// PendingTokens returns every task token that a task waits on, ordered by execution.
func (s *Store) PendingTokens(ctx context.Context) ([]Token, error) {
	rows, err := s.reader.QueryContext(ctx, tokenQuery+` ORDER BY e.arn, t.thread, t.token`)
	if err != nil {
		return nil, fmt.Errorf("reading pending task tokens: %w", err)
	}
	defer rows.Close()
	var out []Token
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, fmt.Errorf("reading pending task tokens: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// LookupToken returns the pending task token, or *TaskDoesNotExist. The error never
// contains the token, which is a secret of the task's worker.
func (s *Store) LookupToken(ctx context.Context, token string) (Token, error) {
	t, err := scanToken(s.reader.QueryRowContext(ctx, tokenQuery+` WHERE t.token = ?`, token))
	if isNoRows(err) {
		return Token{}, &TaskDoesNotExist{}
	}
	if err != nil {
		return Token{}, fmt.Errorf("looking up a task token: %w", err)
	}
	return t, nil
}
