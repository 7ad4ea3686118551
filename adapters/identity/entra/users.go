package entra

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/microsoftgraph/msgraph-sdk-go/models"
	"github.com/microsoftgraph/msgraph-sdk-go/users"

	"github.com/secamo/orchestrator/adapters/identity"
)

// userProperties are selected on every user read: Graph omits accountEnabled,
// onPremisesSyncEnabled and userType unless they are named in $select.
var userProperties = []string{
	"id", "userPrincipalName", "displayName", "mail", "accountEnabled",
	"onPremisesSyncEnabled", "userType",
}

// User looks a user up by object id or user principal name, with the manager's id.
func (c *Client) User(ctx context.Context, user string) (identity.User, error) {
	if user == "" {
		return identity.User{}, errors.New("looking up user: missing user id or user principal name")
	}
	got, err := c.graph.Users().ByUserId(user).Get(ctx, &users.UserItemRequestBuilderGetRequestConfiguration{
		QueryParameters: &users.UserItemRequestBuilderGetQueryParameters{
			Select: userProperties,
			Expand: []string{"manager($select=id)"},
		},
	})
	if err != nil {
		return identity.User{}, fmt.Errorf("looking up user %q: %w", user, c.classify(err, "read user", user))
	}
	u := toIdentityUser(got)
	if m := got.GetManager(); m != nil {
		u.ManagerID = deref(m.GetId())
	}
	return u, nil
}

func toIdentityUser(u models.Userable) identity.User {
	return identity.User{
		ID:                    deref(u.GetId()),
		UserPrincipalName:     deref(u.GetUserPrincipalName()),
		DisplayName:           deref(u.GetDisplayName()),
		Mail:                  deref(u.GetMail()),
		AccountEnabled:        deref(u.GetAccountEnabled()),
		OnPremisesSyncEnabled: deref(u.GetOnPremisesSyncEnabled()),
		UserType:              deref(u.GetUserType()),
	}
}

// accountState is the part of a user that DisableUser reads before and after the update.
type accountState struct {
	AccountEnabled        *bool `json:"accountEnabled"`
	OnPremisesSyncEnabled *bool `json:"onPremisesSyncEnabled"`
}

// DisableUser sets accountEnabled to false and reads it back, in one $batch of three
// dependent requests (read, update, read). It reports whether the account was already
// disabled. A user synchronised from on-premises AD rejects the update: the error is then
// SyncedFromOnPrem, unless the account is disabled already.
func (c *Client) DisableUser(ctx context.Context, user string) (alreadyDisabled bool, err error) {
	if user == "" {
		return false, errors.New("disabling user: missing user id or user principal name")
	}

	item := c.graph.Users().ByUserId(user)
	readConfig := &users.UserItemRequestBuilderGetRequestConfiguration{
		QueryParameters: &users.UserItemRequestBuilderGetQueryParameters{Select: []string{"id", "accountEnabled", "onPremisesSyncEnabled"}},
	}
	before, err := item.ToGetRequestInformation(ctx, readConfig)
	if err != nil {
		return false, fmt.Errorf("disabling user %q: %w", user, err)
	}
	after, err := item.ToGetRequestInformation(ctx, readConfig)
	if err != nil {
		return false, fmt.Errorf("disabling user %q: %w", user, err)
	}

	patch := models.NewUser()
	disabled := false
	patch.SetAccountEnabled(&disabled)
	update, err := item.ToPatchRequestInformation(ctx, patch, nil)
	if err != nil {
		return false, fmt.Errorf("disabling user %q: %w", user, err)
	}

	results, err := c.runBatch(ctx, []batchStep{
		{id: "before", request: before},
		{id: "update", request: update, dependsOn: []string{"before"}},
		{id: "after", request: after, dependsOn: []string{"update"}},
	})
	if err != nil {
		return false, fmt.Errorf("disabling user %q: %w", user, err)
	}
	return c.disableOutcome(user, results)
}

func (c *Client) disableOutcome(user string, results map[string]batchResult) (bool, error) {
	var before, after accountState
	if err := results["before"].err(); err != nil {
		return false, fmt.Errorf("disabling user %q: %w", user, c.classify(err, "read user", user))
	}
	if err := results["before"].decode(&before); err != nil {
		return false, fmt.Errorf("disabling user %q: reading the account state: %w", user, err)
	}
	wasDisabled := before.AccountEnabled != nil && !*before.AccountEnabled
	synced := deref(before.OnPremisesSyncEnabled)
	if r := results["update"]; !r.ok() {
		if synced && r.status == http.StatusBadRequest {
			if wasDisabled {
				return true, nil
			}
			return false, fmt.Errorf("disabling user %q: %w", user, &identity.SyncedFromOnPrem{User: user})
		}
		return false, fmt.Errorf("disabling user %q: %w", user, c.classify(r.err(), "update user", user))
	}
	if err := results["after"].err(); err != nil {
		return false, fmt.Errorf("verifying that user %q is disabled: %w", user, c.classify(err, "read user", user))
	}
	if err := results["after"].decode(&after); err != nil {
		return false, fmt.Errorf("verifying that user %q is disabled: %w", user, err)
	}
	if after.AccountEnabled == nil || *after.AccountEnabled {
		return false, fmt.Errorf("verifying that user %q is disabled: graph still reports accountEnabled true after the update", user)
	}
	return wasDisabled, nil
}

// Session revocation statuses.
const (
	// RevocationRequested means Graph accepted the revocation; it takes effect within minutes
	// and cannot be read back.
	RevocationRequested = "revocationRequested"
	// RevocationNotApplicable means the user is a guest, whose sessions belong to the home
	// tenant.
	RevocationNotApplicable = "notApplicableToGuest"
)

// RevokeSessions invalidates the user's refresh tokens and session cookies. Graph responds
// before the revocation takes effect, so the status is RevocationRequested, never a verified
// state. A user whose UserType is Guest gets RevocationNotApplicable without a request.
func (c *Client) RevokeSessions(ctx context.Context, u identity.User) (string, error) {
	if u.UserType == "Guest" {
		return RevocationNotApplicable, nil
	}
	user := u.ID
	if user == "" {
		user = u.UserPrincipalName
	}
	if user == "" {
		return "", errors.New("revoking sessions: missing user id or user principal name")
	}
	resp, err := c.graph.Users().ByUserId(user).RevokeSignInSessions().PostAsRevokeSignInSessionsPostResponse(ctx, nil)
	if err != nil {
		return "", fmt.Errorf("revoking sessions of user %q: %w", user, c.classify(err, "revoke sessions", user))
	}
	if resp == nil || !deref(resp.GetValue()) {
		return "", fmt.Errorf("revoking sessions of user %q: graph returned false", user)
	}
	return RevocationRequested, nil
}

// SessionsValidFrom returns the user's signInSessionsValidFromDateTime, in UTC. Entra ID
// rejects refresh tokens and session cookies issued before it, and RevokeSessions resets it
// to the time of the revocation. The result is the zero time when Graph returns null.
func (c *Client) SessionsValidFrom(ctx context.Context, user string) (time.Time, error) {
	if user == "" {
		return time.Time{}, errors.New("reading session validity: missing user id or user principal name")
	}
	got, err := c.graph.Users().ByUserId(user).Get(ctx, &users.UserItemRequestBuilderGetRequestConfiguration{
		QueryParameters: &users.UserItemRequestBuilderGetQueryParameters{
			Select: []string{"id", "signInSessionsValidFromDateTime"},
		},
	})
	if err != nil {
		return time.Time{}, fmt.Errorf("reading session validity of user %q: %w", user, c.classify(err, "read user", user))
	}
	if from := got.GetSignInSessionsValidFromDateTime(); from != nil {
		return from.UTC(), nil
	}
	return time.Time{}, nil
}
