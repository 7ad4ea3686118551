// Package intel emulates the threat-intelligence APIs that adapters/intel calls, as
// net/http handlers for tests and the local demo: AbuseIPDB API v2 (GET /api/v2/check) and
// VirusTotal API v3 (GET /api/v3/ip_addresses/{ip}, /domains/{domain}, /files/{hash}).
//
// Each emulator checks the API key header (Key for AbuseIPDB, x-apikey for VirusTotal) and
// counts requests. Responses use the service's JSON shapes and error bodies:
// {"errors":[{"detail","status"}]} for AbuseIPDB and {"error":{"code","message"}} for VirusTotal. Verdicts are
// seeded per indicator; an address that was not seeded has no reports. Quotas are counted on
// the emulator's clock: a daily quota for AbuseIPDB with the X-RateLimit-* headers, and the
// public API's minute and daily quotas for VirusTotal, which answers 429 QuotaExceededError
// when one is used up.
//
// Faults are queued with FailNext: a 429 with Retry-After, a quota error, a 500 or a slow
// response that only ends when the client gives up. Start serves a handler on loopback.
//
// The emulators do not implement reports, blocklists, relationships, uploads or any
// endpoint not listed above, and VirusTotal objects carry only the attributes the adapter reads.
package intel
