package servicedeskplus

import (
	"html"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/secamo/orchestrator/sandbox/ticketing"
)

// list serves GET /api/v3/requests with list_info: search_criteria terms with the conditions
// "is" and "contains" on subject, status.name or udf_fields.NAME, and paging by start_index
// and row_count.
func (s *Server) list(w http.ResponseWriter, r *http.Request) {
	var in struct {
		ListInfo struct {
			RowCount       int         `json:"row_count"`
			StartIndex     int         `json:"start_index"`
			SearchCriteria []criterion `json:"search_criteria"`
		} `json:"list_info"`
	}
	if r.URL.Query().Get("input_data") != "" && !inputData(w, r, &in) {
		return
	}

	info := in.ListInfo
	if info.RowCount <= 0 {
		info.RowCount = 10
	}
	if info.StartIndex <= 0 {
		info.StartIndex = 1
	}

	for _, c := range info.SearchCriteria {
		if c.Condition != "is" && c.Condition != "contains" {
			fail(w, http.StatusBadRequest, 4001, "search_criteria", "the emulator supports only the conditions is and contains")
			return
		}
	}

	found := s.Store.Find(func(rec ticketing.Record) bool {
		for _, c := range info.SearchCriteria {
			if !c.matches(rec) {
				return false
			}
		}
		return true
	})

	start := min(info.StartIndex-1, len(found))
	end := min(start+info.RowCount, len(found))
	page := make([]map[string]any, 0, end-start)
	for _, rec := range found[start:end] {
		page = append(page, s.render(rec))
	}
	ticketing.WriteJSON(w, http.StatusOK, map[string]any{
		"requests": page,
		"list_info": map[string]any{"has_more_rows": end < len(found), "row_count": len(page),
			"start_index": info.StartIndex},
		"response_status": []any{success()},
	})
}

type criterion struct {
	Field     string `json:"field"`
	Condition string `json:"condition"`
	Value     string `json:"value"`
}

func (c criterion) matches(rec ticketing.Record) bool {
	var got string
	switch {
	case c.Field == "subject":
		got = rec.Subject
	case c.Field == "status.name":
		got = rec.Status
	case strings.HasPrefix(c.Field, "udf_fields."):
		got = rec.Fields[strings.TrimPrefix(c.Field, "udf_fields.")]
	default:
		return false
	}
	if c.Condition == "contains" {
		return strings.Contains(strings.ToLower(got), strings.ToLower(c.Value))
	}
	return strings.EqualFold(got, c.Value)
}

// render writes a record as API v3 returns a request.
func (s *Server) render(rec ticketing.Record) map[string]any {
	udf := map[string]any{}
	for name, value := range rec.Fields {
		if !strings.HasPrefix(name, "udf_") {
			continue
		}
		if s.opts.UDFAsObjects {
			udf[name] = map[string]any{"value": value, "display_value": value}
		} else {
			udf[name] = value
		}
	}
	var requester any
	if rec.Requester != "" {
		requester = map[string]any{"email_id": rec.Requester, "name": rec.Requester, "is_technician": false,
			"id": "123640000000" + strconv.Itoa(100000+len(rec.Requester))}
	}
	var group any
	if g := rec.Fields["group"]; g != "" {
		group = map[string]any{"name": g, "id": "123640000000006681", "deleted": false}
	}
	attachments := []any{}
	for _, a := range rec.Attachments {
		attachments = append(attachments, map[string]any{"name": a.Name, "size": strconv.Itoa(len(a.Content))})
	}
	return map[string]any{
		"id": rec.ID, "display_id": rec.Key, "subject": rec.Subject, "description": rec.Description,
		"status":            map[string]any{"name": rec.Status, "internal_name": rec.Status, "id": "12364000000000" + strconv.Itoa(6600+len(rec.Status))},
		"priority":          map[string]any{"name": rec.Priority},
		"requester":         requester,
		"group":             group,
		"udf_fields":        udf,
		"attachments":       attachments,
		"has_attachments":   len(rec.Attachments) > 0,
		"has_notes":         len(rec.Comments) > 0,
		"created_time":      timeValue(rec.Created),
		"last_updated_time": timeValue(rec.Updated),
		"resolution":        resolution(rec.Resolution),
	}
}

func resolution(content string) any {
	if content == "" {
		return nil
	}
	return map[string]any{"content": content}
}

func timeValue(t time.Time) map[string]string {
	return map[string]string{
		"display_value": t.UTC().Format("Jan 2, 2006 03:04 PM"),
		"value":         strconv.FormatInt(t.UnixMilli(), 10),
	}
}

var htmlTag = regexp.MustCompile(`<[^>]*>`)

func plainText(s string) string {
	s = strings.ReplaceAll(s, "<br>", "\n")
	return html.UnescapeString(htmlTag.ReplaceAllString(s, ""))
}
