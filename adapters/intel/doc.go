// Package intel holds what the threat-intelligence adapters share: the normalised Result of
// one lookup, the classification of an indicator (IP address, domain, file hash), the address
// ranges that are never sent to a service, a result cache, a per-service rate gate that
// honours Retry-After on an injected clock, and the Enricher that looks up a list of
// indicators in several services at once.
//
// A lookup never returns an error to the workflow. A service that is down, slow, rate
// limited beyond the wait it allows, or that rejects the API key gives a Result with
// Unavailable set and a Reason, and an indicator the service cannot or should not check gives
// one with Skipped set, so an alert goes on without the score and its ticket says why.
//
// The service clients live in the subpackages abuseipdb and virustotal; their emulators live
// in sandbox/intel.
package intel
