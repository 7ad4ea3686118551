package graph

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
)

func (s *Server) handleLicenseDetails(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := r.PathValue("user")
	u := s.dir.findUser(key)
	if u == nil {
		s.writeUserNotFound(w, key)
		return
	}
	values := []any{}
	seen := map[string]bool{}
	for _, a := range s.dir.licenses[u.ID] {
		if seen[a.SKUID] {
			continue
		}
		seen[a.SKUID] = true
		values = append(values, map[string]any{
			"id":            u.ID + "_" + a.SKUID,
			"skuId":         a.SKUID,
			"skuPartNumber": s.dir.skus[a.SKUID].PartNumber,
			"servicePlans":  []any{},
		})
	}
	s.writeJSON(w, http.StatusOK, map[string]any{
		"@odata.context": baseURL(r) + "/$metadata#users('" + u.ID + "')/licenseDetails",
		"value":          values,
	})
}

type assignLicenseBody struct {
	AddLicenses []struct {
		SKUID string `json:"skuId"`
	} `json:"addLicenses"`
	RemoveLicenses []string `json:"removeLicenses"`
}

// handleAssignLicense applies addLicenses and removeLicenses as one change: it rejects the
// whole request when one SKU cannot be changed, as Graph does.
func (s *Server) handleAssignLicense(w http.ResponseWriter, r *http.Request) {
	var body assignLicenseBody
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		s.writeError(w, http.StatusBadRequest, "BadRequest", "Invalid JSON body: "+err.Error())
		return
	}
	if body.AddLicenses == nil || body.RemoveLicenses == nil {
		s.writeError(w, http.StatusBadRequest, "Request_BadRequest",
			"Invalid value specified for property 'addLicenses' or 'removeLicenses': both are required, use [] for none.")
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

	list := slices.Clone(s.dir.licenses[u.ID])
	for _, sku := range body.RemoveLicenses {
		direct := LicenseAssignment{SKUID: sku}
		i := slices.Index(list, direct)
		switch {
		case i >= 0:
			list = slices.Delete(list, i, i+1)
		case slices.ContainsFunc(list, func(a LicenseAssignment) bool { return a.SKUID == sku }):
			s.writeError(w, http.StatusBadRequest, "Request_BadRequest",
				"User license is inherited from a group membership and it cannot be removed directly from the user.")
			return
		default:
			s.writeError(w, http.StatusBadRequest, "Request_BadRequest",
				fmt.Sprintf("User does not have a corresponding license '%s' to remove.", sku))
			return
		}
	}
	for _, add := range body.AddLicenses {
		if _, ok := s.dir.skus[add.SKUID]; !ok {
			s.writeError(w, http.StatusBadRequest, "Request_BadRequest",
				fmt.Sprintf("License %s does not correspond to a valid company License.", add.SKUID))
			return
		}
		if a := (LicenseAssignment{SKUID: add.SKUID}); !slices.Contains(list, a) {
			list = append(list, a)
		}
	}

	s.dir.licenses[u.ID] = list
	out := project(s.userJSON(u), "", defaultUserProperties)
	out["@odata.context"] = baseURL(r) + "/$metadata#users/$entity"
	s.writeJSON(w, http.StatusOK, out)
}
