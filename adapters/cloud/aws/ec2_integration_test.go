//go:build integration

package aws

import (
	"context"
	"os"
	"reflect"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/secamo/orchestrator/tenants"
)

// These tests call a real AWS account. They run with -tags integration and only when
// SECAMO_AWS_TEST_INSTANCE names a disposable instance; otherwise they skip. Isolation is
// tried only with SECAMO_AWS_TEST_ISOLATE=1, and snapshots (which cost money) only with
// SECAMO_AWS_TEST_SNAPSHOT=1.
func integrationContainment(t *testing.T) (*Containment, string) {
	t.Helper()
	id := os.Getenv("SECAMO_AWS_TEST_INSTANCE")
	if id == "" {
		t.Skip("set SECAMO_AWS_TEST_INSTANCE to a disposable instance id (and AWS_REGION, SECAMO_AWS_TEST_ROLE_ARN, SECAMO_AWS_TEST_EXTERNAL_ID as needed)")
	}
	tenant := tenants.AWS{Region: os.Getenv("AWS_REGION"), RoleARN: os.Getenv("SECAMO_AWS_TEST_ROLE_ARN")}
	cfg, err := TenantConfig(context.Background(), tenant, AssumeOptions{ExternalID: os.Getenv("SECAMO_AWS_TEST_EXTERNAL_ID")})
	if err != nil {
		t.Fatal(err)
	}
	return NewContainment(ec2.NewFromConfig(cfg), ContainmentOptions{}), id
}

func TestIntegrationDescribe(t *testing.T) {
	c, id := integrationContainment(t)
	inst, err := c.DescribeInstance(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if inst.ID != id || len(inst.Interfaces) == 0 {
		t.Errorf("instance = %+v, want %s with interfaces", inst, id)
	}
}

func TestIntegrationIsolateRelease(t *testing.T) {
	if os.Getenv("SECAMO_AWS_TEST_ISOLATE") != "1" {
		t.Skip("set SECAMO_AWS_TEST_ISOLATE=1 to isolate and release the test instance")
	}
	c, id := integrationContainment(t)
	ctx := context.Background()
	before, err := c.DescribeInstance(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	first, err := c.Isolate(ctx, id, "INTEGRATION-TEST")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if _, err := c.Release(ctx, id); err != nil {
			t.Errorf("releasing %s: %v; restore its groups by hand from the secamo:original-groups tags", id, err)
		}
	})
	again, err := c.Isolate(ctx, id, "INTEGRATION-TEST")
	if err != nil || again.Status != StatusAlreadyIsolated || !reflect.DeepEqual(again.OriginalGroups, first.OriginalGroups) {
		t.Errorf("second isolation = %+v, %v", again, err)
	}
	if _, err := c.Release(ctx, id); err != nil {
		t.Fatal(err)
	}
	after, err := c.DescribeInstance(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(after.Interfaces, before.Interfaces) {
		t.Errorf("interfaces after release = %+v, want %+v", after.Interfaces, before.Interfaces)
	}
	if os.Getenv("SECAMO_AWS_TEST_SNAPSHOT") == "1" {
		snaps, err := c.SnapshotVolumes(ctx, id, "INTEGRATION-TEST")
		if err != nil || len(snaps) != len(before.Volumes) {
			t.Errorf("snapshots = %+v, %v", snaps, err)
		}
	}
}
