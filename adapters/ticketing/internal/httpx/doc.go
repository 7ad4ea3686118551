// Package httpx is the HTTP layer the ticketing adapters share. It sends a request with the
// adapter's authentication and retries HTTP 429 and 503 after the server's Retry-After, with
// caps on attempts and on each wait. It turns error statuses into the typed errors of package
// ticketing.
// Adapters keep their vendor's wire format; this package only reads the vendor's error message
// through a function the adapter supplies. It never logs or returns credentials.
package httpx
