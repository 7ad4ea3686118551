package offboarding

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"time"
)

// EvidenceInput is the input of RecordEvidence.
type EvidenceInput struct {
	Ticket       TicketRef       `json:"ticket"`
	User         Subject         `json:"user"`
	Plan         Plan            `json:"plan"`
	Approval     json.RawMessage `json:"approval,omitempty"`
	Changes      json.RawMessage `json:"changes,omitempty"`
	Verification Verification    `json:"verification"`
}

// EvidenceOutput is the output of RecordEvidence.
type EvidenceOutput struct {
	// Location is the stored document's file path locally, or its URL in AWS.
	Location string `json:"location"`
}

// EvidenceDocument is the JSON document RecordEvidence stores: what was found (the user and
// the plan), who approved, what each step changed and what reading back showed.
type EvidenceDocument struct {
	Tenant       string          `json:"tenant"`
	Workflow     string          `json:"workflow"`
	RecordedAt   time.Time       `json:"recordedAt"`
	Ticket       TicketRef       `json:"ticket"`
	Found        Subject         `json:"found"`
	Plan         Plan            `json:"plan"`
	Approval     json.RawMessage `json:"approval,omitempty"`
	Changes      json.RawMessage `json:"changes,omitempty"`
	Verification Verification    `json:"verification"`
}

// RecordEvidence stores the evidence document under
// TENANT/user-offboarding/TICKET.json, replacing an earlier run's document for the same
// ticket.
//
// Errors: InvalidInput, NotConfigured, and the store's error.
func (s *Steps) RecordEvidence(ctx context.Context, in EvidenceInput) (out EvidenceOutput, err error) {
	defer classify(&err)
	if in.Ticket.ID == "" {
		return out, invalidInput("missing ticket.id: pass the ticket output of ResolveUser")
	}
	if s.Evidence == nil {
		return out, notConfigured("evidence store")
	}
	doc := EvidenceDocument{
		Tenant: s.tenantName(), Workflow: "user-offboarding", RecordedAt: s.now(),
		Ticket: in.Ticket, Found: in.User, Plan: in.Plan, Approval: in.Approval,
		Changes: in.Changes, Verification: in.Verification,
	}
	data, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return out, fmt.Errorf("encoding the evidence of ticket %q: %w", in.Ticket.ID, err)
	}
	key := fmt.Sprintf("%s/user-offboarding/%s.json", safeName(s.tenantName()), safeName(in.Ticket.ID))
	location, err := s.Evidence.Put(ctx, key, data)
	if err != nil {
		return out, fmt.Errorf("storing the evidence of ticket %q: %w", in.Ticket.ID, err)
	}
	s.logger().InfoContext(ctx, "evidence recorded", "step", "RecordEvidence", "tenant", s.tenantName(), "ticket", in.Ticket.Key, "location", location)
	return EvidenceOutput{Location: location}, nil
}

var unsafeChars = regexp.MustCompile(`[^A-Za-z0-9._-]`)

// safeName replaces every character that is not safe in a file name or S3 key with "_".
func safeName(s string) string {
	if s == "" {
		return "_"
	}
	return unsafeChars.ReplaceAllString(s, "_")
}

// DirStore stores evidence documents as files under a folder.
type DirStore struct {
	Dir string
}

var _ EvidenceStore = DirStore{}

// Put writes the document to Dir/key through a temporary file, so a reader never sees half
// a document.
func (d DirStore) Put(_ context.Context, key string, document []byte) (string, error) {
	path := filepath.Join(d.Dir, filepath.FromSlash(key))
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return "", fmt.Errorf("creating evidence folder: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".evidence-*")
	if err != nil {
		return "", fmt.Errorf("creating evidence file: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(document); err != nil {
		tmp.Close()
		return "", fmt.Errorf("writing evidence file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return "", fmt.Errorf("writing evidence file: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return "", fmt.Errorf("writing evidence file %s: %w", path, err)
	}
	return path, nil
}
