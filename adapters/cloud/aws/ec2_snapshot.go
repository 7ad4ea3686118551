package aws

import (
	"context"
	"fmt"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// Snapshot is a forensic snapshot of one of an instance's volumes.
type Snapshot struct {
	ID       string    `json:"id"`
	VolumeID string    `json:"volumeId"`
	Device   string    `json:"device"`
	State    string    `json:"state"` // pending, completed or error, as EC2 reports it
	Started  time.Time `json:"started,omitzero"`
	// Existing is true when the snapshot was taken by an earlier call for the same case.
	Existing bool `json:"existing,omitempty"`
}

// SnapshotVolumes starts a snapshot of every EBS volume of the instance, tagged with the case
// id, the instance id and the device, and returns them without waiting for them to complete.
// A volume that already has a snapshot for the case, in any state but error, is not
// snapshotted again. Protected instances are snapshotted too, because a snapshot does not
// change the instance.
func (c *Containment) SnapshotVolumes(ctx context.Context, instanceID, caseID string) ([]Snapshot, error) {
	if caseID == "" {
		return nil, fmt.Errorf("snapshotting EC2 instance %q: missing case id: pass the incident or ticket id", instanceID)
	}
	inst, err := c.DescribeInstance(ctx, instanceID)
	if err != nil {
		return nil, err
	}
	snaps := make([]Snapshot, 0, len(inst.Volumes))
	for _, vol := range inst.Volumes {
		existing, err := c.caseSnapshot(ctx, vol.ID, caseID)
		if err != nil {
			return nil, err
		}
		if existing != nil {
			existing.Device = vol.Device
			snaps = append(snaps, *existing)
			continue
		}
		out, err := c.client.CreateSnapshot(ctx, &ec2.CreateSnapshotInput{
			VolumeId:    sdkaws.String(vol.ID),
			Description: sdkaws.String(fmt.Sprintf("Forensic snapshot of %s (%s) of %s for case %s", vol.ID, vol.Device, instanceID, caseID)),
			TagSpecifications: []ec2types.TagSpecification{{
				ResourceType: ec2types.ResourceTypeSnapshot,
				Tags: []ec2types.Tag{
					tag(TagCaseID, caseID), tag(TagInstanceID, instanceID), tag(TagDevice, vol.Device),
					tag("Name", "forensic-"+caseID+"-"+vol.ID),
				},
			}},
		})
		if err != nil {
			return nil, classifyEC2("ec2:CreateSnapshot", instanceID, err)
		}
		snaps = append(snaps, Snapshot{ID: sdkaws.ToString(out.SnapshotId), VolumeID: vol.ID, Device: vol.Device,
			State: string(out.State), Started: sdkaws.ToTime(out.StartTime)})
	}
	return snaps, nil
}

// caseSnapshot returns the account's snapshot of the volume for the case, or nil.
func (c *Containment) caseSnapshot(ctx context.Context, volumeID, caseID string) (*Snapshot, error) {
	out, err := c.client.DescribeSnapshots(ctx, &ec2.DescribeSnapshotsInput{
		OwnerIds: []string{"self"},
		Filters: []ec2types.Filter{
			{Name: sdkaws.String("volume-id"), Values: []string{volumeID}},
			{Name: sdkaws.String("tag:" + TagCaseID), Values: []string{caseID}},
		},
	})
	if err != nil {
		return nil, classifyEC2("ec2:DescribeSnapshots", volumeID, err)
	}
	for _, s := range out.Snapshots {
		if s.State == ec2types.SnapshotStateError {
			continue
		}
		return &Snapshot{ID: sdkaws.ToString(s.SnapshotId), VolumeID: volumeID, State: string(s.State),
			Started: sdkaws.ToTime(s.StartTime), Existing: true}, nil
	}
	return nil, nil
}
