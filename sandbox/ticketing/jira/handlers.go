package jira

import (
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/secamo/orchestrator/sandbox/ticketing"
)

func (s *Server) createRequest(w http.ResponseWriter, r *http.Request) {
	var in struct {
		ServiceDeskID      string         `json:"serviceDeskId"`
		RequestTypeID      string         `json:"requestTypeId"`
		RequestFieldValues map[string]any `json:"requestFieldValues"`
		RaiseOnBehalfOf    string         `json:"raiseOnBehalfOf"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		writeError(w, http.StatusBadRequest, []string{"Unrecognized request body: " + err.Error()}, nil)
		return
	}
	if in.ServiceDeskID != s.opts.ServiceDeskID || in.RequestTypeID != s.opts.RequestTypeID {
		writeError(w, http.StatusBadRequest, []string{"The request type or service desk does not exist."}, nil)
		return
	}
	summary, _ := in.RequestFieldValues["summary"].(string)
	if summary == "" {
		writeError(w, http.StatusBadRequest, nil, map[string]string{"summary": "You must specify a summary of the issue."})
		return
	}
	rec := ticketing.Record{Subject: summary, Status: "Waiting for support", Requester: in.RaiseOnBehalfOf, Fields: map[string]string{}}
	rec.Description, _ = in.RequestFieldValues["description"].(string)
	for name, value := range in.RequestFieldValues {
		switch {
		case name == "summary" || name == "description":
		case name == "labels":
			labels, ok := value.([]any)
			if !ok {
				writeError(w, http.StatusBadRequest, nil, map[string]string{"labels": "Labels must be a list of strings."})
				return
			}
			for _, l := range labels {
				label, _ := l.(string)
				if label == "" || strings.ContainsAny(label, " \t\n") {
					writeError(w, http.StatusBadRequest, nil, map[string]string{"labels": "The label '" + label + "' contains spaces which is invalid."})
					return
				}
				rec.Labels = append(rec.Labels, label)
			}
		case name == "priority":
			p, _ := value.(map[string]any)
			rec.Priority, _ = p["name"].(string)
		case strings.HasPrefix(name, "customfield_"):
			rec.Fields[name], _ = value.(string)
		default:
			writeError(w, http.StatusBadRequest, nil, map[string]string{name: "Field '" + name + "' cannot be set. It is not on the appropriate screen, or unknown."})
			return
		}
	}
	rec = s.Store.Create(rec)
	ticketing.WriteJSON(w, http.StatusCreated, map[string]any{
		"issueId": rec.ID, "issueKey": rec.Key, "serviceDeskId": s.opts.ServiceDeskID, "requestTypeId": s.opts.RequestTypeID,
		"createdDate":   dateValue(rec.Created),
		"reporter":      map[string]any{"emailAddress": rec.Requester, "displayName": rec.Requester},
		"currentStatus": map[string]any{"status": rec.Status, "statusCategory": "NEW", "statusDate": dateValue(rec.Created)},
		"_links":        map[string]string{"web": "http://" + r.Host + "/servicedesk/customer/portal/" + s.opts.ServiceDeskID + "/" + rec.Key},
	})
}

func (s *Server) addRequestComment(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Body   string `json:"body"`
		Public *bool  `json:"public"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.Public == nil {
		writeError(w, http.StatusBadRequest, []string{"The body must hold body and public."}, nil)
		return
	}
	s.comment(w, r, in.Body, *in.Public)
}

func (s *Server) addIssueComment(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Body       json.RawMessage `json:"body"`
		Properties []struct {
			Key   string `json:"key"`
			Value struct {
				Internal bool `json:"internal"`
			} `json:"value"`
		} `json:"properties"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		writeError(w, http.StatusBadRequest, []string{"Unrecognized request body: " + err.Error()}, nil)
		return
	}
	public := true
	for _, p := range in.Properties {
		if p.Key == "sd.public.comment" {
			public = !p.Value.Internal
		}
	}
	s.comment(w, r, adfText(in.Body), public)
}

func (s *Server) comment(w http.ResponseWriter, r *http.Request, body string, public bool) {
	if strings.TrimSpace(body) == "" {
		writeError(w, http.StatusBadRequest, nil, map[string]string{"comment": "Comment body can not be empty!"})
		return
	}
	c := ticketing.Comment{Body: body, Public: public, At: time.Now().UTC()}
	rec, ok := s.Store.Update(r.PathValue("id"), func(rec *ticketing.Record) { rec.Comments = append(rec.Comments, c) })
	if !ok {
		s.WriteError(w, http.StatusNotFound, ticketing.MissingTicket, "")
		return
	}
	ticketing.WriteJSON(w, http.StatusCreated, map[string]any{
		"id": len(rec.Comments), "body": body, "public": public, "created": dateValue(c.At),
	})
}

func (s *Server) getIssue(w http.ResponseWriter, r *http.Request) {
	if rec, ok := s.issue(w, r); ok {
		ticketing.WriteJSON(w, http.StatusOK, s.render(r, rec))
	}
}

func (s *Server) listTransitions(w http.ResponseWriter, r *http.Request) {
	rec, ok := s.issue(w, r)
	if !ok {
		return
	}
	list := []map[string]any{}
	for _, tr := range Transitions {
		if tr.To != rec.Status {
			list = append(list, map[string]any{"id": tr.ID, "name": tr.Name, "to": map[string]any{"name": tr.To}})
		}
	}
	ticketing.WriteJSON(w, http.StatusOK, map[string]any{"expand": "transitions", "transitions": list})
}

func (s *Server) doTransition(w http.ResponseWriter, r *http.Request) {
	rec, ok := s.issue(w, r)
	if !ok {
		return
	}
	var in struct {
		Transition struct{ ID string }        `json:"transition"`
		Fields     map[string]json.RawMessage `json:"fields"`
		Update     struct {
			Comment []struct {
				Add struct {
					Body json.RawMessage `json:"body"`
				} `json:"add"`
			} `json:"comment"`
		} `json:"update"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		writeError(w, http.StatusBadRequest, []string{"Unrecognized request body: " + err.Error()}, nil)
		return
	}
	i := slices.IndexFunc(Transitions, func(tr struct{ ID, Name, To string }) bool { return tr.ID == in.Transition.ID })
	if i < 0 || Transitions[i].To == rec.Status {
		writeError(w, http.StatusBadRequest, []string{"Transition id '" + in.Transition.ID + "' is not valid for this issue."}, nil)
		return
	}
	for name := range in.Fields {
		if name != "resolution" || Transitions[i].To != "Resolved" {
			writeError(w, http.StatusBadRequest, nil, map[string]string{name: "Field '" + name + "' cannot be set. It is not on the appropriate screen, or unknown."})
			return
		}
	}
	s.Store.Update(rec.ID, func(rec *ticketing.Record) {
		rec.Status = Transitions[i].To
		if raw, ok := in.Fields["resolution"]; ok {
			var res struct{ Name string }
			json.Unmarshal(raw, &res)
			rec.Resolution = res.Name
		}
		for _, c := range in.Update.Comment {
			rec.Comments = append(rec.Comments, ticketing.Comment{Body: adfText(c.Add.Body), Public: true, At: time.Now().UTC()})
		}
	})
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) attach(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("X-Atlassian-Token") != "no-check" {
		writeError(w, http.StatusForbidden, []string{"XSRF check failed"}, nil)
		return
	}
	if _, ok := s.issue(w, r); !ok {
		return
	}
	file, header, err := r.FormFile("file")
	if err != nil {
		writeError(w, http.StatusBadRequest, []string{"No file in the multipart field named file."}, nil)
		return
	}
	defer file.Close()
	content, _ := io.ReadAll(file)
	rec, _ := s.Store.Update(r.PathValue("id"), func(rec *ticketing.Record) {
		rec.Attachments = append(rec.Attachments, ticketing.Attachment{Name: header.Filename, Content: content})
	})
	ticketing.WriteJSON(w, http.StatusOK, []map[string]any{{
		"id": len(rec.Attachments), "filename": header.Filename, "size": len(content),
		"mimeType": header.Header.Get("Content-Type"), "created": rec.Updated.Format(timeLayout),
	}})
}

var jqlPattern = regexp.MustCompile(`^(labels|cf\[(\d+)\]) (=|~) ("(?:[^"\\]|\\.)*")(?: ORDER BY created ASC)?$`)

// search supports the two JQL forms the adapter sends: labels = "x" and cf[N] ~ "x".
func (s *Server) search(w http.ResponseWriter, r *http.Request) {
	m := jqlPattern.FindStringSubmatch(r.URL.Query().Get("jql"))
	if m == nil {
		writeError(w, http.StatusBadRequest, []string{"The emulator supports only labels = \"x\" and cf[N] ~ \"x\" queries."}, nil)
		return
	}
	var value string
	if err := json.Unmarshal([]byte(m[4]), &value); err != nil {
		writeError(w, http.StatusBadRequest, []string{"Error in the JQL Query: " + err.Error()}, nil)
		return
	}
	found := s.Store.Find(func(rec ticketing.Record) bool {
		if m[1] == "labels" {
			return m[3] == "=" && slices.Contains(rec.Labels, value)
		}
		return m[3] == "~" && strings.Contains(rec.Fields["customfield_"+m[2]], value)
	})
	issues := []map[string]any{}
	for _, rec := range found {
		issues = append(issues, s.render(r, rec))
	}
	ticketing.WriteJSON(w, http.StatusOK, map[string]any{"issues": issues, "isLast": true})
}
