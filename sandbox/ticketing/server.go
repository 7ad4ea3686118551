package ticketing

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
)

// Start serves h on a new loopback listener (127.0.0.1, a free port); close the returned
// server when done.
func Start(h http.Handler) *httptest.Server {
	return httptest.NewServer(h)
}

// WriteJSON writes v as a JSON response with the given status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
