// Package ec2 is an in-memory EC2 at the alert-triage steps' Containment interface: instances
// with network interfaces, security groups, volumes and tags. Isolate moves every interface
// into the VPC's quarantine group and records the original groups on the instance's tags,
// SnapshotVolumes records one snapshot per volume and case, and Release restores the groups,
// as adapters/cloud/aws does against the EC2 API. The demo and the end-to-end tests use it.
package ec2

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	awsadapter "github.com/secamo/orchestrator/adapters/cloud/aws"
	"github.com/secamo/orchestrator/lambdas/triage"
)

// quarantineGroupPrefix starts the id of a VPC's quarantine group, followed by the VPC id.
const quarantineGroupPrefix = "sg-quarantine-"

// Clock is the time source of the isolation tags and the snapshots.
type Clock interface{ Now() time.Time }

type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

// EC2 is the in-memory account and region. It is safe for concurrent use.
type EC2 struct {
	clock Clock

	mu        sync.Mutex
	instances map[string]*awsadapter.Instance
	groups    map[string]string // quarantine group id by VPC id
	snapshots []Snapshot
}

// Snapshot is a recorded snapshot with the case it was taken for.
type Snapshot struct {
	awsadapter.Snapshot
	InstanceID string
	CaseID     string
}

var _ triage.Containment = (*EC2)(nil)

// New returns an EC2 without instances. A nil clock means real time.
func New(clock Clock) *EC2 {
	if clock == nil {
		clock = systemClock{}
	}
	return &EC2{clock: clock, instances: map[string]*awsadapter.Instance{}, groups: map[string]string{}}
}

// Add stores a copy of the instance. Its Owner, Name, Environment and Protected fields are
// derived from its tags, as DescribeInstances reports them.
func (e *EC2) Add(inst awsadapter.Instance) error {
	if inst.ID == "" || inst.VPCID == "" {
		return fmt.Errorf("adding an EC2 instance: missing id or VPC id (id %q, VPC id %q): set both", inst.ID, inst.VPCID)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if _, ok := e.instances[inst.ID]; ok {
		return fmt.Errorf("adding EC2 instance %s: the id is already in use: pick another id", inst.ID)
	}
	e.instances[inst.ID] = clone(&inst)
	return nil
}

// DescribeInstance returns a copy of the instance, or InstanceNotFound.
func (e *EC2) DescribeInstance(ctx context.Context, instanceID string) (*awsadapter.Instance, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	inst, err := e.instance(instanceID)
	if err != nil {
		return nil, err
	}
	return clone(inst), nil
}

// Instance returns a copy of the instance for checks, or nil.
func (e *EC2) Instance(instanceID string) *awsadapter.Instance {
	e.mu.Lock()
	defer e.mu.Unlock()
	if inst, ok := e.instances[instanceID]; ok {
		return clone(inst)
	}
	return nil
}

// Snapshots returns the snapshots taken of the instance's volumes.
func (e *EC2) Snapshots(instanceID string) []Snapshot {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []Snapshot
	for _, s := range e.snapshots {
		if s.InstanceID == instanceID {
			out = append(out, s)
		}
	}
	return out
}

// QuarantineGroup returns the id of the VPC's quarantine group, or "" before the first isolation.
func (e *EC2) QuarantineGroup(vpcID string) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.groups[vpcID]
}

func (e *EC2) instance(id string) (*awsadapter.Instance, error) {
	inst, ok := e.instances[id]
	if !ok {
		return nil, &awsadapter.InstanceNotFound{InstanceID: id, Detail: "the in-memory EC2 has no such instance"}
	}
	return inst, nil
}

func clone(in *awsadapter.Instance) *awsadapter.Instance {
	out := *in
	out.Tags = maps.Clone(in.Tags)
	if out.Tags == nil {
		out.Tags = map[string]string{}
	}
	out.Interfaces = slices.Clone(in.Interfaces)
	for i := range out.Interfaces {
		out.Interfaces[i].GroupIDs = slices.Clone(in.Interfaces[i].GroupIDs)
	}
	out.Volumes = slices.Clone(in.Volumes)
	derive(&out)
	return &out
}

// derive sets the fields that adapters/cloud/aws reads from the tags.
func derive(inst *awsadapter.Instance) {
	inst.Name, inst.Owner, inst.Environment = inst.Tags["Name"], "", ""
	for k, v := range inst.Tags {
		switch strings.ToLower(k) {
		case "owner":
			inst.Owner = v
		case "environment", "env":
			inst.Environment = v
		}
	}
	inst.Protected = strings.EqualFold(inst.Tags[awsadapter.TagProtected], "true")
}
