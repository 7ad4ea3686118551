package offboarding

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	awsadapter "github.com/secamo/orchestrator/adapters/cloud/aws"
	"github.com/secamo/orchestrator/adapters/identity"
	"github.com/secamo/orchestrator/adapters/ticketing"
)

func TestClassifyNamesWrappedErrors(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{&identity.Throttled{}, "Throttled"},
		{&ticketing.Throttled{}, "Throttled"},
		{&awsadapter.Throttled{Operation: "iam:ListAccessKeys", Err: errors.New("rate exceeded")}, "Throttled"},
		{&Throttled{Err: errors.New("still throttled on g-sales")}, "Throttled"},
		{&identity.PermissionDenied{Operation: "disable user"}, "PermissionDenied"},
		{&ticketing.PermissionDenied{Operation: "comment"}, "PermissionDenied"},
		{&identity.UserNotFound{User: "x@example.com"}, "UserNotFound"},
		{&awsadapter.NoSuchIAMUser{UserName: "x"}, "UserNotFound"},
		{&identity.SyncedFromOnPrem{User: "x@example.com"}, "SyncedFromOnPrem"},
		{&ticketing.TicketNotFound{ID: "1"}, "TicketNotFound"},
		{&ticketing.InvalidTicketData{Detail: "bad"}, "InvalidTicketData"},
		{&ExcludedAccount{User: "x", Reason: "VIP"}, "ExcludedAccount"},
		{&NotConfigured{What: "ticketing"}, "NotConfigured"},
		{&OffboardingIncomplete{Items: []string{"group"}}, "OffboardingIncomplete"},
		{errors.New("connection reset"), "wrapError"},
	}
	for _, tt := range tests {
		t.Run(tt.want+" from "+fmt.Sprintf("%T", tt.err), func(t *testing.T) {
			err := fmt.Errorf("step context: %w", fmt.Errorf("adapter context: %w", tt.err))
			classify(&err)
			if got := typeName(err); got != tt.want {
				t.Errorf("classified type = %s, want %s", got, tt.want)
			}
			if tt.want != "ExcludedAccount" && tt.want != "NotConfigured" && tt.want != "OffboardingIncomplete" && !strings.HasPrefix(err.Error(), "step context: ") {
				t.Errorf("message %q lost the outer context", err)
			}
		})
	}
}
