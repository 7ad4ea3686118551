package store

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

func TestGetExecutionHistoryPages(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	putMachine(t, s)
	arn := startExecution(t, s, "long")
	for after := int64(0); after < 24; after += 2 {
		commit(t, s, transition(arn, "", after, "S"))
	}

	tests := []struct {
		reverse bool
		want    string
	}{
		{false, "[1 2 3 4 5 6 7 8 9 10] [11 12 13 14 15 16 17 18 19 20] [21 22 23 24]"},
		{true, "[24 23 22 21 20 19 18 17 16 15] [14 13 12 11 10 9 8 7 6 5] [4 3 2 1]"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("reverse=%v", tt.reverse), func(t *testing.T) {
			var pages []string
			q := HistoryQuery{MaxResults: 10, ReverseOrder: tt.reverse}
			for {
				page, err := s.GetExecutionHistory(ctx, arn, q)
				if err != nil {
					t.Fatalf("GetExecutionHistory = %v", err)
				}
				var ids []int64
				for _, ev := range page.Events {
					ids = append(ids, ev.ID)
				}
				pages = append(pages, fmt.Sprint(ids))
				if page.NextToken == "" {
					break
				}
				q.NextToken = page.NextToken
			}
			if got := fmt.Sprint(pages[0], " ", pages[1], " ", pages[2]); len(pages) != 3 || got != tt.want {
				t.Errorf("pages = %v, want %s", pages, tt.want)
			}
		})
	}
}

func TestGetExecutionHistoryRejects(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	putMachine(t, s)
	arn := startExecution(t, s, "a")
	other := startExecution(t, s, "b")
	for after := int64(0); after < 6; after += 2 {
		commit(t, s, transition(arn, "", after, "S"))
	}
	page, err := s.GetExecutionHistory(ctx, arn, HistoryQuery{MaxResults: 2})
	if err != nil || page.NextToken == "" {
		t.Fatalf("GetExecutionHistory = %v, %v; want a next token", page, err)
	}

	if _, err := s.GetExecutionHistory(ctx, other, HistoryQuery{NextToken: page.NextToken}); !errors.As(err, new(*InvalidToken)) {
		t.Errorf("token of another execution: %v, want InvalidToken", err)
	}
	if _, err := s.GetExecutionHistory(ctx, arn, HistoryQuery{NextToken: page.NextToken, ReverseOrder: true}); !errors.As(err, new(*InvalidToken)) {
		t.Errorf("token of the other direction: %v, want InvalidToken", err)
	}
	if _, err := s.GetExecutionHistory(ctx, arn, HistoryQuery{NextToken: "%%%"}); !errors.As(err, new(*InvalidToken)) {
		t.Errorf("garbage token: %v, want InvalidToken", err)
	}
	if _, err := s.GetExecutionHistory(ctx, arn, HistoryQuery{MaxResults: MaxPageSize + 1}); err == nil {
		t.Errorf("page size %d: nil error, want one", MaxPageSize+1)
	}
	if _, err := s.GetExecutionHistory(ctx, arn+"x", HistoryQuery{}); !errors.As(err, new(*ExecutionDoesNotExist)) {
		t.Errorf("unknown execution: %v, want ExecutionDoesNotExist", err)
	}
}

func TestListExecutionsFiltersAndPages(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	putMachine(t, s)
	other := "arn:aws:states:us-east-1:123456789012:stateMachine:triage"
	if err := s.PutStateMachine(ctx, StateMachine{ARN: other, Name: "triage", Definition: "{}"}); err != nil {
		t.Fatal(err)
	}
	for i := range 7 {
		name := fmt.Sprintf("run-%d", i)
		_, _, err := s.CreateExecution(ctx, Execution{ARN: executionARN(name), Name: name, StateMachineARN: machineARN, Input: "{}", StartedAt: t0.Add(time.Duration(i) * time.Minute)})
		if err != nil {
			t.Fatal(err)
		}
		if i%2 == 1 {
			commit(t, s, Step{ExecutionARN: executionARN(name), End: &ExecutionEnd{Status: StatusSucceeded, StoppedAt: t0.Add(time.Hour)}})
		}
	}
	if _, _, err := s.CreateExecution(ctx, Execution{ARN: "arn:triage:x", Name: "x", StateMachineARN: other, Input: "{}", StartedAt: t0}); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		q    ListQuery
		want string
	}{
		{"machine", ListQuery{StateMachineARN: machineARN, MaxResults: 3}, "[run-6 run-5 run-4] [run-3 run-2 run-1] [run-0]"},
		{"running", ListQuery{StateMachineARN: machineARN, Status: StatusRunning, MaxResults: 2}, "[run-6 run-4] [run-2 run-0]"},
		{"succeeded", ListQuery{Status: StatusSucceeded}, "[run-5 run-3 run-1]"},
		{"other machine", ListQuery{StateMachineARN: other}, "[x]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var pages []string
			q := tt.q
			for {
				page, err := s.ListExecutions(ctx, q)
				if err != nil {
					t.Fatalf("ListExecutions = %v", err)
				}
				var names []string
				for _, x := range page.Executions {
					names = append(names, x.Name)
				}
				pages = append(pages, fmt.Sprint(names))
				if page.NextToken == "" {
					break
				}
				q.NextToken = page.NextToken
			}
			if got := fmt.Sprint(pages); got != "["+tt.want+"]" {
				t.Errorf("pages = %s, want [%s]", got, tt.want)
			}
		})
	}

	if _, err := s.ListExecutions(ctx, ListQuery{Status: "DONE"}); err == nil {
		t.Error("status DONE: nil error, want one")
	}
	page, _ := s.ListExecutions(ctx, ListQuery{MaxResults: 1})
	if _, err := s.ListExecutions(ctx, ListQuery{Status: StatusRunning, NextToken: page.NextToken}); !errors.As(err, new(*InvalidToken)) {
		t.Errorf("token of another filter: %v, want InvalidToken", err)
	}
}

func TestThreadPaths(t *testing.T) {
	tests := []struct {
		path       string
		wantParent string
		wantIndex  int
		wantErr    bool
	}{
		{"Map:3", "", 3, false},
		{"Map:3/Parallel:1", "Map:3", 1, false},
		{"Parallel:0/Map:12/Map:7", "Parallel:0/Map:12", 7, false},
		{"", "", 0, true},
		{"Loop:1", "", 0, true},
		{"Map:-1", "", 0, true},
		{"Map:01", "", 0, true},
		{"Map:1/", "", 0, true},
		{"Map", "", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			parent, index, err := ParentThread(tt.path)
			if (err != nil) != tt.wantErr {
				t.Fatalf("ParentThread(%q) error = %v, want error %v", tt.path, err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if parent != tt.wantParent || index != tt.wantIndex {
				t.Errorf("ParentThread(%q) = %q, %d; want %q, %d", tt.path, parent, index, tt.wantParent, tt.wantIndex)
			}
			kind := tt.path[len(parent):]
			if parent != "" {
				kind = kind[1:]
			}
			kind = kind[:len(kind)-len(fmt.Sprint(index))-1]
			if got := ChildThread(parent, kind, index); got != tt.path {
				t.Errorf("ChildThread(%q, %q, %d) = %q, want %q", parent, kind, index, got, tt.path)
			}
		})
	}
}
