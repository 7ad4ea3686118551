package ec2

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	awsadapter "github.com/secamo/orchestrator/adapters/cloud/aws"
)

type fixedClock struct{ t time.Time }

func (c fixedClock) Now() time.Time { return c.t }

func instance(tags map[string]string) awsadapter.Instance {
	return awsadapter.Instance{ID: "i-0a1b2c3d4e5f60718", State: "running", VPCID: "vpc-0d3e0", Tags: tags,
		Interfaces: []awsadapter.Interface{{ID: "eni-1", GroupIDs: []string{"sg-web", "sg-ssh"}}, {ID: "eni-2", DeviceIndex: 1, GroupIDs: []string{"sg-db"}}},
		Volumes:    []awsadapter.Volume{{ID: "vol-1", Device: "/dev/xvda"}, {ID: "vol-2", Device: "/dev/xvdf"}}}
}

func TestIsolateSnapshotRelease(t *testing.T) {
	ctx := context.Background()
	e := New(fixedClock{time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)})
	if err := e.Add(instance(map[string]string{"Owner": "ops@contoso.example"})); err != nil {
		t.Fatal(err)
	}
	id := "i-0a1b2c3d4e5f60718"

	res, err := e.Isolate(ctx, id, "case-1")
	if err != nil {
		t.Fatalf("Isolate: %v", err)
	}
	if res.Status != awsadapter.StatusIsolated {
		t.Errorf("Isolate status %q, want %q", res.Status, awsadapter.StatusIsolated)
	}
	if !res.GroupCreated {
		t.Error("Isolate did not report creating the quarantine group")
	}
	for _, iface := range e.Instance(id).Interfaces {
		if !slices.Equal(iface.GroupIDs, []string{res.QuarantineGroupID}) {
			t.Errorf("interface %s in %v, want only %s", iface.ID, iface.GroupIDs, res.QuarantineGroupID)
		}
	}

	again, err := e.Isolate(ctx, id, "case-2")
	if err != nil {
		t.Fatalf("second Isolate: %v", err)
	}
	if again.Status != awsadapter.StatusAlreadyIsolated {
		t.Errorf("second Isolate status %q, want %q", again.Status, awsadapter.StatusAlreadyIsolated)
	}
	if again.CaseID != "case-1" {
		t.Errorf("second Isolate case %q, want the first one, case-1", again.CaseID)
	}
	if got := again.OriginalGroups["eni-1"]; !slices.Equal(got, []string{"sg-web", "sg-ssh"}) {
		t.Errorf("second Isolate recorded %v for eni-1, want [sg-web sg-ssh]", got)
	}

	snaps, _ := e.SnapshotVolumes(ctx, id, "case-1")
	if len(snaps) != 2 {
		t.Errorf("%d snapshots, want one per volume: %+v", len(snaps), snaps)
	}
	repeated, _ := e.SnapshotVolumes(ctx, id, "case-1")
	if len(repeated) == 0 || !repeated[0].Existing {
		t.Errorf("second SnapshotVolumes = %+v, want the existing snapshots", repeated)
	}
	if n := len(e.Snapshots(id)); n != 2 {
		t.Errorf("%d snapshots stored, want 2", n)
	}

	rel, err := e.Release(ctx, id)
	if err != nil {
		t.Fatalf("Release: %v", err)
	}
	if rel.Status != awsadapter.StatusReleased {
		t.Errorf("Release status %q, want %q", rel.Status, awsadapter.StatusReleased)
	}
	inst := e.Instance(id)
	if !slices.Equal(inst.Interfaces[1].GroupIDs, []string{"sg-db"}) {
		t.Errorf("after Release eni-2 is in %v, want [sg-db]", inst.Interfaces[1].GroupIDs)
	}
	if at := inst.Tags[awsadapter.TagIsolatedAt]; at != "" {
		t.Errorf("after Release the isolated-at tag is %q, want none", at)
	}
}

func TestIsolateRejectsBadRequests(t *testing.T) {
	cases := []struct {
		name, id, caseID string
		tags             map[string]string
		want             any
	}{
		{"protected", "i-0a1b2c3d4e5f60718", "case-1", map[string]string{awsadapter.TagProtected: "TRUE"}, new(*awsadapter.ProtectedResource)},
		{"unknown", "i-00000000", "case-1", nil, new(*awsadapter.InstanceNotFound)},
		{"no case", "i-0a1b2c3d4e5f60718", "", nil, nil},
	}
	for _, c := range cases {
		e := New(nil)
		if err := e.Add(instance(c.tags)); err != nil {
			t.Fatal(err)
		}
		_, err := e.Isolate(context.Background(), c.id, c.caseID)
		if err == nil || (c.want != nil && !errors.As(err, c.want)) {
			t.Errorf("%s: Isolate error %v, want %T", c.name, err, c.want)
		}
	}
}
