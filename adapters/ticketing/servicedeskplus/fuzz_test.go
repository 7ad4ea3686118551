package servicedeskplus

import "testing"

func FuzzParseRequest(f *testing.F) {
	f.Add([]byte(`{"request":{"id":"123640000000300001","created_time":{"value":"1593000300533"},"udf_fields":{"udf_a":{"value":"v"},"udf_b":"w"}},"response_status":{"status_code":2000}}`))
	f.Add([]byte(`{"requests":[],"response_status":[{"status_code":2000,"status":"success"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := ParseRequest(data, "")
		if err == nil && got.ID == "" {
			t.Errorf("ParseRequest(%q) returned a ticket without an id", data)
		}
		decode(data, &struct{}{}, "fuzzing", "1") // must not panic
	})
}
