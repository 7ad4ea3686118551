package entra

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/microsoftgraph/msgraph-sdk-go/models"
)

// AutomaticReply is the out-of-office message set on a leaver's mailbox.
type AutomaticReply struct {
	// InternalMessage is sent to senders in the organisation; HTML is allowed.
	InternalMessage string `json:"internalMessage"`
	// ExternalMessage is sent to senders outside the organisation; empty sends none outside.
	ExternalMessage string `json:"externalMessage,omitempty"`
	// Start and End schedule the reply; a zero End means always on from now.
	Start time.Time `json:"start,omitzero"`
	End   time.Time `json:"end,omitzero"`
}

type mailboxState struct {
	Setting struct {
		Status               string `json:"status"`
		ExternalAudience     string `json:"externalAudience"`
		InternalReplyMessage string `json:"internalReplyMessage"`
		ExternalReplyMessage string `json:"externalReplyMessage"`
	} `json:"automaticRepliesSetting"`
}

// SetAutomaticReply turns on the user's automatic reply and reads the mailbox settings back in
// the same $batch to verify it. A user without an Exchange Online mailbox (a guest, or a
// mailbox on premises) gets an error that names the cause.
func (c *Client) SetAutomaticReply(ctx context.Context, user string, reply AutomaticReply) error {
	if user == "" {
		return errors.New("setting automatic reply: missing user id or user principal name")
	}
	if reply.InternalMessage == "" {
		return fmt.Errorf("setting automatic reply of user %q: missing internal message", user)
	}
	if !reply.End.IsZero() && !reply.End.After(reply.Start) {
		return fmt.Errorf("setting automatic reply of user %q: end %s is not after start %s", user, reply.End.Format(time.RFC3339), reply.Start.Format(time.RFC3339))
	}

	settings := c.graph.Users().ByUserId(user).MailboxSettings()
	update, err := settings.ToPatchRequestInformation(ctx, toMailboxSettings(reply), nil)
	if err != nil {
		return fmt.Errorf("setting automatic reply of user %q: %w", user, err)
	}
	read, err := settings.ToGetRequestInformation(ctx, nil)
	if err != nil {
		return fmt.Errorf("setting automatic reply of user %q: %w", user, err)
	}

	results, err := c.runBatch(ctx, []batchStep{{id: "update", request: update}, {id: "after", request: read, dependsOn: []string{"update"}}})
	if err != nil {
		return fmt.Errorf("setting automatic reply of user %q: %w", user, err)
	}
	for _, id := range []string{"update", "after"} {
		if err := results[id].err(); err != nil {
			return fmt.Errorf("setting automatic reply of user %q: %w", user, c.classify(err, "update mailbox settings", user))
		}
	}

	var got mailboxState
	if err := results["after"].decode(&got); err != nil {
		return fmt.Errorf("verifying the automatic reply of user %q: %w", user, err)
	}
	return verifyReply(user, reply, got)
}

func toMailboxSettings(reply AutomaticReply) models.MailboxSettingsable {
	setting := models.NewAutomaticRepliesSetting()
	status := models.ALWAYSENABLED_AUTOMATICREPLIESSTATUS
	if !reply.End.IsZero() {
		status = models.SCHEDULED_AUTOMATICREPLIESSTATUS
		setting.SetScheduledStartDateTime(graphDateTime(reply.Start))
		setting.SetScheduledEndDateTime(graphDateTime(reply.End))
	}
	setting.SetStatus(&status)
	audience := models.ALL_EXTERNALAUDIENCESCOPE
	if reply.ExternalMessage == "" {
		audience = models.NONE_EXTERNALAUDIENCESCOPE
	}
	setting.SetExternalAudience(&audience)
	setting.SetInternalReplyMessage(&reply.InternalMessage)
	setting.SetExternalReplyMessage(&reply.ExternalMessage)
	settings := models.NewMailboxSettings()
	settings.SetAutomaticRepliesSetting(setting)
	return settings
}

func graphDateTime(t time.Time) models.DateTimeTimeZoneable {
	v := models.NewDateTimeTimeZone()
	dt := t.UTC().Format("2006-01-02T15:04:05")
	zone := "UTC"
	v.SetDateTime(&dt)
	v.SetTimeZone(&zone)
	return v
}

func verifyReply(user string, want AutomaticReply, got mailboxState) error {
	wantStatus := "alwaysEnabled"
	if !want.End.IsZero() {
		wantStatus = "scheduled"
	}
	s := got.Setting
	if s.Status != wantStatus {
		return fmt.Errorf("verifying the automatic reply of user %q: graph reports status %q, expected %q", user, s.Status, wantStatus)
	}
	// NOTE: Exchange may wrap a message in HTML when it stores it, so the text read back is
	// only checked to contain the text that was set.
	if !strings.Contains(s.InternalReplyMessage, want.InternalMessage) || !strings.Contains(s.ExternalReplyMessage, want.ExternalMessage) {
		return fmt.Errorf("verifying the automatic reply of user %q: the messages read back differ from the ones set", user)
	}
	return nil
}
