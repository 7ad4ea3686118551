package offboarding

import (
	"context"
	"fmt"

	awsadapter "github.com/secamo/orchestrator/adapters/cloud/aws"
)

// DeactivateAccessKeys deactivates the planned access keys of the IAM users the tenant maps
// to the leaver (aws.iamUsers). It never deletes a key, so an operator can reactivate it.
//
// Input ChangeInput, output ChangeOutput. Errors: InvalidInput, NotConfigured, Throttled,
// UserNotFound (the IAM user no longer exists), PermissionDenied.
func (s *Steps) DeactivateAccessKeys(ctx context.Context, in ChangeInput) (out ChangeOutput, err error) {
	defer classify(&err)
	items := itemsOf(in.Items, KindAccessKey)
	if len(items) == 0 {
		return ChangeOutput{Outcomes: []Outcome{}}, nil
	}
	if s.AccessKeys == nil {
		return out, notConfigured("AWS IAM access")
	}
	current := map[string][]awsadapter.AccessKey{}
	for _, it := range items {
		if _, ok := current[it.Target]; ok || it.Target == "" {
			continue
		}
		keys, err := s.AccessKeys.ListAccessKeys(ctx, it.Target)
		if err != nil {
			return out, fmt.Errorf("listing access keys of IAM user %q: %w", it.Target, err)
		}
		current[it.Target] = keys
	}
	return s.applyEach(ctx, "DeactivateAccessKeys", items, func(ctx context.Context, it PlanItem) (Status, string, error) {
		if it.Target == "" {
			return "", "", invalidInput("access key item %q has no IAM user in target", it.ID)
		}
		key, ok := findKey(current[it.Target], it.ID)
		switch {
		case !ok:
			return StatusAlreadyDone, "key no longer exists", nil
		case key.Status != awsadapter.KeyActive:
			return StatusAlreadyDone, "key already " + key.Status, nil
		}
		if err := s.AccessKeys.DeactivateAccessKey(ctx, it.Target, it.ID); err != nil {
			return "", "", fmt.Errorf("deactivating access key %s of IAM user %q: %w", it.ID, it.Target, err)
		}
		return StatusChanged, "key deactivated", nil
	})
}

func findKey(keys []awsadapter.AccessKey, id string) (awsadapter.AccessKey, bool) {
	for _, k := range keys {
		if k.ID == id {
			return k, true
		}
	}
	return awsadapter.AccessKey{}, false
}
