package pattern

import (
	"encoding/json"
	"strings"
	"testing"
)

// BenchmarkMatchValue matches a decoded GuardDuty-like event against a pattern that uses
// exact, numeric, prefix, anything-but and exists operators.
func BenchmarkMatchValue(b *testing.B) {
	p := MustCompile(`{"source":["aws.guardduty"],"detail-type":["GuardDuty Finding"],
		"detail":{"severity":[{"numeric":[">=",4]}],"type":[{"prefix":"UnauthorizedAccess:"}],
		"service":{"archived":[false,{"exists":false}],"resourceRole":[{"anything-but":"ACTOR"}]}}}`)
	dec := json.NewDecoder(strings.NewReader(`{"source":"aws.guardduty","detail-type":"GuardDuty Finding",
		"detail":{"severity":8,"type":"UnauthorizedAccess:EC2/SSHBruteForce","service":{"archived":false,"resourceRole":"TARGET","count":3}}}`))
	dec.UseNumber()
	var event any
	if err := dec.Decode(&event); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if !p.MatchValue(event) {
			b.Fatal("pattern did not match")
		}
	}
}
