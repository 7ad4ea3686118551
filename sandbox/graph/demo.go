package graph

import "fmt"

// Demo directory ids, for the demo and tests that use SeedDemo.
const (
	DemoUserID        = "5f6c2a1e-0d4b-4c1a-9a77-2b1f3c9e0a01" // jan.peeters@contoso.example
	DemoManagerID     = "5f6c2a1e-0d4b-4c1a-9a77-2b1f3c9e0a02" // an.janssens@contoso.example
	DemoSyncedUserID  = "5f6c2a1e-0d4b-4c1a-9a77-2b1f3c9e0a03" // piet.claes@contoso.example
	DemoGuestUserID   = "5f6c2a1e-0d4b-4c1a-9a77-2b1f3c9e0a04" // guest from fabrikam.example
	DemoSKUE3         = "6fd2c87f-b296-42f0-b197-1e91e994b900" // ENTERPRISEPACK
	DemoSKUEMS        = "efccb6f7-5641-4e0e-bd10-b4976e1bf68e" // EMS
	DemoSKUPowerBI    = "f8a1db68-be16-40ed-86d5-cb42ce701560" // POWER_BI_PRO
	DemoGroupSales    = "9a0e5c4b-1111-4d1e-8c55-000000000001"
	DemoGroupAllStaff = "9a0e5c4b-1111-4d1e-8c55-000000000002"
	DemoGroupVPN      = "9a0e5c4b-1111-4d1e-8c55-000000000003"
	DemoGroupProject  = "9a0e5c4b-1111-4d1e-8c55-000000000004"
	DemoGroupLicensed = "9a0e5c4b-1111-4d1e-8c55-000000000005"
	DemoRoleUserAdmin = "21004afc-7bb2-4fe6-a1e1-074ebd3e52c1"
	DemoUnitBrussels  = "7d3b2c1a-2222-4e5f-9a00-000000000001"
)

// SeedDemo fills an empty emulator with a small tenant. Jan Peeters is a cloud user with a
// manager, a directory role, an administrative unit and five groups: assigned, dynamic,
// on-premises, Microsoft 365, and one that assigns a licence. He has three licences, one of
// them through that group. Piet Claes is synchronised from on-premises AD, and Eva is a guest.
func (s *Server) SeedDemo() error {
	for _, sku := range []SKU{{DemoSKUE3, "ENTERPRISEPACK"}, {DemoSKUEMS, "EMS"}, {DemoSKUPowerBI, "POWER_BI_PRO"}} {
		s.AddSKU(sku)
	}
	users := []User{
		{ID: DemoManagerID, UserPrincipalName: "an.janssens@contoso.example", DisplayName: "An Janssens", Mail: "an.janssens@contoso.example", AccountEnabled: true},
		{ID: DemoUserID, UserPrincipalName: "jan.peeters@contoso.example", DisplayName: "Jan Peeters", Mail: "jan.peeters@contoso.example", AccountEnabled: true, ManagerID: DemoManagerID},
		{ID: DemoSyncedUserID, UserPrincipalName: "piet.claes@contoso.example", DisplayName: "Piet Claes", Mail: "piet.claes@contoso.example", AccountEnabled: true, OnPremisesSyncEnabled: true},
		{ID: DemoGuestUserID, UserPrincipalName: "eva_fabrikam.example#EXT#@contoso.example", DisplayName: "Eva (Fabrikam)", AccountEnabled: true, UserType: "Guest"},
	}
	groups := []Group{
		{ID: DemoGroupSales, DisplayName: "Sales", SecurityEnabled: true},
		{ID: DemoGroupAllStaff, DisplayName: "All Staff", Dynamic: true, SecurityEnabled: true},
		{ID: DemoGroupVPN, DisplayName: "VPN Users", SecurityEnabled: true, OnPremisesSyncEnabled: true},
		{ID: DemoGroupProject, DisplayName: "Project Atlas", Unified: true, MailEnabled: true},
		{ID: DemoGroupLicensed, DisplayName: "Licence Power BI", SecurityEnabled: true},
	}
	steps := []func() error{
		func() error {
			return s.AddDirectoryRole(DirectoryRole{DemoRoleUserAdmin, "User Administrator", "fe930be7-5e62-47db-91af-98c3a49a38b1"})
		},
		func() error {
			return s.AddAdministrativeUnit(AdministrativeUnit{ID: DemoUnitBrussels, DisplayName: "Brussels office"})
		},
	}
	for _, u := range users {
		steps = append(steps, func() error { return s.AddUser(u) })
	}
	for _, g := range groups {
		steps = append(steps, func() error { return s.AddGroup(g) })
	}
	for _, id := range []string{DemoGroupSales, DemoGroupAllStaff, DemoGroupVPN, DemoGroupProject, DemoGroupLicensed, DemoRoleUserAdmin, DemoUnitBrussels} {
		steps = append(steps, func() error { return s.AddMember(id, DemoUserID) })
	}
	steps = append(steps,
		func() error { return s.AddMember(DemoGroupVPN, DemoSyncedUserID) },
		func() error { return s.AddMember(DemoGroupSales, DemoGuestUserID) },
		func() error { return s.AssignLicense(DemoUserID, DemoSKUE3, "") },
		func() error { return s.AssignLicense(DemoUserID, DemoSKUEMS, "") },
		func() error { return s.AssignLicense(DemoUserID, DemoSKUPowerBI, DemoGroupLicensed) },
		func() error { return s.AssignLicense(DemoSyncedUserID, DemoSKUE3, "") },
	)
	for _, step := range steps {
		if err := step(); err != nil {
			return fmt.Errorf("seeding the demo directory: %w", err)
		}
	}
	return nil
}
