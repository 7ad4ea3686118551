package main

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/secamo/orchestrator/events/ingest"
)

func TestS3EvidencePut(t *testing.T) {
	fake := newFakeAWS(nil)
	store := s3Evidence{client: fake, bucket: "evidence-example"}
	doc := []byte(`{"tenant":"example"}`)
	location, err := store.Put(context.Background(), "example/user-offboarding/101.json", doc)
	if err != nil {
		t.Fatal(err)
	}
	if want := "s3://evidence-example/evidence/example/user-offboarding/101.json"; location != want {
		t.Errorf("location = %q, want %q", location, want)
	}
	if got := fake.objects["evidence-example/evidence/example/user-offboarding/101.json"]; string(got) != string(doc) {
		t.Errorf("stored %q, want %q", got, doc)
	}
}

func TestS3QuarantineKey(t *testing.T) {
	fake := newFakeAWS(nil)
	q := s3Quarantine{client: fake, bucket: "b"}
	rec := ingest.Record{ID: "0123abcd", Kind: ingest.KindRejected, Time: time.Date(2026, 12, 4, 9, 30, 0, 0, time.UTC), Tenant: "acme/../x y", Body: "{}"}
	if err := q.Keep(context.Background(), rec); err != nil {
		t.Fatal(err)
	}
	want := "b/quarantine/acme_.._x_y/20261204T093000Z-rejected-0123abcd.json"
	if _, ok := fake.objects[want]; !ok {
		t.Errorf("objects = %v, want %s", fake.objects, want)
	}
}

func TestStarterErrors(t *testing.T) {
	fake := newFakeAWS(nil)
	s := &sfnStarter{client: fake, machines: map[string]string{"user-offboarding": offboardingARN}}
	ctx := context.Background()

	_, err := s.StartExecution(ctx, "alert-triage", "n", "{}")
	if err == nil || !strings.Contains(err.Error(), "STATE_MACHINES, which lists user-offboarding") {
		t.Errorf("unknown workflow error = %v, want STATE_MACHINES and its workflows named", err)
	}

	if _, err := s.StartExecution(ctx, "user-offboarding", "n", `{"detail":{"a":1}}`); err != nil {
		t.Fatal(err)
	}
	_, err = s.StartExecution(ctx, "user-offboarding", "n", `{"detail":{"a":2}}`)
	var exists *sfntypes.ExecutionAlreadyExists
	if !errors.As(err, &exists) {
		t.Errorf("same name, other input: error = %v, want ExecutionAlreadyExists wrapped", err)
	}

	if _, err := s.StartExecution(ctx, "user-offboarding", "m", `{"id":"no detail"}`); err == nil || !strings.Contains(err.Error(), "no detail object") {
		t.Errorf("envelope without detail: error = %v, want it named", err)
	}
}
