package asl

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/secamo/orchestrator/internal/testenv"
)

// TestParseAcceptsRecordedDefinitions parses every definition that AWS Step Functions ran in
// the conformance recordings: AWS accepted each of them, so the validator must too.
func TestParseAcceptsRecordedDefinitions(t *testing.T) {
	dir := testenv.SharedDir(t, "..")
	f, err := os.Open(filepath.Join(dir, "asl-conformance", "cases.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<20), 64<<20)
	n := 0
	for sc.Scan() {
		var c struct {
			ID         string          `json:"id"`
			Definition json.RawMessage `json:"definition"`
		}
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatal(err)
		}
		n++
		if _, err := Parse(c.Definition); err != nil {
			t.Errorf("%s: %v", c.ID, err)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("no cases read")
	}
}
