package awssecrets

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"

	"github.com/secamo/orchestrator/secrets"
)

// fakeClient serves GetSecretValue from maps, like Secrets Manager: a missing name returns
// ResourceNotFoundException, and a binary secret has only SecretBinary.
type fakeClient struct {
	mu     sync.Mutex
	values map[string]string
	binary map[string][]byte
	calls  map[string]int
}

func newFakeClient(values map[string]string) *fakeClient {
	return &fakeClient{values: values, binary: map[string][]byte{}, calls: map[string]int{}}
}

func (f *fakeClient) GetSecretValue(_ context.Context, in *secretsmanager.GetSecretValueInput, _ ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	name := aws.ToString(in.SecretId)
	f.calls[name]++
	if b, ok := f.binary[name]; ok {
		return &secretsmanager.GetSecretValueOutput{Name: &name, SecretBinary: b}, nil
	}
	v, ok := f.values[name]
	if !ok {
		return nil, &types.ResourceNotFoundException{Message: aws.String("Secrets Manager can't find the specified secret.")}
	}
	return &secretsmanager.GetSecretValueOutput{Name: &name, SecretString: &v}, nil
}

func (f *fakeClient) set(name, value string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.values[name] = value
}

func (f *fakeClient) count(name string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[name]
}

type fakeClock struct{ now time.Time }

func (c *fakeClock) Now() time.Time { return c.now }

func TestResolveCachesUntilTTL(t *testing.T) {
	client := newFakeClient(map[string]string{"example/graph": "first"})
	clock := &fakeClock{now: time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)}
	r := New(client, Options{Clock: clock, TTL: 5 * time.Minute})
	ctx := context.Background()
	ref := secrets.Ref("secretsmanager:example/graph")

	steps := []struct {
		advance   time.Duration
		rotate    string
		want      string
		wantCalls int
	}{
		{0, "", "first", 1},
		{4 * time.Minute, "second", "first", 1}, // cached: the rotation is not seen yet
		{time.Minute, "", "second", 2},          // exactly at the TTL the value is read again
		{time.Minute, "", "second", 2},
	}
	for i, s := range steps {
		clock.now = clock.now.Add(s.advance)
		if s.rotate != "" {
			client.set("example/graph", s.rotate)
		}
		got, err := r.Resolve(ctx, ref)
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if got != s.want {
			t.Errorf("step %d: Resolve = %q, want %q", i, got, s.want)
		}
		if n := client.count("example/graph"); n != s.wantCalls {
			t.Errorf("step %d: %d GetSecretValue calls, want %d", i, n, s.wantCalls)
		}
	}
}

func TestResolveWithoutCache(t *testing.T) {
	client := newFakeClient(map[string]string{"k": "v"})
	r := New(client, Options{Clock: &fakeClock{}, TTL: -1})
	for range 3 {
		if _, err := r.Resolve(context.Background(), "secretsmanager:k"); err != nil {
			t.Fatal(err)
		}
	}
	if n := client.count("k"); n != 3 {
		t.Errorf("%d GetSecretValue calls with the cache off, want 3", n)
	}
}

func TestResolveErrors(t *testing.T) {
	client := newFakeClient(map[string]string{})
	client.binary["example/cert"] = []byte{0x30, 0x82}
	r := New(client, Options{Clock: &fakeClock{}})
	tests := []struct {
		ref      secrets.Ref
		notFound bool
		contains string
	}{
		{"secretsmanager:example/missing", true, "no such secret"},
		{"secretsmanager:example/cert", false, "no SecretString"},
		{"env:GRAPH_SECRET", false, "only secretsmanager:"},
		{"plain-secret-value", false, "invalid secret reference"},
	}
	for _, tt := range tests {
		t.Run(string(tt.ref), func(t *testing.T) {
			_, err := r.Resolve(context.Background(), tt.ref)
			if err == nil {
				t.Fatal("Resolve succeeded, want an error")
			}
			if got := errors.Is(err, secrets.ErrNotFound); got != tt.notFound {
				t.Errorf("errors.Is(err, ErrNotFound) = %v, want %v (err: %v)", got, tt.notFound, err)
			}
			if !strings.Contains(err.Error(), tt.contains) {
				t.Errorf("error %q does not contain %q", err, tt.contains)
			}
		})
	}
	// A failed read is not cached: once the secret exists, it resolves.
	client.set("example/missing", "now-present")
	if v, err := r.Resolve(context.Background(), "secretsmanager:example/missing"); err != nil || v != "now-present" {
		t.Errorf("Resolve after creating the secret = %q, %v", v, err)
	}
}

func TestRoutingBySchemes(t *testing.T) {
	client := newFakeClient(map[string]string{"example/teams": "from-aws"})
	routing := Routing{
		SecretsManager: New(client, Options{Clock: &fakeClock{}}),
		Local:          secrets.Local{Getenv: func(k string) string { return map[string]string{"SMTP_PASSWORD": "from-env"}[k] }},
	}
	tests := []struct {
		ref  secrets.Ref
		want string
	}{
		{"secretsmanager:example/teams", "from-aws"},
		{"env:SMTP_PASSWORD", "from-env"},
	}
	for _, tt := range tests {
		got, err := routing.Resolve(context.Background(), tt.ref)
		if err != nil || got != tt.want {
			t.Errorf("Resolve(%s) = %q, %v; want %q", tt.ref, got, err, tt.want)
		}
	}
	if _, err := (Routing{}).Resolve(context.Background(), "secretsmanager:x"); err == nil {
		t.Error("Routing without a Secrets Manager resolver resolved a secretsmanager: reference")
	}
}
