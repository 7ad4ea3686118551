package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
)

// PutStateMachine stores sm, replacing the definition and substitutions of a state machine
// with the same ARN as CreateStateMachine of the engine does. The first CreatedAt stays.
func (s *Store) PutStateMachine(ctx context.Context, sm StateMachine) error {
	if sm.ARN == "" || sm.Name == "" {
		return fmt.Errorf("storing state machine %q: ARN and name are required", sm.ARN)
	}
	subs := sm.Substitutions
	if subs == nil {
		subs = map[string]string{}
	}
	text, err := json.Marshal(subs)
	if err != nil {
		return fmt.Errorf("storing state machine %q: encoding substitutions: %w", sm.ARN, err)
	}
	_, err = s.writer.ExecContext(ctx, `INSERT INTO state_machines (arn, name, definition, substitutions, created_at)
		VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (arn) DO UPDATE SET definition = excluded.definition, substitutions = excluded.substitutions`,
		sm.ARN, sm.Name, sm.Definition, string(text), nanos(sm.CreatedAt))
	if err != nil {
		return fmt.Errorf("storing state machine %q: %w", sm.ARN, err)
	}
	return nil
}

// GetStateMachine returns the state machine arn, or *StateMachineDoesNotExist.
func (s *Store) GetStateMachine(ctx context.Context, arn string) (StateMachine, error) {
	row := s.reader.QueryRowContext(ctx, `SELECT arn, name, definition, substitutions, created_at FROM state_machines WHERE arn = ?`, arn)
	sm, err := scanStateMachine(row)
	if errors.Is(err, sql.ErrNoRows) {
		return StateMachine{}, &StateMachineDoesNotExist{ARN: arn}
	}
	if err != nil {
		return StateMachine{}, fmt.Errorf("reading state machine %q: %w", arn, err)
	}
	return sm, nil
}

// ListStateMachines returns every state machine, ordered by name, so a restarted engine can
// register them again before it resumes executions.
func (s *Store) ListStateMachines(ctx context.Context) ([]StateMachine, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT arn, name, definition, substitutions, created_at FROM state_machines ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("listing state machines: %w", err)
	}
	defer rows.Close()
	var out []StateMachine
	for rows.Next() {
		sm, err := scanStateMachine(rows)
		if err != nil {
			return nil, fmt.Errorf("listing state machines: %w", err)
		}
		out = append(out, sm)
	}
	return out, rows.Err()
}

type scanner interface{ Scan(dest ...any) error }

func scanStateMachine(r scanner) (StateMachine, error) {
	var sm StateMachine
	var subs string
	var created int64
	if err := r.Scan(&sm.ARN, &sm.Name, &sm.Definition, &subs, &created); err != nil {
		return StateMachine{}, err
	}
	if err := json.Unmarshal([]byte(subs), &sm.Substitutions); err != nil {
		return StateMachine{}, fmt.Errorf("decoding substitutions of %q: %w", sm.ARN, err)
	}
	sm.CreatedAt = fromNanos(created)
	return sm, nil
}
