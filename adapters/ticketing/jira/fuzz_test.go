package jira

import "testing"

func FuzzParseIssue(f *testing.F) {
	f.Add([]byte(`{"id":"1","key":"ITS-1","fields":{"summary":"x","description":{"type":"doc","content":[{"type":"paragraph","content":[{"type":"text","text":"a"}]}]},"customfield_1":{"value":"v"}}}`))
	f.Add([]byte(`{"id":"1","key":"ITS-1","fields":{"description":"plain","created":"2017-01-30T18:30:41.962+0100"}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := ParseIssue(data, "")
		if err == nil && (got.ID == "" || got.Key == "") {
			t.Errorf("ParseIssue(%q) returned a ticket without id or key", data)
		}
	})
}
