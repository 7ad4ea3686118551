package aws

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

const (
	webID   = "i-0123456789abcdef0"
	dbID    = "i-0fedcba9876543210"
	guardID = "i-00000000000000001"
	vpc     = "vpc-0a1b2c3d"
)

type fixedClock struct{ t time.Time }

func (c fixedClock) Now() time.Time { return c.t }

var isolationTime = time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)

func newContainmentFixture() (*fakeEC2, *Containment) {
	f := newFakeEC2()
	f.addInstance(webID, vpc, map[string]string{"Name": "web-1", "owner": "team-web", "Environment": "prod"},
		[][]string{{"sg-web", "sg-ssh"}, {"sg-mgmt"}}, "/dev/xvda", "/dev/xvdf")
	f.addInstance(dbID, vpc, nil, [][]string{{"sg-db"}}, "/dev/xvda")
	f.addInstance(guardID, vpc, map[string]string{TagProtected: "True"}, [][]string{{"sg-dc"}}, "/dev/sda1")
	return f, NewContainment(f, ContainmentOptions{Clock: fixedClock{isolationTime}})
}

func TestDescribeInstance(t *testing.T) {
	_, c := newContainmentFixture()
	inst, err := c.DescribeInstance(context.Background(), webID)
	if err != nil {
		t.Fatal(err)
	}
	if inst.Name != "web-1" || inst.Owner != "team-web" || inst.Environment != "prod" || inst.Protected {
		t.Errorf("name, owner, environment, protected = %q, %q, %q, %v", inst.Name, inst.Owner, inst.Environment, inst.Protected)
	}
	if len(inst.Interfaces) != 2 || !reflect.DeepEqual(inst.Interfaces[0].GroupIDs, []string{"sg-web", "sg-ssh"}) {
		t.Errorf("interfaces = %+v", inst.Interfaces)
	}
	if len(inst.Volumes) != 2 || inst.Volumes[1].Device != "/dev/xvdf" {
		t.Errorf("volumes = %+v", inst.Volumes)
	}
	guard, err := c.DescribeInstance(context.Background(), guardID)
	if err != nil || !guard.Protected {
		t.Errorf("protected instance: %+v, %v, want Protected", guard, err)
	}
}

func TestIsolateRecordsAndMoves(t *testing.T) {
	f, c := newContainmentFixture()
	ctx := context.Background()

	res, err := c.Isolate(ctx, webID, "CASE-42")
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != StatusIsolated || !res.GroupCreated || res.CaseID != "CASE-42" {
		t.Errorf("result = %+v, want isolated with a new group", res)
	}
	wantOriginal := map[string][]string{"eni-0123456789abcdef0-0": {"sg-web", "sg-ssh"}, "eni-0123456789abcdef0-1": {"sg-mgmt"}}
	if !reflect.DeepEqual(res.OriginalGroups, wantOriginal) {
		t.Errorf("original groups = %v, want %v", res.OriginalGroups, wantOriginal)
	}
	tags := f.tags(webID)
	if tags[tagOriginalPrefix+"eni-0123456789abcdef0-0"] != "sg-web sg-ssh" || tags[tagOriginalPrefix+"eni-0123456789abcdef0-1"] != "sg-mgmt" {
		t.Errorf("instance tags = %v, want the original groups recorded", tags)
	}
	if tags[TagCaseID] != "CASE-42" || tags[TagIsolatedAt] != "2026-03-02T09:30:00Z" {
		t.Errorf("case and time tags = %q, %q", tags[TagCaseID], tags[TagIsolatedAt])
	}
	for eni, groups := range f.interfaceGroups(webID) {
		if !reflect.DeepEqual(groups, []string{res.QuarantineGroupID}) {
			t.Errorf("interface %s groups = %v, want only %s", eni, groups, res.QuarantineGroupID)
		}
	}
	g := f.groups[res.QuarantineGroupID]
	if len(g.IpPermissionsEgress) != 0 || len(g.IpPermissions) != 0 || *g.VpcId != vpc {
		t.Errorf("quarantine group = %+v, want no rules in %s", g, vpc)
	}

	// A second instance in the same VPC reuses the group.
	res2, err := c.Isolate(ctx, dbID, "CASE-43")
	if err != nil {
		t.Fatal(err)
	}
	if res2.GroupCreated || res2.QuarantineGroupID != res.QuarantineGroupID {
		t.Errorf("second isolation group = %s created %v, want %s reused", res2.QuarantineGroupID, res2.GroupCreated, res.QuarantineGroupID)
	}
	if n := f.count("CreateSecurityGroup"); n != 1 {
		t.Errorf("CreateSecurityGroup calls = %d, want 1", n)
	}
}

func TestIsolateTwiceIsIdempotent(t *testing.T) {
	f, c := newContainmentFixture()
	ctx := context.Background()
	first, err := c.Isolate(ctx, webID, "CASE-42")
	if err != nil {
		t.Fatal(err)
	}
	modifies := f.count("ModifyNetworkInterfaceAttribute")
	tagsBefore := f.tags(webID)

	again, err := c.Isolate(ctx, webID, "CASE-99")
	if err != nil {
		t.Fatal(err)
	}
	if again.Status != StatusAlreadyIsolated {
		t.Errorf("status = %q, want %q", again.Status, StatusAlreadyIsolated)
	}
	if !reflect.DeepEqual(again.OriginalGroups, first.OriginalGroups) || again.CaseID != "CASE-42" {
		t.Errorf("second result = %+v, want the first recording and case", again)
	}
	if n := f.count("ModifyNetworkInterfaceAttribute"); n != modifies {
		t.Errorf("second isolation modified interfaces (%d calls, want %d)", n, modifies)
	}
	if !reflect.DeepEqual(f.tags(webID), tagsBefore) {
		t.Errorf("tags changed: %v, want %v", f.tags(webID), tagsBefore)
	}
}

func TestIsolateResumesAfterPartialFailure(t *testing.T) {
	f, c := newContainmentFixture()
	ctx := context.Background()
	// The first move is throttled after the original groups were tagged; the retry keeps the
	// records and finishes.
	f.fail["ModifyNetworkInterfaceAttribute"] = failure{err: apiError("RequestLimitExceeded"), times: 1}
	f.addInstance("i-0aaaaaaaaaaaaaaaa", vpc, nil, [][]string{{"sg-a"}, {"sg-b"}})
	if _, err := c.Isolate(ctx, "i-0aaaaaaaaaaaaaaaa", "CASE-7"); err == nil {
		t.Fatal("Isolate succeeded despite the injected throttling")
	}
	res, err := c.Isolate(ctx, "i-0aaaaaaaaaaaaaaaa", "CASE-7")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{"eni-0aaaaaaaaaaaaaaaa-0": {"sg-a"}, "eni-0aaaaaaaaaaaaaaaa-1": {"sg-b"}}
	if res.Status != StatusIsolated || !reflect.DeepEqual(res.OriginalGroups, want) {
		t.Errorf("result = %+v, want isolated with %v", res, want)
	}
}

func TestReleaseRestoresGroups(t *testing.T) {
	f, c := newContainmentFixture()
	ctx := context.Background()
	before := f.interfaceGroups(webID)
	if _, err := c.Isolate(ctx, webID, "CASE-42"); err != nil {
		t.Fatal(err)
	}

	res, err := c.Release(ctx, webID)
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != StatusReleased || res.CaseID != "CASE-42" {
		t.Errorf("result = %+v, want released for CASE-42", res)
	}
	if got := f.interfaceGroups(webID); !reflect.DeepEqual(got, before) {
		t.Errorf("groups after release = %v, want %v", got, before)
	}
	tags := f.tags(webID)
	for k := range tags {
		if len(k) > len(tagOriginalPrefix) && k[:len(tagOriginalPrefix)] == tagOriginalPrefix || k == TagIsolatedAt {
			t.Errorf("tag %s left after release", k)
		}
	}
	if tags[TagReleasedAt] == "" || tags[TagCaseID] != "CASE-42" {
		t.Errorf("tags = %v, want released-at and the case id kept", tags)
	}

	again, err := c.Release(ctx, webID)
	if err != nil || again.Status != StatusNotIsolated {
		t.Errorf("second release = %+v, %v, want %q", again, err, StatusNotIsolated)
	}

	// A later incident isolates the instance again under its own case id.
	next, err := c.Isolate(ctx, webID, "CASE-50")
	if err != nil {
		t.Fatal(err)
	}
	if next.Status != StatusIsolated || next.CaseID != "CASE-50" || f.tags(webID)[TagCaseID] != "CASE-50" {
		t.Errorf("isolation after release = %+v, case tag %q, want CASE-50", next, f.tags(webID)[TagCaseID])
	}
	if !reflect.DeepEqual(next.OriginalGroups, map[string][]string{"eni-0123456789abcdef0-0": {"sg-web", "sg-ssh"}, "eni-0123456789abcdef0-1": {"sg-mgmt"}}) {
		t.Errorf("original groups after release and isolation = %v", next.OriginalGroups)
	}
}

func TestIsolateProtectedRejected(t *testing.T) {
	f, c := newContainmentFixture()
	_, err := c.Isolate(context.Background(), guardID, "CASE-1")
	var protected *ProtectedResource
	if !errors.As(err, &protected) || protected.InstanceID != guardID {
		t.Fatalf("Isolate = %v, want ProtectedResource for %s", err, guardID)
	}
	if n := f.count("ModifyNetworkInterfaceAttribute") + f.count("CreateTags") + f.count("CreateSecurityGroup"); n != 0 {
		t.Errorf("%d changing calls on a protected instance, want 0", n)
	}
}

func TestSnapshotVolumesTagged(t *testing.T) {
	f, c := newContainmentFixture()
	ctx := context.Background()
	snaps, err := c.SnapshotVolumes(ctx, webID, "CASE-42")
	if err != nil {
		t.Fatal(err)
	}
	if len(snaps) != 2 || snaps[0].VolumeID != "vol-0123456789abcdef0-0" || snaps[1].Device != "/dev/xvdf" || snaps[0].Existing {
		t.Fatalf("snapshots = %+v", snaps)
	}
	for _, s := range f.snapshots {
		tags := map[string]string{}
		for _, tg := range s.Tags {
			tags[*tg.Key] = *tg.Value
		}
		if tags[TagCaseID] != "CASE-42" || tags[TagInstanceID] != webID || tags[TagDevice] == "" {
			t.Errorf("snapshot %s tags = %v", *s.SnapshotId, tags)
		}
	}

	again, err := c.SnapshotVolumes(ctx, webID, "CASE-42")
	if err != nil {
		t.Fatal(err)
	}
	if len(again) != 2 || !again[0].Existing || again[0].ID != snaps[0].ID {
		t.Errorf("second call = %+v, want the existing snapshots", again)
	}
	if n := f.count("CreateSnapshot"); n != 2 {
		t.Errorf("CreateSnapshot calls = %d, want 2", n)
	}
	// The protection tag does not stop a snapshot, which changes nothing on the instance.
	if _, err := c.SnapshotVolumes(ctx, guardID, "CASE-42"); err != nil {
		t.Errorf("snapshot of a protected instance: %v", err)
	}
}

func TestContainmentErrors(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name   string
		id     string
		failOp string
		code   string
		check  func(error) bool
	}{
		{name: "unknown instance", id: "i-0999999999999999f", check: isType[*InstanceNotFound]},
		{name: "malformed id", id: "web-1", check: isType[*InstanceNotFound]},
		{name: "throttled", id: webID, failOp: "DescribeInstances", code: "RequestLimitExceeded", check: isType[*Throttled]},
		{name: "throttled modify", id: webID, failOp: "ModifyNetworkInterfaceAttribute", code: "RequestLimitExceeded", check: isType[*Throttled]},
		{name: "unauthorized", id: webID, failOp: "CreateSecurityGroup", code: "UnauthorizedOperation", check: isType[*PermissionDenied]},
		{name: "other code", id: webID, failOp: "CreateTags", code: "InternalError", check: func(err error) bool {
			return err != nil && !isType[*Throttled](err) && !isType[*PermissionDenied](err)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, c := newContainmentFixture()
			if tt.failOp != "" {
				f.fail[tt.failOp] = failure{err: apiError(tt.code)}
			}
			_, err := c.Isolate(ctx, tt.id, "CASE-1")
			if !tt.check(err) {
				t.Errorf("Isolate = %v (%T)", err, err)
			}
		})
	}
}

func isType[T error](err error) bool {
	var target T
	return errors.As(err, &target)
}

func TestIsolateRevokesRulesOfExistingGroup(t *testing.T) {
	f, c := newContainmentFixture()
	ctx := context.Background()
	if _, err := c.Isolate(ctx, webID, "CASE-42"); err != nil {
		t.Fatal(err)
	}
	// Someone adds an outbound rule to the quarantine group by hand.
	for _, g := range f.groups {
		g.IpPermissionsEgress = []ec2types.IpPermission{{IpProtocol: sdkaws.String("tcp"), FromPort: sdkaws.Int32(443), ToPort: sdkaws.Int32(443)}}
	}
	if _, err := c.Isolate(ctx, dbID, "CASE-43"); err != nil {
		t.Fatal(err)
	}
	for id, g := range f.groups {
		if len(g.IpPermissionsEgress) != 0 {
			t.Errorf("group %s egress = %+v, want none", id, g.IpPermissionsEgress)
		}
	}
}
