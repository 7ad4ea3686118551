package graph

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func newDemoServer(t *testing.T, opts Options) (*Server, *httptest.Server) {
	t.Helper()
	s := New(opts)
	if err := s.SeedDemo(); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return s, ts
}

func call(t *testing.T, method, url, body string) (int, http.Header, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if len(bytes.TrimSpace(raw)) > 0 {
		if err := json.Unmarshal(raw, &out); err != nil {
			t.Fatalf("%s %s: body is not JSON: %s", method, url, raw)
		}
	}
	return resp.StatusCode, resp.Header, out
}

func TestUserDefaultSelect(t *testing.T) {
	_, ts := newDemoServer(t, Options{})
	status, _, body := call(t, "GET", ts.URL+BasePath+"/users/jan.peeters@contoso.example", "")
	if status != 200 {
		t.Fatalf("status = %d", status)
	}
	if _, ok := body["accountEnabled"]; ok {
		t.Error("accountEnabled returned without $select")
	}
	if body["id"] != DemoUserID {
		t.Errorf("id = %v", body["id"])
	}
	_, _, body = call(t, "GET", ts.URL+BasePath+"/users/"+DemoUserID+"?$select=accountEnabled,onPremisesSyncEnabled&$expand=manager($select=id)", "")
	if body["accountEnabled"] != true {
		t.Errorf("accountEnabled = %v with $select", body["accountEnabled"])
	}
	if _, ok := body["displayName"]; ok {
		t.Error("displayName returned though not selected")
	}
	if m, _ := body["manager"].(map[string]any); m["id"] != DemoManagerID {
		t.Errorf("manager = %v", body["manager"])
	}
}

func TestErrorBodyShape(t *testing.T) {
	_, ts := newDemoServer(t, Options{})
	status, _, body := call(t, "GET", ts.URL+BasePath+"/users/nobody@contoso.example", "")
	if status != 404 {
		t.Fatalf("status = %d, want 404", status)
	}
	e, _ := body["error"].(map[string]any)
	if e["code"] != "Request_ResourceNotFound" || e["message"] == "" {
		t.Errorf("error = %v", e)
	}
	if inner, _ := e["innerError"].(map[string]any); inner["request-id"] == nil || inner["date"] == nil {
		t.Errorf("innerError = %v", e["innerError"])
	}
}

func TestMemberOfPaging(t *testing.T) {
	s, ts := newDemoServer(t, Options{PageSize: 3})
	next := ts.URL + BasePath + "/users/" + DemoUserID + "/memberOf?$top=999&$select=id,displayName"
	var ids []string
	pages := 0
	for next != "" {
		status, _, body := call(t, "GET", next, "")
		if status != 200 {
			t.Fatalf("page %d: status %d: %v", pages, status, body)
		}
		pages++
		for _, v := range body["value"].([]any) {
			obj := v.(map[string]any)
			if obj["@odata.type"] == nil {
				t.Errorf("entry %v has no @odata.type", obj["id"])
			}
			ids = append(ids, obj["id"].(string))
		}
		next, _ = body["@odata.nextLink"].(string)
	}
	if want := s.MemberOf(DemoUserID); strings.Join(ids, ",") != strings.Join(want, ",") || pages != 3 {
		t.Errorf("paged through %d pages: %v, want 3 pages of %v", pages, ids, want)
	}
}

func TestExpiredPageToken(t *testing.T) {
	s, ts := newDemoServer(t, Options{PageSize: 3})
	_, _, first := call(t, "GET", ts.URL+BasePath+"/users/"+DemoUserID+"/memberOf", "")
	next := first["@odata.nextLink"].(string)
	s.ExpirePageTokens(1)
	status, _, body := call(t, "GET", next, "")
	if code := body["error"].(map[string]any)["code"]; status != 400 || code != "Directory_ExpiredPageToken" {
		t.Fatalf("expired page = %d %v", status, code)
	}
	if status, _, _ := call(t, "GET", next, ""); status != 200 {
		t.Errorf("page after the expired one = %d, want 200", status)
	}
}

func TestBatchDependsOnAndOrder(t *testing.T) {
	s, ts := newDemoServer(t, Options{})
	s.DenyGroup(DemoGroupSales)
	batch := `{"requests":[
		{"id":"a","method":"DELETE","url":"/groups/` + DemoGroupSales + `/members/` + DemoUserID + `/$ref"},
		{"id":"b","method":"GET","url":"/users/` + DemoUserID + `?$select=accountEnabled","dependsOn":["a"]},
		{"id":"c","method":"PATCH","url":"/users/` + DemoSyncedUserID + `","headers":{"Content-Type":"application/json"},"body":{"accountEnabled":false}}
	]}`
	status, _, body := call(t, "POST", ts.URL+BasePath+"/$batch", batch)
	if status != 200 {
		t.Fatalf("batch status = %d: %v", status, body)
	}
	got := map[string]float64{}
	var order []string
	for _, r := range body["responses"].([]any) {
		item := r.(map[string]any)
		got[item["id"].(string)] = item["status"].(float64)
		order = append(order, item["id"].(string))
	}
	want := map[string]float64{"a": 403, "b": 424, "c": 400}
	for id, st := range want {
		if got[id] != st {
			t.Errorf("item %s status = %v, want %v", id, got[id], st)
		}
	}
	if strings.Join(order, "") == "abc" {
		t.Error("responses came back in request order; the emulator should reorder them")
	}
}

func TestBatchItemThrottle(t *testing.T) {
	s, ts := newDemoServer(t, Options{})
	s.ThrottleBatchItems(1, "2.128")
	status, _, body := call(t, "POST", ts.URL+BasePath+"/$batch",
		`{"requests":[{"id":"1","method":"GET","url":"/users/`+DemoUserID+`"},{"id":"2","method":"GET","url":"/users/`+DemoUserID+`"}]}`)
	if status != 200 {
		t.Fatalf("batch status = %d", status)
	}
	for _, r := range body["responses"].([]any) {
		item := r.(map[string]any)
		headers, _ := item["headers"].(map[string]any)
		switch item["id"] {
		case "1":
			if item["status"] != 429.0 || headers["Retry-After"] != "2.128" {
				t.Errorf("item 1 = %v %v, want 429 with Retry-After 2.128", item["status"], headers)
			}
		case "2":
			if item["status"] != 200.0 {
				t.Errorf("item 2 status = %v, want 200", item["status"])
			}
		}
	}
}

func TestBatchLimit(t *testing.T) {
	_, ts := newDemoServer(t, Options{})
	var items []string
	for i := range 21 {
		items = append(items, `{"id":"`+strings.Repeat("x", i+1)+`","method":"GET","url":"/users/`+DemoUserID+`"}`)
	}
	status, _, _ := call(t, "POST", ts.URL+BasePath+"/$batch", `{"requests":[`+strings.Join(items, ",")+`]}`)
	if status != 400 {
		t.Errorf("batch of 21 = %d, want 400", status)
	}
}

func TestTokenRequired(t *testing.T) {
	_, ts := newDemoServer(t, Options{Token: "secret-token"})
	if status, _, _ := call(t, "GET", ts.URL+BasePath+"/users/"+DemoUserID, ""); status != 401 {
		t.Errorf("request without token = %d, want 401", status)
	}
}
