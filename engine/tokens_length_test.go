package engine

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func TestSendTaskSuccessTokenLength(t *testing.T) {
	e := New(Options{})
	var notFound *TaskDoesNotExist
	err := e.SendTaskSuccess(context.Background(), strings.Repeat("a", maxTaskTokenLength), `{}`)
	if !errors.As(err, &notFound) {
		t.Errorf("a %d-character token: error = %v, want TaskDoesNotExist (accepted, but no task waits)", maxTaskTokenLength, err)
	}
	var invalid *InvalidToken
	err = e.SendTaskSuccess(context.Background(), strings.Repeat("a", maxTaskTokenLength+1), `{}`)
	if !errors.As(err, &invalid) {
		t.Errorf("a %d-character token: error = %v, want InvalidToken", maxTaskTokenLength+1, err)
	}
}
