package graph

import (
	"fmt"
	"strings"
	"time"
)

// User is a directory user as seeded into the emulator.
type User struct {
	ID                string
	UserPrincipalName string
	DisplayName       string
	// Mail is the primary SMTP address; a user without one has no mailbox.
	Mail           string
	AccountEnabled bool
	// OnPremisesSyncEnabled marks a user synchronised from on-premises AD: Graph rejects
	// updates to it.
	OnPremisesSyncEnabled bool
	// UserType is Member or Guest; empty means Member.
	UserType  string
	ManagerID string
	// SignInSessionsValidFrom is the signInSessionsValidFromDateTime: tokens issued before
	// it are rejected. Zero means the time the user was added; revokeSignInSessions sets
	// it to the current time.
	SignInSessionsValidFrom time.Time
}

// Group is a Microsoft 365 or security group.
type Group struct {
	ID          string
	DisplayName string
	// Dynamic marks a group whose members come from a membership rule (groupTypes contains
	// DynamicMembership).
	Dynamic bool
	// Unified marks a Microsoft 365 group (groupTypes contains Unified).
	Unified         bool
	MailEnabled     bool
	SecurityEnabled bool
	// OnPremisesSyncEnabled marks a group synchronised from on-premises AD.
	OnPremisesSyncEnabled bool
}

// DirectoryRole is an activated directory role such as User Administrator.
type DirectoryRole struct {
	ID             string
	DisplayName    string
	RoleTemplateID string
}

// AdministrativeUnit is an administrative unit; a dynamic one has a membership rule.
type AdministrativeUnit struct {
	ID          string
	DisplayName string
	Dynamic     bool
}

// SKU is a subscribed licence SKU of the tenant.
type SKU struct {
	ID         string
	PartNumber string
}

// LicenseAssignment is one assignment of a SKU to a user, directly (ByGroup empty) or through
// a group.
type LicenseAssignment struct {
	SKUID   string
	ByGroup string
}

// AutomaticReply is a user's automaticRepliesSetting.
type AutomaticReply struct {
	// Status is disabled, alwaysEnabled or scheduled.
	Status string
	// ExternalAudience is one of none, contactsOnly or all.
	ExternalAudience     string
	InternalReplyMessage string
	ExternalReplyMessage string
	ScheduledStart       time.Time
	ScheduledEnd         time.Time
}

type objectKind int

const (
	kindGroup objectKind = iota + 1
	kindRole
	kindAdministrativeUnit
)

// directory is the emulator's state; Server guards it with its mutex.
type directory struct {
	users   map[string]*User
	groups  map[string]*Group
	roles   map[string]*DirectoryRole
	units   map[string]*AdministrativeUnit
	skus    map[string]SKU
	kinds   map[string]objectKind
	members map[string]map[string]bool // object id -> user id -> member
	// memberOf keeps each user's memberships in the order they were added, for stable paging.
	memberOf    map[string][]string
	licenses    map[string][]LicenseAssignment
	replies     map[string]AutomaticReply
	revocations map[string]int
}

func newDirectory() *directory {
	return &directory{
		users:       map[string]*User{},
		groups:      map[string]*Group{},
		roles:       map[string]*DirectoryRole{},
		units:       map[string]*AdministrativeUnit{},
		skus:        map[string]SKU{},
		kinds:       map[string]objectKind{},
		members:     map[string]map[string]bool{},
		memberOf:    map[string][]string{},
		licenses:    map[string][]LicenseAssignment{},
		replies:     map[string]AutomaticReply{},
		revocations: map[string]int{},
	}
}

// findUser returns the user with the given object id or user principal name (case-insensitive).
func (d *directory) findUser(key string) *User {
	if u, ok := d.users[key]; ok {
		return u
	}
	for _, u := range d.users {
		if strings.EqualFold(u.UserPrincipalName, key) {
			return u
		}
	}
	return nil
}

func (d *directory) addObject(id string, kind objectKind) error {
	if id == "" {
		return fmt.Errorf("missing object id")
	}
	if _, taken := d.kinds[id]; taken {
		return fmt.Errorf("object id %q is already used", id)
	}
	if _, taken := d.users[id]; taken {
		return fmt.Errorf("object id %q is already used by a user", id)
	}
	d.kinds[id] = kind
	d.members[id] = map[string]bool{}
	return nil
}

func (d *directory) removeMember(objectID, userID string) bool {
	if !d.members[objectID][userID] {
		return false
	}
	delete(d.members[objectID], userID)
	list := d.memberOf[userID]
	for i, id := range list {
		if id == objectID {
			d.memberOf[userID] = append(list[:i:i], list[i+1:]...)
			break
		}
	}
	return true
}
