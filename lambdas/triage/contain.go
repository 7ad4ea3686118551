package triage

import (
	"context"
	"fmt"
)

// ContainInstance isolates the instance in its VPC's quarantine security group, tagged with
// the case id, and snapshots its volumes. Running it again for the same case changes
// nothing and reports the isolation and snapshots it finds.
//
// Input InstanceInput, output ContainmentResult. Errors: InvalidInput, NotConfigured,
// ProtectedResource (the adapter refuses a protected instance), InstanceNotFound,
// Throttled, PermissionDenied.
func (s *Steps) ContainInstance(ctx context.Context, in InstanceInput) (out ContainmentResult, err error) {
	defer classify(&err)
	if err := s.checkInstanceInput(in); err != nil {
		return out, err
	}
	iso, err := s.Containment.Isolate(ctx, in.InstanceID, in.CaseID)
	if err != nil {
		return out, fmt.Errorf("isolating instance %s: %w", in.InstanceID, err)
	}
	snaps, err := s.Containment.SnapshotVolumes(ctx, in.InstanceID, in.CaseID)
	if err != nil {
		return out, fmt.Errorf("snapshotting the volumes of instance %s: %w", in.InstanceID, err)
	}
	s.logger().InfoContext(ctx, "instance contained", "tenant", s.tenant().Name, "case", in.CaseID, "instance", in.InstanceID, "status", iso.Status, "snapshots", len(snaps))
	return ContainmentResult{Isolation: iso, Snapshots: snaps}, nil
}

// ReleaseInstance moves the instance back to the security groups recorded at isolation.
// Releasing an instance that is not isolated changes nothing and reports "not isolated".
// The snapshots stay.
//
// Input InstanceInput, output ContainmentResult. Errors: InvalidInput, NotConfigured,
// InstanceNotFound, Throttled, PermissionDenied.
func (s *Steps) ReleaseInstance(ctx context.Context, in InstanceInput) (out ContainmentResult, err error) {
	defer classify(&err)
	if err := s.checkInstanceInput(in); err != nil {
		return out, err
	}
	iso, err := s.Containment.Release(ctx, in.InstanceID)
	if err != nil {
		return out, fmt.Errorf("releasing instance %s: %w", in.InstanceID, err)
	}
	s.logger().InfoContext(ctx, "instance released", "tenant", s.tenant().Name, "case", in.CaseID, "instance", in.InstanceID, "status", iso.Status)
	return ContainmentResult{Isolation: iso}, nil
}

func (s *Steps) checkInstanceInput(in InstanceInput) error {
	if in.InstanceID == "" || in.CaseID == "" {
		return invalidInput("instanceId and caseId are required (got %q and %q)", in.InstanceID, in.CaseID)
	}
	if s.Containment == nil {
		return &NotConfigured{What: "AWS EC2 containment"}
	}
	return nil
}
