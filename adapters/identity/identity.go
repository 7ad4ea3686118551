// Package identity holds the types shared by the identity adapters (Entra ID through Microsoft
// Graph in package entra, on-premises Active Directory through LDAP in package
// activedirectory) and the steps that use them: users, memberships, licences and the typed
// errors that state machines catch by name.
//
// The error types' Go names are part of the state-machine contract: the Lambda runtime and the
// local engine report an error by its type name, and ASL Retry and Catch blocks match
// UserNotFound, SyncedFromOnPrem, PermissionDenied and Throttled exactly. The package makes
// no network calls.
package identity

import (
	"fmt"
	"time"
)

// User is a directory user as the steps see it, from either provider.
type User struct {
	// ID is the Entra object id, or the AD objectGUID in its string form.
	ID string `json:"id"`
	// UserPrincipalName is the sign-in name, such as jan.peeters@example.com.
	UserPrincipalName string `json:"userPrincipalName"`
	// SAMAccountName is the pre-Windows 2000 logon name (AD only).
	SAMAccountName string `json:"samAccountName,omitempty"`
	// DistinguishedName is the AD distinguished name (AD only).
	DistinguishedName string `json:"distinguishedName,omitempty"`
	DisplayName       string `json:"displayName"`
	Mail              string `json:"mail,omitempty"`
	AccountEnabled    bool   `json:"accountEnabled"`
	// OnPremisesSyncEnabled is true for an Entra user synchronised from on-premises AD: such a
	// user is disabled on the AD side, since Graph refuses or sync reverts changes to it.
	OnPremisesSyncEnabled bool `json:"onPremisesSyncEnabled"`
	// UserType is Member or Guest (Entra only).
	UserType string `json:"userType,omitempty"`
	// ManagerID is the manager's object id, empty when none is set.
	ManagerID string `json:"managerId,omitempty"`
}

// MembershipKind tells what a user is a member of.
type MembershipKind string

// Membership kinds returned by Graph's memberOf.
const (
	KindGroup              MembershipKind = "group"
	KindDirectoryRole      MembershipKind = "directoryRole"
	KindAdministrativeUnit MembershipKind = "administrativeUnit"
)

// Membership is one group, directory role or administrative unit a user belongs to.
type Membership struct {
	ID          string         `json:"id"`
	DisplayName string         `json:"displayName"`
	Kind        MembershipKind `json:"kind"`
	// Dynamic is true for a group whose members come from a rule; it cannot be edited.
	Dynamic bool `json:"dynamic,omitempty"`
	// OnPremises is true for a group synchronised from AD; it is edited on the AD side.
	OnPremises bool `json:"onPremises,omitempty"`
	// Removable is false when the membership cannot be removed through this provider, with
	// the reason in NotRemovableReason, in English, and NotRemovableCode, which callers can
	// translate.
	Removable          bool   `json:"removable"`
	NotRemovableReason string `json:"notRemovableReason,omitempty"`
	NotRemovableCode   string `json:"notRemovableCode,omitempty"`
}

// Codes of NotRemovableCode.
const (
	NotRemovableSynced      = "synced-group"     // synchronised from on-premises AD
	NotRemovableDynamic     = "dynamic-rule"     // members come from a rule
	NotRemovableMailEnabled = "mail-enabled"     // managed in Exchange Online
	NotRemovableKind        = "unsupported-kind" // an object type the provider does not edit
)

// License is one licence (subscribed SKU) assigned to a user.
type License struct {
	SkuID         string `json:"skuId"`
	SkuPartNumber string `json:"skuPartNumber"`
	// AssignedByGroup is the id of the group that assigns the licence, empty for a direct
	// assignment. A group-assigned licence goes away with the membership, not directly.
	AssignedByGroup string `json:"assignedByGroup,omitempty"`
}

// ItemResult is the outcome of one item of a bulk change, such as removing one membership.
type ItemResult struct {
	ID     string `json:"id"`
	Name   string `json:"name,omitempty"`
	Status string `json:"status"` // removed, alreadyAbsent, failed, skipped
	Error  string `json:"error,omitempty"`
	// ErrorName is the typed error's name for a failed item (PermissionDenied, Throttled, ...).
	ErrorName string `json:"errorName,omitempty"`
}

// Item statuses.
const (
	StatusRemoved       = "removed"
	StatusAlreadyAbsent = "alreadyAbsent"
	StatusFailed        = "failed"
	StatusSkipped       = "skipped"
)

// UserNotFound is returned when no user matches the given name or id.
type UserNotFound struct {
	User string
}

func (e *UserNotFound) Error() string { return fmt.Sprintf("user %q not found", e.User) }

// SyncedFromOnPrem is returned when a change is refused because the user (or group) is
// synchronised from on-premises AD and must be changed there.
type SyncedFromOnPrem struct {
	User string
}

func (e *SyncedFromOnPrem) Error() string {
	return fmt.Sprintf("user %q is synchronised from on-premises AD: change it in AD", e.User)
}

// PermissionDenied is returned when the directory refuses an operation to the orchestrator's
// identity.
type PermissionDenied struct {
	Operation string
	Detail    string
}

func (e *PermissionDenied) Error() string {
	return fmt.Sprintf("permission denied for %s: %s", e.Operation, e.Detail)
}

// Throttled is returned when the directory asks the caller to slow down and the retries
// allowed for one call are used up.
type Throttled struct {
	RetryAfter time.Duration
}

func (e *Throttled) Error() string {
	return fmt.Sprintf("throttled by the directory; retry after %s", e.RetryAfter)
}
