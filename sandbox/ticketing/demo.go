package ticketing

// Seed stores the records and returns the stored copies. A record without an ID gets the
// next one. The demo uses it to fill an emulator before a run.
func (s *Store) Seed(records ...Record) []Record {
	stored := make([]Record, 0, len(records))
	for _, r := range records {
		stored = append(stored, s.Create(r))
	}
	return stored
}

// DemoRecords returns two demo tickets in the given initial status: an HR offboarding request
// and a security alert. fields maps the workflow names user and effectiveDate to the
// vendor's field names, as the tenant file's ticketing.fields does; unmapped names are left
// out.
func DemoRecords(status string, fields map[string]string) []Record {
	offboarding := Record{
		Subject:     "Offboarding: Jane Doe leaves on 31 December",
		Description: "Please remove all access for Jane Doe (jane.doe@contoso.example) after her last day.",
		Status:      status,
		Requester:   "hr@contoso.example",
		Fields:      map[string]string{},
	}
	if name := fields["user"]; name != "" {
		offboarding.Fields[fieldKey(name)] = "jane.doe@contoso.example"
	}
	if name := fields["effectiveDate"]; name != "" {
		offboarding.Fields[fieldKey(name)] = "2026-12-31"
	}
	alert := Record{
		Subject:     "GuardDuty: SSH brute force against i-0123456789abcdef0",
		Description: "High-severity finding on a production instance; containment may be needed.",
		Status:      status,
		Requester:   "soc@secamo.example",
	}
	return []Record{offboarding, alert}
}

// fieldKey drops the udf_fields. prefix ServiceDesk Plus tenants write, because the
// ServiceDesk Plus emulator stores user-defined fields by their bare name.
func fieldKey(name string) string {
	const prefix = "udf_fields."
	if len(name) > len(prefix) && name[:len(prefix)] == prefix {
		return name[len(prefix):]
	}
	return name
}
