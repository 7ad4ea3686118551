package httpx

import (
	"encoding/base64"
	"net/http"
)

// Auth sets the credentials on an outgoing request. The value it holds is a secret: keep it
// out of logs, errors and String methods.
type Auth func(*http.Request)

// Bearer authenticates with an OAuth access token.
func Bearer(token string) Auth {
	return HeaderAuth("Authorization", "Bearer "+token)
}

// Basic authenticates with a user name and a password, API token or API key.
func Basic(user, password string) Auth {
	encoded := base64.StdEncoding.EncodeToString([]byte(user + ":" + password))
	return HeaderAuth("Authorization", "Basic "+encoded)
}

// HeaderAuth sets one header, for schemes such as Zoho-oauthtoken or the authtoken header of
// ServiceDesk Plus on-premises.
func HeaderAuth(name, value string) Auth {
	return func(r *http.Request) { r.Header.Set(name, value) }
}
