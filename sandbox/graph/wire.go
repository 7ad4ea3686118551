package graph

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// defaultUserProperties are the properties Graph returns for a user without $select; it
// omits accountEnabled, onPremisesSyncEnabled, userType and the licence properties.
var defaultUserProperties = []string{
	"businessPhones", "displayName", "givenName", "jobTitle", "mail", "mobilePhone",
	"officeLocation", "preferredLanguage", "surname", "userPrincipalName", "id",
}

func (s *Server) writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeError writes Graph's error body: {"error":{"code","message","innerError"}}.
func (s *Server) writeError(w http.ResponseWriter, status int, code, message string) {
	body := map[string]any{"error": map[string]any{
		"code":    code,
		"message": message,
		"innerError": map[string]any{
			"date":              s.opts.Now().UTC().Format("2006-01-02T15:04:05"),
			"request-id":        newRequestID(),
			"client-request-id": newRequestID(),
		},
	}}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

func (s *Server) writeUserNotFound(w http.ResponseWriter, key string) {
	s.writeError(w, http.StatusNotFound, "Request_ResourceNotFound",
		fmt.Sprintf("Resource '%s' does not exist or one of its queried reference-property objects are not present.", key))
}

func newRequestID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// project keeps the properties named in $select (plus id and @odata.type), or the defaults
// when $select is absent; nil defaults keep every property.
func project(obj map[string]any, selectParam string, defaults []string) map[string]any {
	keep := defaults
	if selectParam != "" {
		keep = strings.Split(selectParam, ",")
	}
	if keep == nil {
		return obj
	}
	out := map[string]any{"id": obj["id"]}
	if t, ok := obj["@odata.type"]; ok {
		out["@odata.type"] = t
	}
	for _, name := range keep {
		name = strings.TrimSpace(name)
		if v, ok := obj[name]; ok {
			out[name] = v
		}
	}
	return out
}

// nullIfFalse renders an on-premises flag as Graph does: null for cloud-only objects.
func nullIfFalse(b bool) any {
	if !b {
		return nil
	}
	return true
}

func (s *Server) userJSON(u *User) map[string]any {
	assigned := []any{}
	states := []any{}
	seen := map[string]bool{}
	for _, a := range s.dir.licenses[u.ID] {
		if !seen[a.SKUID] {
			seen[a.SKUID] = true
			assigned = append(assigned, map[string]any{"disabledPlans": []any{}, "skuId": a.SKUID})
		}
		var byGroup any
		if a.ByGroup != "" {
			byGroup = a.ByGroup
		}
		states = append(states, map[string]any{
			"disabledPlans":       []any{},
			"skuId":               a.SKUID,
			"assignedByGroup":     byGroup,
			"state":               "Active",
			"error":               "None",
			"lastUpdatedDateTime": s.opts.Now().UTC().Format("2006-01-02T15:04:05Z"),
		})
	}
	var mail any
	if u.Mail != "" {
		mail = u.Mail
	}
	given, surname, _ := strings.Cut(u.DisplayName, " ")
	return map[string]any{
		"@odata.type":             "#microsoft.graph.user",
		"id":                      u.ID,
		"userPrincipalName":       u.UserPrincipalName,
		"displayName":             u.DisplayName,
		"givenName":               given,
		"surname":                 surname,
		"mail":                    mail,
		"businessPhones":          []any{},
		"jobTitle":                nil,
		"mobilePhone":             nil,
		"officeLocation":          nil,
		"preferredLanguage":       nil,
		"accountEnabled":          u.AccountEnabled,
		"onPremisesSyncEnabled":   nullIfFalse(u.OnPremisesSyncEnabled),
		"userType":                u.UserType,
		"assignedLicenses":        assigned,
		"licenseAssignmentStates": states,
		// Graph omits this property unless $select names it.
		"signInSessionsValidFromDateTime": u.SignInSessionsValidFrom.Format(time.RFC3339),
	}
}

// graphTime returns t in UTC truncated to the second, like the other timestamps the emulator
// writes.
func graphTime(t time.Time) time.Time { return t.UTC().Truncate(time.Second) }

func groupJSON(g *Group) map[string]any {
	types := []any{}
	if g.Unified {
		types = append(types, "Unified")
	}
	if g.Dynamic {
		types = append(types, "DynamicMembership")
	}
	return map[string]any{
		"@odata.type":           "#microsoft.graph.group",
		"id":                    g.ID,
		"displayName":           g.DisplayName,
		"groupTypes":            types,
		"mailEnabled":           g.MailEnabled,
		"securityEnabled":       g.SecurityEnabled,
		"onPremisesSyncEnabled": nullIfFalse(g.OnPremisesSyncEnabled),
		"deletedDateTime":       nil,
	}
}

func roleJSON(r *DirectoryRole) map[string]any {
	return map[string]any{
		"@odata.type":     "#microsoft.graph.directoryRole",
		"id":              r.ID,
		"displayName":     r.DisplayName,
		"roleTemplateId":  r.RoleTemplateID,
		"deletedDateTime": nil,
	}
}

func unitJSON(a *AdministrativeUnit) map[string]any {
	membership := "Assigned"
	if a.Dynamic {
		membership = "Dynamic"
	}
	return map[string]any{
		"@odata.type":     "#microsoft.graph.administrativeUnit",
		"id":              a.ID,
		"displayName":     a.DisplayName,
		"membershipType":  membership,
		"deletedDateTime": nil,
	}
}

func (s *Server) objectJSON(id string) map[string]any {
	switch s.dir.kinds[id] {
	case kindGroup:
		return groupJSON(s.dir.groups[id])
	case kindRole:
		return roleJSON(s.dir.roles[id])
	case kindAdministrativeUnit:
		return unitJSON(s.dir.units[id])
	}
	return nil
}

// baseURL returns the absolute URL of BasePath as the client reached it, for nextLinks.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + BasePath
}
