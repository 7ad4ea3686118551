package aws

import (
	"context"
	"regexp"
	"sort"
	"strings"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// EC2API is the part of the EC2 client that Containment calls; *ec2.Client implements it.
type EC2API interface {
	DescribeInstances(ctx context.Context, in *ec2.DescribeInstancesInput, opts ...func(*ec2.Options)) (*ec2.DescribeInstancesOutput, error)
	DescribeSecurityGroups(ctx context.Context, in *ec2.DescribeSecurityGroupsInput, opts ...func(*ec2.Options)) (*ec2.DescribeSecurityGroupsOutput, error)
	CreateSecurityGroup(ctx context.Context, in *ec2.CreateSecurityGroupInput, opts ...func(*ec2.Options)) (*ec2.CreateSecurityGroupOutput, error)
	RevokeSecurityGroupEgress(ctx context.Context, in *ec2.RevokeSecurityGroupEgressInput, opts ...func(*ec2.Options)) (*ec2.RevokeSecurityGroupEgressOutput, error)
	RevokeSecurityGroupIngress(ctx context.Context, in *ec2.RevokeSecurityGroupIngressInput, opts ...func(*ec2.Options)) (*ec2.RevokeSecurityGroupIngressOutput, error)
	ModifyNetworkInterfaceAttribute(ctx context.Context, in *ec2.ModifyNetworkInterfaceAttributeInput, opts ...func(*ec2.Options)) (*ec2.ModifyNetworkInterfaceAttributeOutput, error)
	CreateTags(ctx context.Context, in *ec2.CreateTagsInput, opts ...func(*ec2.Options)) (*ec2.CreateTagsOutput, error)
	DeleteTags(ctx context.Context, in *ec2.DeleteTagsInput, opts ...func(*ec2.Options)) (*ec2.DeleteTagsOutput, error)
	CreateSnapshot(ctx context.Context, in *ec2.CreateSnapshotInput, opts ...func(*ec2.Options)) (*ec2.CreateSnapshotOutput, error)
	DescribeSnapshots(ctx context.Context, in *ec2.DescribeSnapshotsInput, opts ...func(*ec2.Options)) (*ec2.DescribeSnapshotsOutput, error)
}

var _ EC2API = (*ec2.Client)(nil)

// Tag keys that containment reads and writes on instances, groups and snapshots.
const (
	TagProtected      = "secamo:protected"        // "true" refuses isolation
	TagCaseID         = "secamo:case-id"          // the incident or ticket the action belongs to
	TagIsolatedAt     = "secamo:isolated-at"      // RFC 3339 time of the isolation
	TagReleasedAt     = "secamo:released-at"      // RFC 3339 time of the last release
	TagPurpose        = "secamo:purpose"          // "quarantine" on the quarantine group
	TagInstanceID     = "secamo:instance-id"      // on snapshots: the instance the volume belonged to
	TagDevice         = "secamo:device"           // on snapshots: the volume's device name
	tagOriginalPrefix = "secamo:original-groups:" // + interface id; value: its group ids
)

// Clock is the time source of the isolated-at and released-at tags.
type Clock interface{ Now() time.Time }

type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

// ContainmentOptions configures Containment. A zero field takes the default named on it.
type ContainmentOptions struct {
	// QuarantineGroupName is the name of the quarantine security group in each VPC
	// (default "secamo-quarantine").
	QuarantineGroupName string
	Clock               Clock // default the wall clock
}

// Containment describes, isolates, snapshots and releases EC2 instances of one account and
// region, the one its client is configured for.
type Containment struct {
	client EC2API
	group  string
	clock  Clock
}

// NewContainment returns a Containment that calls client.
func NewContainment(client EC2API, o ContainmentOptions) *Containment {
	c := &Containment{client: client, group: o.QuarantineGroupName, clock: o.Clock}
	if c.group == "" {
		c.group = "secamo-quarantine"
	}
	if c.clock == nil {
		c.clock = systemClock{}
	}
	return c
}

// Instance is the state of an EC2 instance that containment and enrichment read.
type Instance struct {
	ID          string            `json:"id"`
	State       string            `json:"state"`
	Type        string            `json:"type"`
	VPCID       string            `json:"vpcId"`
	PrivateIP   string            `json:"privateIp,omitempty"`
	PublicIP    string            `json:"publicIp,omitempty"`
	Name        string            `json:"name,omitempty"`        // the Name tag
	Owner       string            `json:"owner,omitempty"`       // the Owner tag, any case
	Environment string            `json:"environment,omitempty"` // the Environment or Env tag, any case
	Protected   bool              `json:"protected"`
	Tags        map[string]string `json:"tags"`
	Interfaces  []Interface       `json:"interfaces"`
	Volumes     []Volume          `json:"volumes"`
}

// Interface is a network interface attached to an instance.
type Interface struct {
	ID          string   `json:"id"`
	DeviceIndex int32    `json:"deviceIndex"`
	PrivateIP   string   `json:"privateIp,omitempty"`
	GroupIDs    []string `json:"groupIds"`
}

// Volume is an EBS volume attached to an instance.
type Volume struct {
	ID     string `json:"id"`
	Device string `json:"device"`
}

var instanceIDPattern = regexp.MustCompile(`^i-([0-9a-f]{8}|[0-9a-f]{17})$`)

// DescribeInstance returns the instance with its tags, network interfaces and volumes.
func (c *Containment) DescribeInstance(ctx context.Context, instanceID string) (*Instance, error) {
	if !instanceIDPattern.MatchString(instanceID) {
		return nil, &InstanceNotFound{InstanceID: instanceID, Detail: "malformed instance id: write it like i-0123456789abcdef0"}
	}
	out, err := c.client.DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{instanceID}})
	if err != nil {
		return nil, classifyEC2("ec2:DescribeInstances", instanceID, err)
	}
	for _, res := range out.Reservations {
		for _, in := range res.Instances {
			if sdkaws.ToString(in.InstanceId) == instanceID {
				return toInstance(in), nil
			}
		}
	}
	return nil, &InstanceNotFound{InstanceID: instanceID, Detail: "DescribeInstances returned no such instance"}
}

func toInstance(in ec2types.Instance) *Instance {
	inst := &Instance{
		ID:        sdkaws.ToString(in.InstanceId),
		Type:      string(in.InstanceType),
		VPCID:     sdkaws.ToString(in.VpcId),
		PrivateIP: sdkaws.ToString(in.PrivateIpAddress),
		PublicIP:  sdkaws.ToString(in.PublicIpAddress),
		Tags:      map[string]string{},
	}
	if in.State != nil {
		inst.State = string(in.State.Name)
	}
	for _, t := range in.Tags {
		inst.Tags[sdkaws.ToString(t.Key)] = sdkaws.ToString(t.Value)
	}
	for k, v := range inst.Tags {
		switch strings.ToLower(k) {
		case "name":
			inst.Name = v
		case "owner":
			inst.Owner = v
		case "environment", "env":
			inst.Environment = v
		}
	}
	inst.Protected = strings.EqualFold(inst.Tags[TagProtected], "true")
	for _, ni := range in.NetworkInterfaces {
		iface := Interface{ID: sdkaws.ToString(ni.NetworkInterfaceId), PrivateIP: sdkaws.ToString(ni.PrivateIpAddress)}
		if ni.Attachment != nil {
			iface.DeviceIndex = sdkaws.ToInt32(ni.Attachment.DeviceIndex)
		}
		for _, g := range ni.Groups {
			iface.GroupIDs = append(iface.GroupIDs, sdkaws.ToString(g.GroupId))
		}
		inst.Interfaces = append(inst.Interfaces, iface)
	}
	sort.Slice(inst.Interfaces, func(i, j int) bool { return inst.Interfaces[i].DeviceIndex < inst.Interfaces[j].DeviceIndex })
	for _, bd := range in.BlockDeviceMappings {
		if bd.Ebs != nil && bd.Ebs.VolumeId != nil {
			inst.Volumes = append(inst.Volumes, Volume{ID: *bd.Ebs.VolumeId, Device: sdkaws.ToString(bd.DeviceName)})
		}
	}
	return inst
}

// recordedGroups returns the original groups per interface that an isolation recorded in
// the instance's tags.
func (inst *Instance) recordedGroups() map[string][]string {
	out := map[string][]string{}
	for k, v := range inst.Tags {
		if eni, ok := strings.CutPrefix(k, tagOriginalPrefix); ok {
			out[eni] = strings.Fields(v)
		}
	}
	return out
}
