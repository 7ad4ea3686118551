package graph

import (
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"
)

// BasePath is the path prefix of every endpoint: point a client at server URL + BasePath.
const BasePath = "/v1.0"

// Options configures a Server.
type Options struct {
	// PageSize, when positive, caps the number of memberOf entries per page below the
	// client's $top. Without it a page holds $top entries (at most 999), or 100 without $top,
	// as in Graph.
	PageSize int
	// Token, when set, is the bearer token every request must carry.
	Token string
	// Now returns the time used in error bodies, licence states and session revocations;
	// nil means time.Now.
	Now func() time.Time
}

// Server is the emulator: an http.Handler over an in-memory directory. It is safe for
// concurrent use.
type Server struct {
	opts Options
	mux  *http.ServeMux

	mu       sync.Mutex
	dir      *directory
	faults   faults
	requests int
}

var _ http.Handler = (*Server)(nil)

// New returns an emulator with an empty directory.
func New(opts Options) *Server {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Server{opts: opts, dir: newDirectory(), faults: faults{deniedGroups: map[string]bool{}}}
	s.mux = http.NewServeMux()
	s.routes()
	return s
}

func (s *Server) routes() {
	p := BasePath
	s.mux.HandleFunc("POST "+p+"/$batch", s.handleBatch)
	s.mux.HandleFunc("GET "+p+"/users/{user}", s.handleGetUser)
	s.mux.HandleFunc("PATCH "+p+"/users/{user}", s.handlePatchUser)
	s.mux.HandleFunc("GET "+p+"/users/{user}/manager", s.handleGetManager)
	s.mux.HandleFunc("GET "+p+"/users/{user}/memberOf", s.handleMemberOf)
	s.mux.HandleFunc("GET "+p+"/users/{user}/licenseDetails", s.handleLicenseDetails)
	s.mux.HandleFunc("POST "+p+"/users/{user}/assignLicense", s.handleAssignLicense)
	s.mux.HandleFunc("POST "+p+"/users/{user}/revokeSignInSessions", s.handleRevokeSessions)
	s.mux.HandleFunc("GET "+p+"/users/{user}/mailboxSettings", s.handleGetMailboxSettings)
	s.mux.HandleFunc("PATCH "+p+"/users/{user}/mailboxSettings", s.handlePatchMailboxSettings)
	s.mux.HandleFunc("DELETE "+p+"/groups/{object}/members/{user}/$ref", s.handleRemoveMember(kindGroup))
	s.mux.HandleFunc("DELETE "+p+"/directoryRoles/{object}/members/{user}/$ref", s.handleRemoveMember(kindRole))
	s.mux.HandleFunc("DELETE "+p+"/directory/administrativeUnits/{object}/members/{user}/$ref", s.handleRemoveMember(kindAdministrativeUnit))
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, http.StatusBadRequest, "BadRequest",
			fmt.Sprintf("Resource not found for the segment in %s %s: the emulator does not implement it.", r.Method, r.URL.Path))
	})
}

// ServeHTTP implements http.Handler: it checks the bearer token, applies injected request
// faults and dispatches to the endpoint.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.requests++
	throttle := s.faults.takeRequestThrottle()
	s.mu.Unlock()

	if s.opts.Token != "" && r.Header.Get("Authorization") != "Bearer "+s.opts.Token {
		s.writeError(w, http.StatusUnauthorized, "InvalidAuthenticationToken", "Access token is empty or invalid.")
		return
	}
	if throttle != nil {
		w.Header().Set("Retry-After", throttle.retryAfter)
		s.writeError(w, throttle.status, throttleCode(throttle.status), "Please retry again later.")
		return
	}
	s.mux.ServeHTTP(w, r)
}

// Requests returns the number of HTTP requests served; a $batch counts once.
func (s *Server) Requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests
}

// AddUser adds a user. The id and user principal name must be unique.
func (s *Server) AddUser(u User) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u.ID == "" || u.UserPrincipalName == "" {
		return fmt.Errorf("adding user %q: missing id or user principal name", u.DisplayName)
	}
	if s.dir.findUser(u.ID) != nil || s.dir.findUser(u.UserPrincipalName) != nil {
		return fmt.Errorf("adding user %q: a user with this id or user principal name exists", u.UserPrincipalName)
	}
	if _, taken := s.dir.kinds[u.ID]; taken {
		return fmt.Errorf("adding user %q: id %q is used by another object", u.UserPrincipalName, u.ID)
	}
	if u.UserType == "" {
		u.UserType = "Member"
	}
	if u.SignInSessionsValidFrom.IsZero() {
		u.SignInSessionsValidFrom = s.opts.Now()
	}
	u.SignInSessionsValidFrom = graphTime(u.SignInSessionsValidFrom)
	s.dir.users[u.ID] = &u
	return nil
}

// AddGroup adds a group.
func (s *Server) AddGroup(g Group) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.dir.addObject(g.ID, kindGroup); err != nil {
		return fmt.Errorf("adding group %q: %w", g.DisplayName, err)
	}
	s.dir.groups[g.ID] = &g
	return nil
}

// AddDirectoryRole adds an activated directory role.
func (s *Server) AddDirectoryRole(r DirectoryRole) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.dir.addObject(r.ID, kindRole); err != nil {
		return fmt.Errorf("adding directory role %q: %w", r.DisplayName, err)
	}
	s.dir.roles[r.ID] = &r
	return nil
}

// AddAdministrativeUnit adds an administrative unit.
func (s *Server) AddAdministrativeUnit(a AdministrativeUnit) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.dir.addObject(a.ID, kindAdministrativeUnit); err != nil {
		return fmt.Errorf("adding administrative unit %q: %w", a.DisplayName, err)
	}
	s.dir.units[a.ID] = &a
	return nil
}

// AddSKU adds a subscribed SKU, so that licenses of it can be assigned.
func (s *Server) AddSKU(sku SKU) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dir.skus[sku.ID] = sku
}

// AddMember makes the user a member of the group, directory role or administrative unit.
func (s *Server) AddMember(objectID, userID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.dir.kinds[objectID]; !ok {
		return fmt.Errorf("adding member %q: no group, role or administrative unit %q", userID, objectID)
	}
	if _, ok := s.dir.users[userID]; !ok {
		return fmt.Errorf("adding member %q to %q: no user with this id", userID, objectID)
	}
	if s.dir.members[objectID][userID] {
		return nil
	}
	s.dir.members[objectID][userID] = true
	s.dir.memberOf[userID] = append(s.dir.memberOf[userID], objectID)
	return nil
}

// AssignLicense assigns a SKU to the user, directly when viaGroupID is empty and otherwise
// as inherited from that group.
func (s *Server) AssignLicense(userID, skuID, viaGroupID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.dir.users[userID]; !ok {
		return fmt.Errorf("assigning license %q: no user %q", skuID, userID)
	}
	if _, ok := s.dir.skus[skuID]; !ok {
		return fmt.Errorf("assigning license %q to %q: unknown SKU, add it with AddSKU", skuID, userID)
	}
	if viaGroupID != "" && s.dir.groups[viaGroupID] == nil {
		return fmt.Errorf("assigning license %q to %q: no group %q", skuID, userID, viaGroupID)
	}
	a := LicenseAssignment{SKUID: skuID, ByGroup: viaGroupID}
	if !slices.Contains(s.dir.licenses[userID], a) {
		s.dir.licenses[userID] = append(s.dir.licenses[userID], a)
	}
	return nil
}

// User returns the user with the given object id or user principal name.
func (s *Server) User(key string) (User, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.dir.findUser(key)
	if u == nil {
		return User{}, false
	}
	return *u, true
}

// MemberOf returns the ids of the groups, roles and administrative units the user belongs to.
func (s *Server) MemberOf(userID string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.dir.memberOf[userID])
}

// Licenses returns the user's licence assignments.
func (s *Server) Licenses(userID string) []LicenseAssignment {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.dir.licenses[userID])
}

// AutomaticReply returns the user's automatic reply setting; false means none was set.
func (s *Server) AutomaticReply(userID string) (AutomaticReply, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.dir.replies[userID]
	return r, ok
}

// SessionRevocations returns how many times the user's sign-in sessions were revoked.
func (s *Server) SessionRevocations(userID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dir.revocations[userID]
}
