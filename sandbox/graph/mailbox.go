package graph

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// graphDateTime is Graph's dateTimeTimeZone.
type graphDateTime struct {
	DateTime string `json:"dateTime"`
	TimeZone string `json:"timeZone"`
}

type automaticRepliesWire struct {
	Status                 *string        `json:"status,omitempty"`
	ExternalAudience       *string        `json:"externalAudience,omitempty"`
	InternalReplyMessage   *string        `json:"internalReplyMessage,omitempty"`
	ExternalReplyMessage   *string        `json:"externalReplyMessage,omitempty"`
	ScheduledStartDateTime *graphDateTime `json:"scheduledStartDateTime,omitempty"`
	ScheduledEndDateTime   *graphDateTime `json:"scheduledEndDateTime,omitempty"`
}

const graphDateTimeLayout = "2006-01-02T15:04:05.0000000"

func (s *Server) handleGetMailboxSettings(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.mailboxUser(w, r)
	if !ok {
		return
	}
	s.writeMailboxSettings(w, r, u)
}

func (s *Server) handlePatchMailboxSettings(w http.ResponseWriter, r *http.Request) {
	var body struct {
		AutomaticRepliesSetting *automaticRepliesWire `json:"automaticRepliesSetting"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		s.writeError(w, http.StatusBadRequest, "BadRequest", "Invalid JSON body: "+err.Error())
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.mailboxUser(w, r)
	if !ok {
		return
	}
	if patch := body.AutomaticRepliesSetting; patch != nil {
		reply, err := applyReplyPatch(s.dir.replies[u.ID], patch)
		if err != nil {
			s.writeError(w, http.StatusBadRequest, "ErrorInvalidArgument", err.Error())
			return
		}
		s.dir.replies[u.ID] = reply
	}
	s.writeMailboxSettings(w, r, u)
}

// mailboxUser finds the request's user and checks that it has a mailbox.
func (s *Server) mailboxUser(w http.ResponseWriter, r *http.Request) (*User, bool) {
	key := r.PathValue("user")
	u := s.dir.findUser(key)
	if u == nil {
		s.writeUserNotFound(w, key)
		return nil, false
	}
	if u.Mail == "" {
		s.writeError(w, http.StatusNotFound, "MailboxNotEnabledForRESTAPI",
			"The mailbox is either inactive, soft-deleted, or is hosted on-premise.")
		return nil, false
	}
	return u, true
}

func applyReplyPatch(reply AutomaticReply, patch *automaticRepliesWire) (AutomaticReply, error) {
	if reply.Status == "" {
		reply = AutomaticReply{Status: "disabled", ExternalAudience: "all"}
	}
	if p := patch.Status; p != nil {
		if *p != "disabled" && *p != "alwaysEnabled" && *p != "scheduled" {
			return reply, fmt.Errorf("invalid value '%s' for automaticRepliesSetting.status: use disabled, alwaysEnabled or scheduled", *p)
		}
		reply.Status = *p
	}
	if p := patch.ExternalAudience; p != nil {
		if *p != "none" && *p != "contactsOnly" && *p != "all" {
			return reply, fmt.Errorf("invalid value '%s' for automaticRepliesSetting.externalAudience: use none, contactsOnly or all", *p)
		}
		reply.ExternalAudience = *p
	}
	if p := patch.InternalReplyMessage; p != nil {
		reply.InternalReplyMessage = *p
	}
	if p := patch.ExternalReplyMessage; p != nil {
		reply.ExternalReplyMessage = *p
	}
	var err error
	if p := patch.ScheduledStartDateTime; p != nil {
		if reply.ScheduledStart, err = parseGraphDateTime(*p); err != nil {
			return reply, err
		}
	}
	if p := patch.ScheduledEndDateTime; p != nil {
		if reply.ScheduledEnd, err = parseGraphDateTime(*p); err != nil {
			return reply, err
		}
	}
	if reply.Status == "scheduled" && !reply.ScheduledEnd.After(reply.ScheduledStart) {
		return reply, errors.New("the scheduled end time must be after the scheduled start time")
	}
	return reply, nil
}

func parseGraphDateTime(v graphDateTime) (time.Time, error) {
	loc, err := time.LoadLocation(v.TimeZone)
	if v.TimeZone == "" || err != nil {
		return time.Time{}, fmt.Errorf("invalid time zone '%s': use an IANA name such as UTC", v.TimeZone)
	}
	for _, layout := range []string{graphDateTimeLayout, "2006-01-02T15:04:05", time.RFC3339Nano} {
		if t, err := time.ParseInLocation(layout, v.DateTime, loc); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("invalid date and time '%s'", v.DateTime)
}

func (s *Server) writeMailboxSettings(w http.ResponseWriter, r *http.Request, u *User) {
	reply, ok := s.dir.replies[u.ID]
	if !ok {
		reply = AutomaticReply{Status: "disabled", ExternalAudience: "all"}
	}
	setting := map[string]any{
		"status":               reply.Status,
		"externalAudience":     reply.ExternalAudience,
		"internalReplyMessage": reply.InternalReplyMessage,
		"externalReplyMessage": reply.ExternalReplyMessage,
	}
	if !reply.ScheduledStart.IsZero() {
		setting["scheduledStartDateTime"] = graphDateTime{reply.ScheduledStart.UTC().Format(graphDateTimeLayout), "UTC"}
	}
	if !reply.ScheduledEnd.IsZero() {
		setting["scheduledEndDateTime"] = graphDateTime{reply.ScheduledEnd.UTC().Format(graphDateTimeLayout), "UTC"}
	}
	s.writeJSON(w, http.StatusOK, map[string]any{
		"@odata.context":          baseURL(r) + "/$metadata#users('" + u.ID + "')/mailboxSettings",
		"timeZone":                "UTC",
		"automaticRepliesSetting": setting,
	})
}
