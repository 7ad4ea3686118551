package entra

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/google/uuid"
	abs "github.com/microsoft/kiota-abstractions-go"
	"github.com/microsoftgraph/msgraph-sdk-go/models"
	"github.com/microsoftgraph/msgraph-sdk-go/users"

	"github.com/secamo/orchestrator/adapters/identity"
)

// licenseState is one entry of a user's licenseAssignmentStates.
type licenseState struct {
	SkuID           string  `json:"skuId"`
	AssignedByGroup *string `json:"assignedByGroup"`
}

type licenseStates struct {
	States []licenseState `json:"licenseAssignmentStates"`
}

type licenseDetails struct {
	Value []struct {
		SkuID         string `json:"skuId"`
		SkuPartNumber string `json:"skuPartNumber"`
	} `json:"value"`
}

// Licenses lists the user's licences with their SKU part numbers, in one $batch that reads
// licenseAssignmentStates and licenseDetails. A licence assigned both directly and through a
// group is reported as direct (AssignedByGroup empty), since its direct assignment can be
// removed.
func (c *Client) Licenses(ctx context.Context, user string) ([]identity.License, error) {
	if user == "" {
		return nil, errors.New("listing licences: missing user id or user principal name")
	}

	states, err := c.licenseStatesRequest(ctx, user)
	if err != nil {
		return nil, fmt.Errorf("listing licences of user %q: %w", user, err)
	}
	details, err := c.graph.Users().ByUserId(user).LicenseDetails().ToGetRequestInformation(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("listing licences of user %q: %w", user, err)
	}

	results, err := c.runBatch(ctx, []batchStep{{id: "states", request: states}, {id: "details", request: details}})
	if err != nil {
		return nil, fmt.Errorf("listing licences of user %q: %w", user, err)
	}

	var st licenseStates
	var dt licenseDetails
	for id, v := range map[string]any{"states": &st, "details": &dt} {
		if err := results[id].err(); err != nil {
			return nil, fmt.Errorf("listing licences of user %q: %w", user, c.classify(err, "read licences", user))
		}
		if err := results[id].decode(v); err != nil {
			return nil, fmt.Errorf("listing licences of user %q: decoding %s: %w", user, id, err)
		}
	}

	names := map[string]string{}
	for _, d := range dt.Value {
		names[d.SkuID] = d.SkuPartNumber
	}
	return toLicenses(st.States, names), nil
}

func toLicenses(states []licenseState, names map[string]string) []identity.License {
	var out []identity.License
	index := map[string]int{}
	for _, s := range states {
		group := deref(s.AssignedByGroup)
		if i, seen := index[s.SkuID]; seen {
			if group == "" {
				out[i].AssignedByGroup = ""
			}
			continue
		}
		index[s.SkuID] = len(out)
		out = append(out, identity.License{SkuID: s.SkuID, SkuPartNumber: names[s.SkuID], AssignedByGroup: group})
	}
	return out
}

func (c *Client) licenseStatesRequest(ctx context.Context, user string) (*abs.RequestInformation, error) {
	return c.graph.Users().ByUserId(user).ToGetRequestInformation(ctx, &users.UserItemRequestBuilderGetRequestConfiguration{
		QueryParameters: &users.UserItemRequestBuilderGetQueryParameters{Select: []string{"id", "licenseAssignmentStates"}},
	})
}

// RemoveLicenses removes the direct assignments of the given SKU ids and reads the user back
// to verify, reporting each SKU by itself: removed, alreadyAbsent (not assigned), skipped
// (assigned only through a group, which the membership removal takes away) or failed. A SKU
// assigned both directly and through a group loses its direct assignment and stays assigned
// through the group. It sends two requests: a read of licenseAssignmentStates, then one
// $batch with assignLicense and the read-back.
func (c *Client) RemoveLicenses(ctx context.Context, user string, skuIDs []string) ([]identity.ItemResult, error) {
	if user == "" {
		return nil, errors.New("removing licences: missing user id or user principal name")
	}
	before, err := c.readLicenseStates(ctx, user)
	if err != nil {
		return nil, fmt.Errorf("removing licences of user %q: %w", user, err)
	}
	results, remove, err := planLicenseRemoval(before, skuIDs)
	if err != nil || len(remove) == 0 {
		return results, err
	}
	after, removeErr := c.assignLicenses(ctx, user, remove)
	for i, r := range results {
		if r.Status != "" {
			continue
		}
		switch {
		case removeErr != nil:
			results[i].Status, results[i].Error, results[i].ErrorName = identity.StatusFailed, removeErr.Error(), errorName(removeErr)
		case hasDirect(after, r.ID):
			results[i].Status, results[i].Error = identity.StatusFailed, "graph still reports the direct assignment after the removal"
		default:
			results[i].Status = identity.StatusRemoved
		}
	}
	return results, nil
}

// planLicenseRemoval reports the SKUs that need no request and returns the ones to remove;
// their results keep an empty status.
func planLicenseRemoval(states []licenseState, skuIDs []string) ([]identity.ItemResult, []string, error) {
	results := make([]identity.ItemResult, len(skuIDs))
	var remove []string
	for i, sku := range skuIDs {
		results[i].ID = sku
		if _, err := uuid.Parse(sku); err != nil {
			return nil, nil, fmt.Errorf("removing licences: invalid SKU id %q: use the skuId GUID, not the part number", sku)
		}
		var groups []string
		for _, s := range states {
			if s.SkuID == sku && s.AssignedByGroup != nil {
				groups = append(groups, *s.AssignedByGroup)
			}
		}
		switch {
		case hasDirect(states, sku):
			if !slices.Contains(remove, sku) {
				remove = append(remove, sku)
			}
		case len(groups) > 0:
			results[i].Status = identity.StatusSkipped
			results[i].Error = fmt.Sprintf("assigned through group %q: remove the group membership instead", groups[0])
		default:
			results[i].Status = identity.StatusAlreadyAbsent
		}
	}
	return results, remove, nil
}

func hasDirect(states []licenseState, sku string) bool {
	return slices.ContainsFunc(states, func(s licenseState) bool { return s.SkuID == sku && s.AssignedByGroup == nil })
}

func (c *Client) readLicenseStates(ctx context.Context, user string) ([]licenseState, error) {
	got, err := c.graph.Users().ByUserId(user).Get(ctx, &users.UserItemRequestBuilderGetRequestConfiguration{
		QueryParameters: &users.UserItemRequestBuilderGetQueryParameters{Select: []string{"id", "licenseAssignmentStates"}},
	})
	if err != nil {
		return nil, c.classify(err, "read licences", user)
	}
	var out []licenseState
	for _, s := range got.GetLicenseAssignmentStates() {
		st := licenseState{AssignedByGroup: s.GetAssignedByGroup()}
		if id := s.GetSkuId(); id != nil {
			st.SkuID = id.String()
		}
		out = append(out, st)
	}
	return out, nil
}

// assignLicenses removes the SKUs with assignLicense and returns the states read back in the
// same $batch.
func (c *Client) assignLicenses(ctx context.Context, user string, remove []string) ([]licenseState, error) {
	body := users.NewItemAssignLicensePostRequestBody()
	body.SetAddLicenses([]models.AssignedLicenseable{})
	ids := make([]uuid.UUID, len(remove))
	for i, sku := range remove {
		ids[i] = uuid.MustParse(sku)
	}
	body.SetRemoveLicenses(ids)

	assign, err := c.graph.Users().ByUserId(user).AssignLicense().ToPostRequestInformation(ctx, body, nil)
	if err != nil {
		return nil, err
	}
	read, err := c.licenseStatesRequest(ctx, user)
	if err != nil {
		return nil, err
	}

	results, err := c.runBatch(ctx, []batchStep{{id: "assign", request: assign}, {id: "after", request: read, dependsOn: []string{"assign"}}})
	if err != nil {
		return nil, err
	}
	if err := results["assign"].err(); err != nil {
		return nil, c.classify(err, "assign licences", user)
	}
	if err := results["after"].err(); err != nil {
		return nil, c.classify(err, "read licences", user)
	}

	var st licenseStates
	if err := results["after"].decode(&st); err != nil {
		return nil, fmt.Errorf("decoding the licences read back: %w", err)
	}
	return st.States, nil
}
