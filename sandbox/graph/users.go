package graph

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// syncedUpdateMessage is Graph's message when an update touches an object mastered in
// on-premises AD.
const syncedUpdateMessage = "Unable to update the specified properties for on-premises mastered Directory Sync objects or objects currently undergoing migration."

func (s *Server) handleGetUser(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := r.PathValue("user")
	u := s.dir.findUser(key)
	if u == nil {
		s.writeUserNotFound(w, key)
		return
	}
	q := r.URL.Query()
	out := project(s.userJSON(u), q.Get("$select"), defaultUserProperties)
	delete(out, "@odata.type")
	out["@odata.context"] = baseURL(r) + "/$metadata#users/$entity"
	if expand := q.Get("$expand"); expand != "" {
		if !strings.HasPrefix(expand, "manager") {
			s.writeError(w, http.StatusBadRequest, "Request_BadRequest",
				fmt.Sprintf("Could not find a property named '%s' on type 'microsoft.graph.user'.", expand))
			return
		}
		if m := s.dir.users[u.ManagerID]; m != nil {
			out["manager"] = project(s.userJSON(m), expandSelect(expand), defaultUserProperties)
		}
	}
	s.writeJSON(w, http.StatusOK, out)
}

// expandSelect returns the nested $select of an expansion such as manager($select=id).
func expandSelect(expand string) string {
	_, inner, ok := strings.Cut(expand, "($select=")
	if !ok {
		return ""
	}
	return strings.TrimSuffix(inner, ")")
}

func (s *Server) handleGetManager(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := r.PathValue("user")
	u := s.dir.findUser(key)
	if u == nil {
		s.writeUserNotFound(w, key)
		return
	}
	m := s.dir.users[u.ManagerID]
	if m == nil {
		s.writeError(w, http.StatusNotFound, "Request_ResourceNotFound",
			fmt.Sprintf("Resource 'manager' does not exist or one of its queried reference-property objects are not present."))
		return
	}
	s.writeJSON(w, http.StatusOK, project(s.userJSON(m), r.URL.Query().Get("$select"), defaultUserProperties))
}

func (s *Server) handlePatchUser(w http.ResponseWriter, r *http.Request) {
	var patch struct {
		AccountEnabled *bool   `json:"accountEnabled"`
		DisplayName    *string `json:"displayName"`
	}
	if err := json.NewDecoder(r.Body).Decode(&patch); err != nil {
		s.writeError(w, http.StatusBadRequest, "BadRequest", "Invalid JSON body: "+err.Error())
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	key := r.PathValue("user")
	u := s.dir.findUser(key)
	if u == nil {
		s.writeUserNotFound(w, key)
		return
	}
	if u.OnPremisesSyncEnabled {
		s.writeError(w, http.StatusBadRequest, "Request_BadRequest", syncedUpdateMessage)
		return
	}
	if patch.AccountEnabled != nil {
		u.AccountEnabled = *patch.AccountEnabled
	}
	if patch.DisplayName != nil {
		u.DisplayName = *patch.DisplayName
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) handleRevokeSessions(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := r.PathValue("user")
	u := s.dir.findUser(key)
	if u == nil {
		s.writeUserNotFound(w, key)
		return
	}
	s.dir.revocations[u.ID]++
	u.SignInSessionsValidFrom = graphTime(s.opts.Now())
	s.writeJSON(w, http.StatusOK, map[string]any{
		"@odata.context": baseURL(r) + "/$metadata#Edm.Boolean",
		"value":          true,
	})
}

func (s *Server) handleRemoveMember(kind objectKind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		objectID, userID := r.PathValue("object"), r.PathValue("user")
		if s.dir.kinds[objectID] != kind {
			s.writeError(w, http.StatusNotFound, "Request_ResourceNotFound",
				fmt.Sprintf("Resource '%s' does not exist or one of its queried reference-property objects are not present.", objectID))
			return
		}
		if status, code, message := s.memberRemovalError(objectID); status != 0 {
			s.writeError(w, status, code, message)
			return
		}
		if !s.dir.removeMember(objectID, userID) {
			s.writeError(w, http.StatusNotFound, "Request_ResourceNotFound",
				"One or more removed object references do not exist for the following modified properties: 'members'.")
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}
}

// memberRemovalError returns the error Graph returns when the object's members cannot be
// changed, or a zero status.
func (s *Server) memberRemovalError(objectID string) (status int, code, message string) {
	if g := s.dir.groups[objectID]; g != nil {
		switch {
		case s.faults.deniedGroups[objectID]:
			return http.StatusForbidden, "Authorization_RequestDenied", "Insufficient privileges to complete the operation."
		case g.OnPremisesSyncEnabled:
			return http.StatusBadRequest, "Request_BadRequest", syncedUpdateMessage
		case g.Dynamic:
			return http.StatusBadRequest, "Request_BadRequest", "Members of a group with a dynamic membership rule cannot be added or removed."
		case g.MailEnabled && !g.Unified:
			return http.StatusBadRequest, "Request_BadRequest", "Cannot Update a mail-enabled security groups and or distribution list."
		}
	}
	if a := s.dir.units[objectID]; a != nil && a.Dynamic {
		return http.StatusBadRequest, "Request_BadRequest", "Members of an administrative unit with a dynamic membership rule cannot be added or removed."
	}
	return 0, "", ""
}
