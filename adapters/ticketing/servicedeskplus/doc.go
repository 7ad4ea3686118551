// Package servicedeskplus implements ticketing.System on the ManageEngine ServiceDesk Plus
// API v3, Cloud and on-premises: requests, request notes, resolutions and attachments under
// /api/v3/requests. Writes and list queries send JSON in the form field input_data, every
// call sends Accept: application/vnd.manageengine.sdp.v3+json, and success is judged by
// response_status.status_code 2000 in the body, because the server also reports failures
// with HTTP 200. Cloud authenticates with a Zoho OAuth access token
// (Authorization: Zoho-oauthtoken), on-premises with the technician's authtoken header.
package servicedeskplus
