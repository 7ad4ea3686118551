package ec2

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	awsadapter "github.com/secamo/orchestrator/adapters/cloud/aws"
)

// originalPrefix is the tag key prefix, followed by an interface id, of the recorded groups.
const originalPrefix = "secamo:original-groups:"

// Isolate moves every interface of the instance into the VPC's quarantine group, after
// recording its groups in a tag. It rejects a protected instance with ProtectedResource and
// reports StatusAlreadyIsolated for an isolated one.
func (e *EC2) Isolate(ctx context.Context, instanceID, caseID string) (*awsadapter.IsolationResult, error) {
	if caseID == "" {
		return nil, fmt.Errorf("isolating EC2 instance %q: missing case id: pass the incident or ticket id", instanceID)
	}

	e.mu.Lock()
	defer e.mu.Unlock()
	inst, err := e.instance(instanceID)
	if err != nil {
		return nil, err
	}
	if strings.EqualFold(inst.Tags[awsadapter.TagProtected], "true") {
		return nil, &awsadapter.ProtectedResource{InstanceID: instanceID, Tag: awsadapter.TagProtected}
	}

	group, created := e.groups[inst.VPCID], false
	if group == "" {
		group, created = quarantineGroupPrefix+strings.TrimPrefix(inst.VPCID, "vpc-"), true
		e.groups[inst.VPCID] = group
	}
	result := &awsadapter.IsolationResult{InstanceID: instanceID, CaseID: caseID, QuarantineGroupID: group,
		GroupCreated: created, OriginalGroups: recorded(inst)}
	if at := inst.Tags[awsadapter.TagIsolatedAt]; at != "" {
		result.Status, result.CaseID, result.IsolatedAt = awsadapter.StatusAlreadyIsolated, inst.Tags[awsadapter.TagCaseID], at
		return result, nil
	}

	for i, iface := range inst.Interfaces {
		result.OriginalGroups[iface.ID] = iface.GroupIDs
		inst.Tags[originalPrefix+iface.ID] = strings.Join(iface.GroupIDs, " ")
		inst.Interfaces[i].GroupIDs = []string{group}
	}
	result.IsolatedAt = e.clock.Now().UTC().Format(time.RFC3339)
	inst.Tags[awsadapter.TagIsolatedAt], inst.Tags[awsadapter.TagCaseID] = result.IsolatedAt, caseID
	result.Status = awsadapter.StatusIsolated
	return result, nil
}

// Release moves each interface back to its recorded groups and removes the records.
func (e *EC2) Release(ctx context.Context, instanceID string) (*awsadapter.IsolationResult, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	inst, err := e.instance(instanceID)
	if err != nil {
		return nil, err
	}
	groups := recorded(inst)
	result := &awsadapter.IsolationResult{InstanceID: instanceID, CaseID: inst.Tags[awsadapter.TagCaseID], OriginalGroups: groups}
	if len(groups) == 0 {
		result.Status = awsadapter.StatusNotIsolated
		return result, nil
	}
	for i, iface := range inst.Interfaces {
		if g, ok := groups[iface.ID]; ok {
			inst.Interfaces[i].GroupIDs = slices.Clone(g)
		}
		delete(inst.Tags, originalPrefix+iface.ID)
	}
	delete(inst.Tags, awsadapter.TagIsolatedAt)
	inst.Tags[awsadapter.TagReleasedAt] = e.clock.Now().UTC().Format(time.RFC3339)
	result.Status = awsadapter.StatusReleased
	return result, nil
}

// SnapshotVolumes records a completed snapshot of every volume that has none for the case
// yet and returns one per volume.
func (e *EC2) SnapshotVolumes(ctx context.Context, instanceID, caseID string) ([]awsadapter.Snapshot, error) {
	if caseID == "" {
		return nil, fmt.Errorf("snapshotting EC2 instance %q: missing case id: pass the incident or ticket id", instanceID)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	inst, err := e.instance(instanceID)
	if err != nil {
		return nil, err
	}
	var out []awsadapter.Snapshot
	for _, vol := range inst.Volumes {
		if s, ok := e.caseSnapshot(vol.ID, caseID); ok {
			s.Existing = true
			out = append(out, s)
			continue
		}
		s := awsadapter.Snapshot{ID: fmt.Sprintf("snap-%017x", len(e.snapshots)+1), VolumeID: vol.ID, Device: vol.Device,
			State: "completed", Started: e.clock.Now().UTC()}
		e.snapshots = append(e.snapshots, Snapshot{Snapshot: s, InstanceID: instanceID, CaseID: caseID})
		out = append(out, s)
	}
	return out, nil
}

func (e *EC2) caseSnapshot(volumeID, caseID string) (awsadapter.Snapshot, bool) {
	for _, s := range e.snapshots {
		if s.VolumeID == volumeID && s.CaseID == caseID {
			return s.Snapshot, true
		}
	}
	return awsadapter.Snapshot{}, false
}

// recorded returns the groups recorded per interface on the instance's tags.
func recorded(inst *awsadapter.Instance) map[string][]string {
	out := map[string][]string{}
	for _, k := range slices.Sorted(maps.Keys(inst.Tags)) {
		if eni, ok := strings.CutPrefix(k, originalPrefix); ok {
			out[eni] = strings.Fields(inst.Tags[k])
		}
	}
	return out
}
