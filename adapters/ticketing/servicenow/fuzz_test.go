package servicenow

import "testing"

func FuzzParseRecord(f *testing.F) {
	f.Add([]byte(`{"result":{"sys_id":"a","number":"INC1","state":"2","caller_id":{"link":"x","value":"u"},"parent":""}}`))
	f.Add([]byte(`{"result":{"sys_id":"a","sys_class_name":"sc_req_item","state":"-5","requested_for.email":"a@example.com"}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := ParseRecord(data, "incident", "")
		if err == nil && got.ID == "" {
			t.Errorf("ParseRecord(%q) returned a ticket without a sys_id", data)
		}
	})
}
