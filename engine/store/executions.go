package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

const executionColumns = `arn, name, state_machine_arn, input, status, output, error, cause, started_at, stopped_at, last_event_id`

// CreateExecution stores a new RUNNING execution x, with Status, Output and the stop fields
// ignored. It is idempotent as StartExecution is for Standard workflows. When x.ARN exists,
// is running and has the same input, it returns that execution and created false. A
// different input or a stopped execution returns *ExecutionAlreadyExists. The unique ARN
// decides inside the transaction, so two concurrent calls cannot both create it.
func (s *Store) CreateExecution(ctx context.Context, x Execution) (stored Execution, created bool, err error) {
	if x.ARN == "" || x.Name == "" {
		return Execution{}, false, fmt.Errorf("creating execution %q: ARN and name are required", x.ARN)
	}
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return Execution{}, false, fmt.Errorf("creating execution %q: %w", x.ARN, err)
	}
	defer tx.Rollback()

	var machines int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM state_machines WHERE arn = ?`, x.StateMachineARN).Scan(&machines); err != nil {
		return Execution{}, false, fmt.Errorf("creating execution %q: %w", x.ARN, err)
	}
	if machines == 0 {
		return Execution{}, false, &StateMachineDoesNotExist{ARN: x.StateMachineARN}
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO executions (arn, name, state_machine_arn, input, status, started_at, parent_token, sync_pattern, parent_execution)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (arn) DO NOTHING`,
		x.ARN, x.Name, x.StateMachineARN, x.Input, StatusRunning, nanos(x.StartedAt), x.ParentToken, x.SyncPattern, x.ParentExecution)
	if err != nil {
		return Execution{}, false, fmt.Errorf("creating execution %q: %w", x.ARN, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return Execution{}, false, fmt.Errorf("creating execution %q: %w", x.ARN, err)
	}
	stored, err = scanExecution(tx.QueryRowContext(ctx, `SELECT `+executionColumns+` FROM executions WHERE arn = ?`, x.ARN))
	if err != nil {
		return Execution{}, false, fmt.Errorf("creating execution %q: %w", x.ARN, err)
	}
	if n == 0 {
		if stored.Input != x.Input || stored.Status != StatusRunning {
			return Execution{}, false, &ExecutionAlreadyExists{ARN: x.ARN}
		}
		return stored, false, nil
	}
	if err := tx.Commit(); err != nil {
		return Execution{}, false, fmt.Errorf("creating execution %q: %w", x.ARN, err)
	}
	return stored, true, nil
}

// LinkParent makes the running execution arn the child of the .sync task waiting on
// parentToken, replacing an earlier link. It returns *ExecutionDoesNotExist when arn is not
// running.
func (s *Store) LinkParent(ctx context.Context, arn, parentToken, syncPattern string) error {
	res, err := s.writer.ExecContext(ctx, `UPDATE executions SET parent_token = ?, sync_pattern = ? WHERE arn = ? AND status = ?`,
		parentToken, syncPattern, arn, StatusRunning)
	if err != nil {
		return fmt.Errorf("linking execution %q to its parent task: %w", arn, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("linking execution %q to its parent task: %w", arn, err)
	}
	if n == 0 {
		return &ExecutionDoesNotExist{ARN: arn}
	}
	return nil
}

// DescribeExecution returns the execution arn, or *ExecutionDoesNotExist.
func (s *Store) DescribeExecution(ctx context.Context, arn string) (Execution, error) {
	x, err := scanExecution(s.reader.QueryRowContext(ctx, `SELECT `+executionColumns+` FROM executions WHERE arn = ?`, arn))
	if errors.Is(err, sql.ErrNoRows) {
		return Execution{}, &ExecutionDoesNotExist{ARN: arn}
	}
	if err != nil {
		return Execution{}, fmt.Errorf("reading execution %q: %w", arn, err)
	}
	return x, nil
}

// ParentExecution returns the ARN of the execution whose startExecution task started the
// execution arn, "" for one started through the API, or *ExecutionDoesNotExist.
func (s *Store) ParentExecution(ctx context.Context, arn string) (string, error) {
	var parent string
	err := s.reader.QueryRowContext(ctx, `SELECT parent_execution FROM executions WHERE arn = ?`, arn).Scan(&parent)
	if errors.Is(err, sql.ErrNoRows) {
		return "", &ExecutionDoesNotExist{ARN: arn}
	}
	if err != nil {
		return "", fmt.Errorf("reading the parent of execution %q: %w", arn, err)
	}
	return parent, nil
}

func scanExecution(r scanner) (Execution, error) {
	var x Execution
	var started, stopped int64
	err := r.Scan(&x.ARN, &x.Name, &x.StateMachineARN, &x.Input, &x.Status, &x.Output, &x.Error, &x.Cause, &started, &stopped, &x.LastEventID)
	if err != nil {
		return Execution{}, err
	}
	x.StartedAt = fromNanos(started)
	x.StoppedAt = fromNanos(stopped)
	return x, nil
}
