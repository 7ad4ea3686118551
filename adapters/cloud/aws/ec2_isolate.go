package aws

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/smithy-go"
)

// Isolation statuses.
const (
	StatusIsolated        = "isolated"
	StatusAlreadyIsolated = "already isolated"
	StatusReleased        = "released"
	StatusNotIsolated     = "not isolated"
)

// IsolationResult reports what Isolate or Release did.
type IsolationResult struct {
	InstanceID        string `json:"instanceId"`
	Status            string `json:"status"` // one of the Status constants
	CaseID            string `json:"caseId,omitempty"`
	QuarantineGroupID string `json:"quarantineGroupId,omitempty"`
	GroupCreated      bool   `json:"groupCreated,omitempty"`
	// OriginalGroups maps each network interface to the security groups it had before the
	// isolation, as recorded on the instance's tags.
	OriginalGroups map[string][]string `json:"originalGroups,omitempty"`
	IsolatedAt     string              `json:"isolatedAt,omitempty"`
	// Detached lists recorded interfaces that are no longer attached, so Release could not
	// restore them.
	Detached []string `json:"detached,omitempty"`
}

// Isolate moves every network interface of the instance into the VPC's quarantine security
// group, which allows no traffic in or out. Before it moves an interface it records the
// interface's groups in a tag on the instance, so Release can restore them. It also tags the
// case id and the time. Isolating an isolated instance changes nothing and reports
// StatusAlreadyIsolated with the groups recorded the first time.
//
// NOTE: a security group change does not end connections that are already tracked, so an
// established session can outlive the isolation until it closes or times out.
func (c *Containment) Isolate(ctx context.Context, instanceID, caseID string) (*IsolationResult, error) {
	if caseID == "" {
		return nil, fmt.Errorf("isolating EC2 instance %q: missing case id: pass the incident or ticket id", instanceID)
	}
	inst, err := c.DescribeInstance(ctx, instanceID)
	if err != nil {
		return nil, err
	}
	if inst.Protected {
		return nil, &ProtectedResource{InstanceID: instanceID, Tag: TagProtected}
	}
	if inst.State == string(ec2types.InstanceStateNameTerminated) || inst.State == string(ec2types.InstanceStateNameShuttingDown) {
		return nil, fmt.Errorf("isolating EC2 instance %q: the instance is %s, so there is nothing to isolate", instanceID, inst.State)
	}
	if inst.VPCID == "" || len(inst.Interfaces) == 0 {
		return nil, fmt.Errorf("isolating EC2 instance %q: the instance has no VPC network interface to move", instanceID)
	}

	groupID, created, err := c.quarantineGroup(ctx, inst.VPCID)
	if err != nil {
		return nil, fmt.Errorf("isolating EC2 instance %q: %w", instanceID, err)
	}
	result := &IsolationResult{InstanceID: instanceID, CaseID: caseID, QuarantineGroupID: groupID, GroupCreated: created,
		OriginalGroups: inst.recordedGroups()}

	tags, toMove := c.planIsolation(inst, groupID, caseID, result)
	if len(toMove) == 0 && inst.Tags[TagIsolatedAt] != "" {
		result.Status = StatusAlreadyIsolated
		result.CaseID = inst.Tags[TagCaseID]
		result.IsolatedAt = inst.Tags[TagIsolatedAt]
		return result, nil
	}
	// The original groups are tagged before any interface moves, so an isolation that stops
	// half-way can still be released.
	if len(tags) > 0 {
		if _, err := c.client.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{instanceID}, Tags: tags}); err != nil {
			return nil, classifyEC2("ec2:CreateTags", instanceID, err)
		}
	}
	for _, eni := range toMove {
		_, err := c.client.ModifyNetworkInterfaceAttribute(ctx, &ec2.ModifyNetworkInterfaceAttributeInput{
			NetworkInterfaceId: sdkaws.String(eni),
			Groups:             []string{groupID},
		})
		if err != nil {
			return nil, classifyEC2("ec2:ModifyNetworkInterfaceAttribute", instanceID, err)
		}
	}
	result.Status = StatusIsolated
	return result, nil
}

// planIsolation returns the tags to add and the interfaces to move. It records the groups of
// every interface that has no record yet and is not already in the quarantine group alone,
// and fills result's OriginalGroups, CaseID and IsolatedAt.
func (c *Containment) planIsolation(inst *Instance, groupID, caseID string, result *IsolationResult) ([]ec2types.Tag, []string) {
	var tags []ec2types.Tag
	var toMove []string
	for _, iface := range inst.Interfaces {
		quarantined := len(iface.GroupIDs) == 1 && iface.GroupIDs[0] == groupID
		if _, recorded := result.OriginalGroups[iface.ID]; !recorded && !quarantined {
			result.OriginalGroups[iface.ID] = iface.GroupIDs
			tags = append(tags, tag(tagOriginalPrefix+iface.ID, strings.Join(iface.GroupIDs, " ")))
		}
		if !quarantined {
			toMove = append(toMove, iface.ID)
		}
	}
	result.IsolatedAt = inst.Tags[TagIsolatedAt]
	if result.IsolatedAt == "" {
		result.IsolatedAt = c.clock.Now().UTC().Format(time.RFC3339)
		tags = append(tags, tag(TagIsolatedAt, result.IsolatedAt))
	}
	// A case id left by an earlier, released isolation is replaced; the current one is kept.
	if existing := inst.Tags[TagCaseID]; existing != "" && inst.Tags[TagIsolatedAt] != "" {
		result.CaseID = existing
	} else {
		tags = append(tags, tag(TagCaseID, caseID))
	}
	return tags, toMove
}

// Release moves each network interface back to the security groups recorded by Isolate,
// then removes the records and the isolated-at tag and tags the release time. The case id
// tag stays for the audit trail. Releasing an instance without records changes nothing and
// reports StatusNotIsolated.
func (c *Containment) Release(ctx context.Context, instanceID string) (*IsolationResult, error) {
	inst, err := c.DescribeInstance(ctx, instanceID)
	if err != nil {
		return nil, err
	}
	recorded := inst.recordedGroups()
	result := &IsolationResult{InstanceID: instanceID, CaseID: inst.Tags[TagCaseID], OriginalGroups: recorded}
	if len(recorded) == 0 {
		result.Status = StatusNotIsolated
		return result, nil
	}

	attached := map[string]bool{}
	for _, iface := range inst.Interfaces {
		attached[iface.ID] = true
	}
	var done []ec2types.Tag
	for _, eni := range slices.Sorted(maps.Keys(recorded)) {
		done = append(done, ec2types.Tag{Key: sdkaws.String(tagOriginalPrefix + eni)})
		if !attached[eni] {
			result.Detached = append(result.Detached, eni)
			continue
		}
		_, err := c.client.ModifyNetworkInterfaceAttribute(ctx, &ec2.ModifyNetworkInterfaceAttributeInput{
			NetworkInterfaceId: sdkaws.String(eni),
			Groups:             recorded[eni],
		})
		if err != nil {
			return nil, classifyEC2("ec2:ModifyNetworkInterfaceAttribute", instanceID, err)
		}
	}
	done = append(done, ec2types.Tag{Key: sdkaws.String(TagIsolatedAt)})
	if _, err := c.client.DeleteTags(ctx, &ec2.DeleteTagsInput{Resources: []string{instanceID}, Tags: done}); err != nil {
		return nil, classifyEC2("ec2:DeleteTags", instanceID, err)
	}
	released := []ec2types.Tag{tag(TagReleasedAt, c.clock.Now().UTC().Format(time.RFC3339))}
	if _, err := c.client.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{instanceID}, Tags: released}); err != nil {
		return nil, classifyEC2("ec2:CreateTags", instanceID, err)
	}
	result.Status = StatusReleased
	return result, nil
}

// quarantineGroup returns the id of the VPC's quarantine group, creating it when absent,
// and makes sure it has no inbound and no outbound rules.
func (c *Containment) quarantineGroup(ctx context.Context, vpcID string) (id string, created bool, err error) {
	sg, err := c.findGroup(ctx, vpcID)
	if err != nil {
		return "", false, err
	}
	if sg == nil {
		_, err := c.client.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{
			GroupName:   sdkaws.String(c.group),
			Description: sdkaws.String("Quarantine: no traffic in or out. Managed by the Secamo orchestrator."),
			VpcId:       sdkaws.String(vpcID),
			TagSpecifications: []ec2types.TagSpecification{{
				ResourceType: ec2types.ResourceTypeSecurityGroup,
				Tags:         []ec2types.Tag{tag(TagPurpose, "quarantine"), tag("Name", c.group)},
			}},
		})
		var apiErr smithy.APIError
		switch {
		case errors.As(err, &apiErr) && apiErr.ErrorCode() == "InvalidGroup.Duplicate":
			// Another isolation created the group since findGroup looked.
			if sg, err = c.mustFindGroup(ctx, vpcID); err != nil {
				return "", false, err
			}
		case err != nil:
			return "", false, classifyEC2("ec2:CreateSecurityGroup", vpcID, err)
		default:
			created = true
			// A new group comes with a rule that allows all outbound traffic; read it back to revoke it.
			if sg, err = c.mustFindGroup(ctx, vpcID); err != nil {
				return "", false, err
			}
		}
	}
	if err := c.closeGroup(ctx, sg); err != nil {
		return "", false, err
	}
	return sdkaws.ToString(sg.GroupId), created, nil
}

func (c *Containment) findGroup(ctx context.Context, vpcID string) (*ec2types.SecurityGroup, error) {
	out, err := c.client.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{Filters: []ec2types.Filter{
		{Name: sdkaws.String("vpc-id"), Values: []string{vpcID}},
		{Name: sdkaws.String("group-name"), Values: []string{c.group}},
	}})
	if err != nil {
		return nil, classifyEC2("ec2:DescribeSecurityGroups", vpcID, err)
	}
	if len(out.SecurityGroups) == 0 {
		return nil, nil
	}
	return &out.SecurityGroups[0], nil
}

// mustFindGroup finds a quarantine group that was just created.
func (c *Containment) mustFindGroup(ctx context.Context, vpcID string) (*ec2types.SecurityGroup, error) {
	sg, err := c.findGroup(ctx, vpcID)
	if err == nil && sg == nil {
		err = fmt.Errorf("quarantine group %q in %s not found right after it was created; retry the isolation", c.group, vpcID)
	}
	return sg, err
}

// closeGroup revokes every rule of the group, the default egress rule included.
func (c *Containment) closeGroup(ctx context.Context, sg *ec2types.SecurityGroup) error {
	if len(sg.IpPermissionsEgress) > 0 {
		_, err := c.client.RevokeSecurityGroupEgress(ctx, &ec2.RevokeSecurityGroupEgressInput{
			GroupId: sg.GroupId, IpPermissions: sg.IpPermissionsEgress,
		})
		if err != nil {
			return classifyEC2("ec2:RevokeSecurityGroupEgress", sdkaws.ToString(sg.GroupId), err)
		}
	}
	if len(sg.IpPermissions) > 0 {
		_, err := c.client.RevokeSecurityGroupIngress(ctx, &ec2.RevokeSecurityGroupIngressInput{
			GroupId: sg.GroupId, IpPermissions: sg.IpPermissions,
		})
		if err != nil {
			return classifyEC2("ec2:RevokeSecurityGroupIngress", sdkaws.ToString(sg.GroupId), err)
		}
	}
	return nil
}

func tag(key, value string) ec2types.Tag {
	return ec2types.Tag{Key: sdkaws.String(key), Value: sdkaws.String(value)}
}
