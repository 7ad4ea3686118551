package aws

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/smithy-go"
)

// fakeEC2 is an in-memory EC2 with the behaviour containment relies on: error codes for
// unknown instances and duplicate groups, a default egress rule on new groups, tags, and
// snapshots filtered by volume and tag.
type fakeEC2 struct {
	mu        sync.Mutex
	instances map[string]*ec2types.Instance
	groups    map[string]*ec2types.SecurityGroup
	snapshots []ec2types.Snapshot
	calls     []string
	// fail makes the named operation return the error. The count is the number of calls that
	// fail (0 means every call).
	fail map[string]failure
	next int
}

type failure struct {
	err   error
	times int
}

var _ EC2API = (*fakeEC2)(nil)

func newFakeEC2() *fakeEC2 {
	return &fakeEC2{instances: map[string]*ec2types.Instance{}, groups: map[string]*ec2types.SecurityGroup{}, fail: map[string]failure{}}
}

func apiError(code string) error {
	return &smithy.GenericAPIError{Code: code, Message: "fake " + code, Fault: smithy.FaultClient}
}

// addInstance adds a running instance in vpc with one interface per group list and one volume per device.
func (f *fakeEC2) addInstance(id, vpc string, tags map[string]string, ifaceGroups [][]string, devices ...string) {
	in := &ec2types.Instance{
		InstanceId:   sdkaws.String(id),
		InstanceType: ec2types.InstanceTypeT3Micro,
		VpcId:        sdkaws.String(vpc),
		State:        &ec2types.InstanceState{Name: ec2types.InstanceStateNameRunning},
	}
	for k, v := range tags {
		in.Tags = append(in.Tags, tag(k, v))
	}
	for i, groups := range ifaceGroups {
		ni := ec2types.InstanceNetworkInterface{
			NetworkInterfaceId: sdkaws.String(fmt.Sprintf("eni-%s-%d", id[2:], i)),
			Attachment:         &ec2types.InstanceNetworkInterfaceAttachment{DeviceIndex: sdkaws.Int32(int32(i))},
		}
		for _, g := range groups {
			ni.Groups = append(ni.Groups, ec2types.GroupIdentifier{GroupId: sdkaws.String(g)})
		}
		in.NetworkInterfaces = append(in.NetworkInterfaces, ni)
	}
	for i, dev := range devices {
		in.BlockDeviceMappings = append(in.BlockDeviceMappings, ec2types.InstanceBlockDeviceMapping{
			DeviceName: sdkaws.String(dev),
			Ebs:        &ec2types.EbsInstanceBlockDevice{VolumeId: sdkaws.String(fmt.Sprintf("vol-%s-%d", id[2:], i))},
		})
	}
	f.instances[id] = in
}

// call records the operation and returns its injected failure, if any.
func (f *fakeEC2) call(op string) error {
	f.calls = append(f.calls, op)
	fl, ok := f.fail[op]
	if !ok {
		return nil
	}
	if fl.times > 0 {
		fl.times--
		if fl.times == 0 {
			delete(f.fail, op)
		} else {
			f.fail[op] = fl
		}
	}
	return fl.err
}

func (f *fakeEC2) count(op string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.calls {
		if c == op {
			n++
		}
	}
	return n
}

func (f *fakeEC2) tags(id string) map[string]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string]string{}
	for _, t := range f.instances[id].Tags {
		out[*t.Key] = *t.Value
	}
	return out
}

func (f *fakeEC2) interfaceGroups(id string) map[string][]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string][]string{}
	for _, ni := range f.instances[id].NetworkInterfaces {
		for _, g := range ni.Groups {
			out[*ni.NetworkInterfaceId] = append(out[*ni.NetworkInterfaceId], *g.GroupId)
		}
	}
	return out
}

func (f *fakeEC2) DescribeInstances(_ context.Context, in *ec2.DescribeInstancesInput, _ ...func(*ec2.Options)) (*ec2.DescribeInstancesOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("DescribeInstances"); err != nil {
		return nil, err
	}
	out := &ec2.DescribeInstancesOutput{}
	for _, id := range in.InstanceIds {
		inst, ok := f.instances[id]
		if !ok {
			return nil, apiError("InvalidInstanceID.NotFound")
		}
		out.Reservations = append(out.Reservations, ec2types.Reservation{Instances: []ec2types.Instance{*inst}})
	}
	return out, nil
}

func filterValue(filters []ec2types.Filter, name string) (string, bool) {
	for _, fl := range filters {
		if sdkaws.ToString(fl.Name) == name && len(fl.Values) > 0 {
			return fl.Values[0], true
		}
	}
	return "", false
}

func (f *fakeEC2) DescribeSecurityGroups(_ context.Context, in *ec2.DescribeSecurityGroupsInput, _ ...func(*ec2.Options)) (*ec2.DescribeSecurityGroupsOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("DescribeSecurityGroups"); err != nil {
		return nil, err
	}
	vpc, _ := filterValue(in.Filters, "vpc-id")
	name, _ := filterValue(in.Filters, "group-name")
	out := &ec2.DescribeSecurityGroupsOutput{}
	for _, id := range slices.Sorted(maps.Keys(f.groups)) {
		g := f.groups[id]
		if *g.VpcId == vpc && *g.GroupName == name {
			out.SecurityGroups = append(out.SecurityGroups, *g)
		}
	}
	return out, nil
}

func (f *fakeEC2) CreateSecurityGroup(_ context.Context, in *ec2.CreateSecurityGroupInput, _ ...func(*ec2.Options)) (*ec2.CreateSecurityGroupOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("CreateSecurityGroup"); err != nil {
		return nil, err
	}
	for _, g := range f.groups {
		if *g.VpcId == *in.VpcId && *g.GroupName == *in.GroupName {
			return nil, apiError("InvalidGroup.Duplicate")
		}
	}
	f.next++
	id := fmt.Sprintf("sg-quarantine%d", f.next)
	g := &ec2types.SecurityGroup{GroupId: sdkaws.String(id), GroupName: in.GroupName, VpcId: in.VpcId, Description: in.Description,
		IpPermissionsEgress: []ec2types.IpPermission{{IpProtocol: sdkaws.String("-1"), IpRanges: []ec2types.IpRange{{CidrIp: sdkaws.String("0.0.0.0/0")}}}}}
	for _, spec := range in.TagSpecifications {
		g.Tags = append(g.Tags, spec.Tags...)
	}
	f.groups[id] = g
	return &ec2.CreateSecurityGroupOutput{GroupId: sdkaws.String(id)}, nil
}

func (f *fakeEC2) RevokeSecurityGroupEgress(_ context.Context, in *ec2.RevokeSecurityGroupEgressInput, _ ...func(*ec2.Options)) (*ec2.RevokeSecurityGroupEgressOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("RevokeSecurityGroupEgress"); err != nil {
		return nil, err
	}
	g := f.groups[*in.GroupId]
	g.IpPermissionsEgress = revoke(g.IpPermissionsEgress, in.IpPermissions)
	return &ec2.RevokeSecurityGroupEgressOutput{}, nil
}

func (f *fakeEC2) RevokeSecurityGroupIngress(_ context.Context, in *ec2.RevokeSecurityGroupIngressInput, _ ...func(*ec2.Options)) (*ec2.RevokeSecurityGroupIngressOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("RevokeSecurityGroupIngress"); err != nil {
		return nil, err
	}
	g := f.groups[*in.GroupId]
	g.IpPermissions = revoke(g.IpPermissions, in.IpPermissions)
	return &ec2.RevokeSecurityGroupIngressOutput{}, nil
}

// revoke removes the rules with the protocol and ports of a revoked rule.
func revoke(rules, revoked []ec2types.IpPermission) []ec2types.IpPermission {
	var kept []ec2types.IpPermission
	for _, r := range rules {
		match := slices.ContainsFunc(revoked, func(v ec2types.IpPermission) bool {
			return sdkaws.ToString(v.IpProtocol) == sdkaws.ToString(r.IpProtocol) &&
				sdkaws.ToInt32(v.FromPort) == sdkaws.ToInt32(r.FromPort) && sdkaws.ToInt32(v.ToPort) == sdkaws.ToInt32(r.ToPort)
		})
		if !match {
			kept = append(kept, r)
		}
	}
	return kept
}

func (f *fakeEC2) ModifyNetworkInterfaceAttribute(_ context.Context, in *ec2.ModifyNetworkInterfaceAttributeInput, _ ...func(*ec2.Options)) (*ec2.ModifyNetworkInterfaceAttributeOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("ModifyNetworkInterfaceAttribute"); err != nil {
		return nil, err
	}
	for _, inst := range f.instances {
		for i, ni := range inst.NetworkInterfaces {
			if *ni.NetworkInterfaceId != *in.NetworkInterfaceId {
				continue
			}
			var groups []ec2types.GroupIdentifier
			for _, g := range in.Groups {
				groups = append(groups, ec2types.GroupIdentifier{GroupId: sdkaws.String(g)})
			}
			inst.NetworkInterfaces[i].Groups = groups
			return &ec2.ModifyNetworkInterfaceAttributeOutput{}, nil
		}
	}
	return nil, apiError("InvalidNetworkInterfaceID.NotFound")
}

func (f *fakeEC2) CreateTags(_ context.Context, in *ec2.CreateTagsInput, _ ...func(*ec2.Options)) (*ec2.CreateTagsOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("CreateTags"); err != nil {
		return nil, err
	}
	for _, id := range in.Resources {
		inst := f.instances[id]
		for _, t := range in.Tags {
			inst.Tags = slices.DeleteFunc(inst.Tags, func(old ec2types.Tag) bool { return *old.Key == *t.Key })
			inst.Tags = append(inst.Tags, t)
		}
	}
	return &ec2.CreateTagsOutput{}, nil
}

func (f *fakeEC2) DeleteTags(_ context.Context, in *ec2.DeleteTagsInput, _ ...func(*ec2.Options)) (*ec2.DeleteTagsOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("DeleteTags"); err != nil {
		return nil, err
	}
	for _, id := range in.Resources {
		inst := f.instances[id]
		for _, t := range in.Tags {
			inst.Tags = slices.DeleteFunc(inst.Tags, func(old ec2types.Tag) bool { return *old.Key == *t.Key })
		}
	}
	return &ec2.DeleteTagsOutput{}, nil
}

func (f *fakeEC2) CreateSnapshot(_ context.Context, in *ec2.CreateSnapshotInput, _ ...func(*ec2.Options)) (*ec2.CreateSnapshotOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("CreateSnapshot"); err != nil {
		return nil, err
	}
	f.next++
	s := ec2types.Snapshot{SnapshotId: sdkaws.String(fmt.Sprintf("snap-%04d", f.next)), VolumeId: in.VolumeId,
		Description: in.Description, State: ec2types.SnapshotStatePending, StartTime: sdkaws.Time(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))}
	for _, spec := range in.TagSpecifications {
		s.Tags = append(s.Tags, spec.Tags...)
	}
	f.snapshots = append(f.snapshots, s)
	return &ec2.CreateSnapshotOutput{SnapshotId: s.SnapshotId, VolumeId: s.VolumeId, State: s.State, StartTime: s.StartTime, Tags: s.Tags}, nil
}

func (f *fakeEC2) DescribeSnapshots(_ context.Context, in *ec2.DescribeSnapshotsInput, _ ...func(*ec2.Options)) (*ec2.DescribeSnapshotsOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("DescribeSnapshots"); err != nil {
		return nil, err
	}
	vol, _ := filterValue(in.Filters, "volume-id")
	caseID, _ := filterValue(in.Filters, "tag:"+TagCaseID)
	out := &ec2.DescribeSnapshotsOutput{}
	for _, s := range f.snapshots {
		if *s.VolumeId == vol && slices.ContainsFunc(s.Tags, func(t ec2types.Tag) bool { return *t.Key == TagCaseID && *t.Value == caseID }) {
			out.Snapshots = append(out.Snapshots, s)
		}
	}
	return out, nil
}
