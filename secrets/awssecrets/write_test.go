package awssecrets

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/secamo/orchestrator/secrets"
)

// secretsManagerServer speaks Secrets Manager's JSON protocol for GetSecretValue and
// PutSecretValue over a map of secret strings.
type secretsManagerServer struct {
	mu     sync.Mutex
	values map[string]string
	puts   int
}

func (s *secretsManagerServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var in struct{ SecretId, SecretString string }
	body, _ := io.ReadAll(r.Body)
	if err := json.Unmarshal(body, &in); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	value, ok := s.values[in.SecretId]
	if !ok {
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, `{"__type":"ResourceNotFoundException","message":"Secrets Manager can't find the specified secret."}`)
		return
	}
	switch r.Header.Get("X-Amz-Target") {
	case "secretsmanager.PutSecretValue":
		s.values[in.SecretId] = in.SecretString
		s.puts++
		_ = json.NewEncoder(w).Encode(map[string]any{"ARN": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:" + in.SecretId + "-AbCdEf", "Name": in.SecretId, "VersionId": "v2"})
	case "secretsmanager.GetSecretValue":
		_ = json.NewEncoder(w).Encode(map[string]any{"Name": in.SecretId, "SecretString": value, "VersionId": "v1"})
	default:
		http.Error(w, "unexpected target "+r.Header.Get("X-Amz-Target"), http.StatusBadRequest)
	}
}

func TestWriteStoresNewVersion(t *testing.T) {
	server := &secretsManagerServer{values: map[string]string{"acme/jira-refresh-token": "old"}}
	ts := httptest.NewServer(server)
	defer ts.Close()
	client := secretsmanager.New(secretsmanager.Options{
		Region:       "eu-west-1",
		BaseEndpoint: aws.String(ts.URL),
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", ""),
	})
	r := New(client, Options{TTL: -1})
	ctx := context.Background()
	ref := secrets.Ref("secretsmanager:acme/jira-refresh-token")

	if err := r.Write(ctx, ref, "rotated"); err != nil {
		t.Fatalf("Write: %v", err)
	}
	if server.puts != 1 || server.values["acme/jira-refresh-token"] != "rotated" {
		t.Errorf("after Write: %d puts, value %q; want one put of the rotated value", server.puts, server.values["acme/jira-refresh-token"])
	}
	if got, err := r.Resolve(ctx, ref); err != nil || got != "rotated" {
		t.Errorf("Resolve after Write = %q, %v; want the rotated value", got, err)
	}

	err := r.Write(ctx, "secretsmanager:acme/missing", "x")
	if !errors.Is(err, secrets.ErrNotFound) {
		t.Errorf("Write of a missing secret: error = %v, want secrets.ErrNotFound", err)
	}
	if err := r.Write(ctx, "file:/tmp/x", "x"); err == nil {
		t.Error("Write of a file: reference through Secrets Manager succeeded, want an error")
	}
}

func TestRoutingWrite(t *testing.T) {
	path := t.TempDir() + "/token"
	r := Routing{SecretsManager: New(newFakeClient(nil), Options{})}
	ctx := context.Background()
	if err := r.Write(ctx, secrets.Ref("file:"+path), "rotated"); err != nil {
		t.Fatalf("Write of a file: reference: %v", err)
	}
	if got, err := r.Resolve(ctx, secrets.Ref("file:"+path)); err != nil || got != "rotated" {
		t.Errorf("Resolve = %q, %v; want the value written", got, err)
	}
	if err := r.Write(ctx, "env:TOKEN", "x"); err == nil {
		t.Error("Write of an env: reference succeeded, want an error")
	}
	// The fake client has no PutSecretValue.
	if err := r.Write(ctx, "secretsmanager:acme/x", "x"); err == nil {
		t.Error("Write through a client without PutSecretValue succeeded, want an error")
	}
}

func TestResolveFreshSkipsTheCache(t *testing.T) {
	server := &secretsManagerServer{values: map[string]string{"acme/jira-refresh-token": "old"}}
	ts := httptest.NewServer(server)
	defer ts.Close()
	client := secretsmanager.New(secretsmanager.Options{
		Region: "eu-west-1", BaseEndpoint: aws.String(ts.URL),
		Credentials: credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", ""),
	})
	r := Routing{SecretsManager: New(client, Options{})}
	ctx := context.Background()
	ref := secrets.Ref("secretsmanager:acme/jira-refresh-token")
	if got, _ := r.Resolve(ctx, ref); got != "old" {
		t.Fatalf("Resolve = %q, want old", got)
	}
	server.mu.Lock()
	server.values["acme/jira-refresh-token"] = "rotated elsewhere"
	server.mu.Unlock()
	if got, _ := r.Resolve(ctx, ref); got != "old" {
		t.Errorf("Resolve within the cache's lifetime = %q, want the cached old value", got)
	}
	if got, err := r.ResolveFresh(ctx, ref); err != nil || got != "rotated elsewhere" {
		t.Errorf("ResolveFresh = %q, %v; want the value another process stored", got, err)
	}
}
