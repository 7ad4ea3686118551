package graph

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Page sizes of Graph's memberOf: 100 without $top, and $top at most 999.
const (
	defaultPageSize = 100
	maxPageSize     = 999
)

func (s *Server) handleMemberOf(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := r.PathValue("user")
	u := s.dir.findUser(key)
	if u == nil {
		s.writeUserNotFound(w, key)
		return
	}
	q := r.URL.Query()
	size, err := pageSize(q.Get("$top"), s.opts.PageSize)
	if err != nil {
		s.writeError(w, http.StatusBadRequest, "Request_BadRequest", err.Error())
		return
	}
	offset := 0
	if token := q.Get("$skiptoken"); token != "" {
		if s.faults.expirePageTokens > 0 {
			s.faults.expirePageTokens--
			s.writeError(w, http.StatusBadRequest, "Directory_ExpiredPageToken",
				"The specified page token value has expired and can no longer be included in your request.")
			return
		}
		if offset, err = decodeSkipToken(token, u.ID); err != nil {
			s.writeError(w, http.StatusBadRequest, "Request_BadRequest", err.Error())
			return
		}
	}

	all := s.dir.memberOf[u.ID]
	end := min(offset+size, len(all))
	values := make([]any, 0, end-offset)
	for _, id := range all[min(offset, len(all)):end] {
		values = append(values, project(s.objectJSON(id), q.Get("$select"), nil))
	}
	body := map[string]any{
		"@odata.context": baseURL(r) + "/$metadata#directoryObjects",
		"value":          values,
	}
	if end < len(all) {
		next := url.Values{}
		next.Set("$top", strconv.Itoa(size))
		if sel := q.Get("$select"); sel != "" {
			next.Set("$select", sel)
		}
		next.Set("$skiptoken", encodeSkipToken(end, u.ID))
		body["@odata.nextLink"] = baseURL(r) + "/users/" + url.PathEscape(u.ID) + "/memberOf?" + next.Encode()
	}
	s.writeJSON(w, http.StatusOK, body)
}

func pageSize(top string, limit int) (int, error) {
	size := defaultPageSize
	if top != "" {
		n, err := strconv.Atoi(top)
		if err != nil || n < 1 || n > maxPageSize {
			return 0, fmt.Errorf("invalid $top '%s': use a page size from 1 to %d", top, maxPageSize)
		}
		size = n
	}
	if limit > 0 && size > limit {
		size = limit
	}
	return size, nil
}

func encodeSkipToken(offset int, userID string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf("memberOf:%s:%d", userID, offset)))
}

func decodeSkipToken(token, userID string) (int, error) {
	raw, err := base64.RawURLEncoding.DecodeString(token)
	rest, ok := strings.CutPrefix(string(raw), "memberOf:"+userID+":")
	offset, convErr := strconv.Atoi(rest)
	if err != nil || !ok || convErr != nil || offset < 0 {
		return 0, fmt.Errorf("invalid skip token '%s'", token)
	}
	return offset, nil
}
