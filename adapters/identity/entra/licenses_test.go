package entra_test

import (
	"context"
	"testing"

	"github.com/secamo/orchestrator/adapters/identity"
	"github.com/secamo/orchestrator/adapters/identity/entra"
	"github.com/secamo/orchestrator/sandbox/graph"
)

func TestLicensesList(t *testing.T) {
	_, url := newEmulator(t, graph.Options{})
	c, _ := newClient(t, url, entra.Options{})
	got, err := c.Licenses(context.Background(), graph.DemoUserID)
	if err != nil {
		t.Fatal(err)
	}
	want := []identity.License{
		{SkuID: graph.DemoSKUE3, SkuPartNumber: "ENTERPRISEPACK"},
		{SkuID: graph.DemoSKUEMS, SkuPartNumber: "EMS"},
		{SkuID: graph.DemoSKUPowerBI, SkuPartNumber: "POWER_BI_PRO", AssignedByGroup: graph.DemoGroupLicensed},
	}
	if len(got) != len(want) {
		t.Fatalf("Licenses = %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("licence %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	if c.Requests() != 1 {
		t.Errorf("Licenses sent %d requests, want 1 $batch", c.Requests())
	}
}

func TestRemoveLicensesOutcomes(t *testing.T) {
	srv, url := newEmulator(t, graph.Options{})
	unassigned := "11111111-2222-4333-8444-555555555555"
	c, _ := newClient(t, url, entra.Options{})
	results, err := c.RemoveLicenses(context.Background(), graph.DemoUserID,
		[]string{graph.DemoSKUE3, graph.DemoSKUEMS, graph.DemoSKUPowerBI, unassigned})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		graph.DemoSKUE3:      identity.StatusRemoved,
		graph.DemoSKUEMS:     identity.StatusRemoved,
		graph.DemoSKUPowerBI: identity.StatusSkipped,
		unassigned:           identity.StatusAlreadyAbsent,
	}
	for _, r := range results {
		if r.Status != want[r.ID] {
			t.Errorf("%s: status %q (%s), want %q", r.ID, r.Status, r.Error, want[r.ID])
		}
	}
	if left := srv.Licenses(graph.DemoUserID); len(left) != 1 || left[0].SKUID != graph.DemoSKUPowerBI {
		t.Errorf("licences left = %+v, want only the group-assigned one", left)
	}
	if c.Requests() != 2 {
		t.Errorf("RemoveLicenses sent %d requests, want 2", c.Requests())
	}
}

func TestRemoveLicensesDirectAndGroup(t *testing.T) {
	srv, url := newEmulator(t, graph.Options{})
	if err := srv.AssignLicense(graph.DemoUserID, graph.DemoSKUPowerBI, ""); err != nil {
		t.Fatal(err)
	}
	c, _ := newClient(t, url, entra.Options{})
	results, err := c.RemoveLicenses(context.Background(), graph.DemoUserID, []string{graph.DemoSKUPowerBI})
	if err != nil {
		t.Fatal(err)
	}
	if results[0].Status != identity.StatusRemoved {
		t.Errorf("result = %+v, want the direct assignment removed", results[0])
	}
	if left := srv.Licenses(graph.DemoUserID); len(left) != 3 || left[2].ByGroup != graph.DemoGroupLicensed {
		t.Errorf("licences left = %+v, want the group assignment to stay", left)
	}
}

func TestRemoveLicensesInvalidSKU(t *testing.T) {
	_, url := newEmulator(t, graph.Options{})
	c, _ := newClient(t, url, entra.Options{})
	if _, err := c.RemoveLicenses(context.Background(), graph.DemoUserID, []string{"ENTERPRISEPACK"}); err == nil {
		t.Error("RemoveLicenses with a part number instead of a SKU id succeeded")
	}
}
