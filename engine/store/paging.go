package store

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"strings"
)

// Page sizes, as the Step Functions API has them.
const (
	DefaultPageSize = 100
	MaxPageSize     = 1000
)

// pageToken is the content of a next token: the request it belongs to and the key of the
// last item returned.
type pageToken struct {
	Request string `json:"r"`
	Started int64  `json:"s,omitempty"`
	ID      int64  `json:"i"`
}

func requestKey(parts ...string) string {
	h := fnv.New64a()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return fmt.Sprintf("%x", h.Sum64())
}

func encodeToken(t pageToken) string {
	b, _ := json.Marshal(t)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeToken(s, request string) (pageToken, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return pageToken{}, &InvalidToken{Reason: "not base64url text"}
	}
	var t pageToken
	if err := json.Unmarshal(b, &t); err != nil {
		return pageToken{}, &InvalidToken{Reason: "not a token of this store"}
	}
	if t.Request != request {
		return pageToken{}, &InvalidToken{Reason: "issued for another request"}
	}
	return t, nil
}

func pageSize(n int) (int, error) {
	switch {
	case n == 0:
		return DefaultPageSize, nil
	case n < 0 || n > MaxPageSize:
		return 0, fmt.Errorf("page size %d is invalid: use 1 to %d, or 0 for %d", n, MaxPageSize, DefaultPageSize)
	}
	return n, nil
}

// ListQuery selects executions for ListExecutions. Empty fields select all.
type ListQuery struct {
	StateMachineARN string
	Status          string // RUNNING, SUCCEEDED, FAILED, TIMED_OUT or ABORTED
	MaxResults      int    // 1 to MaxPageSize; 0 means DefaultPageSize
	NextToken       string
}

// ExecutionPage is one page of ListExecutions. NextToken is "" on the last page.
type ExecutionPage struct {
	Executions []Execution
	NextToken  string
}

// ListExecutions returns executions newest first, as the API lists them.
func (s *Store) ListExecutions(ctx context.Context, q ListQuery) (ExecutionPage, error) {
	size, err := pageSize(q.MaxResults)
	if err != nil {
		return ExecutionPage{}, fmt.Errorf("listing executions: %w", err)
	}
	switch q.Status {
	case "", StatusRunning, StatusSucceeded, StatusFailed, StatusTimedOut, StatusAborted:
	default:
		return ExecutionPage{}, fmt.Errorf("listing executions: status %q is invalid: use RUNNING, SUCCEEDED, FAILED, TIMED_OUT or ABORTED", q.Status)
	}
	request := requestKey("executions", q.StateMachineARN, q.Status)

	var where []string
	var args []any
	if q.StateMachineARN != "" {
		where = append(where, "state_machine_arn = ?")
		args = append(args, q.StateMachineARN)
	}
	if q.Status != "" {
		where = append(where, "status = ?")
		args = append(args, q.Status)
	}
	if q.NextToken != "" {
		t, err := decodeToken(q.NextToken, request)
		if err != nil {
			return ExecutionPage{}, err
		}
		where = append(where, "(started_at, id) < (?, ?)")
		args = append(args, t.Started, t.ID)
	}
	query := `SELECT ` + executionColumns + `, id FROM executions`
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	query += " ORDER BY started_at DESC, id DESC LIMIT ?"
	args = append(args, size+1)

	rows, err := s.reader.QueryContext(ctx, query, args...)
	if err != nil {
		return ExecutionPage{}, fmt.Errorf("listing executions: %w", err)
	}
	defer rows.Close()
	var page ExecutionPage
	var last pageToken
	for rows.Next() {
		if len(page.Executions) == size {
			page.NextToken = encodeToken(last)
			break
		}
		var x Execution
		var started, stopped, id int64
		err := rows.Scan(&x.ARN, &x.Name, &x.StateMachineARN, &x.Input, &x.Status, &x.Output, &x.Error, &x.Cause, &started, &stopped, &x.LastEventID, &id)
		if err != nil {
			return ExecutionPage{}, fmt.Errorf("listing executions: %w", err)
		}
		x.StartedAt, x.StoppedAt = fromNanos(started), fromNanos(stopped)
		page.Executions = append(page.Executions, x)
		last = pageToken{Request: request, Started: started, ID: id}
	}
	if err := rows.Err(); err != nil {
		return ExecutionPage{}, fmt.Errorf("listing executions: %w", err)
	}
	return page, nil
}

// HistoryQuery selects a page of GetExecutionHistory.
type HistoryQuery struct {
	MaxResults   int // 1 to MaxPageSize; 0 means DefaultPageSize
	NextToken    string
	ReverseOrder bool // newest event first
}

// HistoryPage is one page of GetExecutionHistory. NextToken is "" on the last page.
type HistoryPage struct {
	Events    []Event
	NextToken string
}

// GetExecutionHistory returns a page of the history of execution arn, or
// *ExecutionDoesNotExist.
func (s *Store) GetExecutionHistory(ctx context.Context, arn string, q HistoryQuery) (HistoryPage, error) {
	size, err := pageSize(q.MaxResults)
	if err != nil {
		return HistoryPage{}, fmt.Errorf("reading history of %q: %w", arn, err)
	}
	request := requestKey("history", arn, fmt.Sprint(q.ReverseOrder))
	var after int64
	if q.NextToken != "" {
		t, err := decodeToken(q.NextToken, request)
		if err != nil {
			return HistoryPage{}, err
		}
		after = t.ID
	}
	var execID int64
	if err := s.reader.QueryRowContext(ctx, `SELECT id FROM executions WHERE arn = ?`, arn).Scan(&execID); err != nil {
		if isNoRows(err) {
			return HistoryPage{}, &ExecutionDoesNotExist{ARN: arn}
		}
		return HistoryPage{}, fmt.Errorf("reading history of %q: %w", arn, err)
	}

	query := `SELECT id, previous_event_id, timestamp, type, details FROM history_events WHERE execution_id = ? AND id > ? ORDER BY id LIMIT ?`
	args := []any{execID, after, size + 1}
	if q.ReverseOrder {
		query = `SELECT id, previous_event_id, timestamp, type, details FROM history_events WHERE execution_id = ? AND id < ? ORDER BY id DESC LIMIT ?`
		if q.NextToken == "" {
			after = 1 << 62
		}
		args = []any{execID, after, size + 1}
	}
	rows, err := s.reader.QueryContext(ctx, query, args...)
	if err != nil {
		return HistoryPage{}, fmt.Errorf("reading history of %q: %w", arn, err)
	}
	defer rows.Close()
	var page HistoryPage
	for rows.Next() {
		if len(page.Events) == size {
			page.NextToken = encodeToken(pageToken{Request: request, ID: page.Events[size-1].ID})
			break
		}
		ev, err := scanEvent(rows)
		if err != nil {
			return HistoryPage{}, fmt.Errorf("reading history of %q: %w", arn, err)
		}
		page.Events = append(page.Events, ev)
	}
	if err := rows.Err(); err != nil {
		return HistoryPage{}, fmt.Errorf("reading history of %q: %w", arn, err)
	}
	return page, nil
}

func scanEvent(r scanner) (Event, error) {
	var ev Event
	var ts int64
	var details *string
	if err := r.Scan(&ev.ID, &ev.PreviousEventID, &ts, &ev.Type, &details); err != nil {
		return Event{}, err
	}
	ev.Timestamp = fromNanos(ts)
	if details != nil {
		ev.Details = json.RawMessage(*details)
	}
	return ev, nil
}
