package dynamostore

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/secamo/orchestrator/approvals"
)

func nanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func fromNanos(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

// recordRetention is how long an approval record and its outcome stay readable after the link
// expired, for audit.
const recordRetention = 365 * 24 * time.Hour

func marshalRecord(r approvals.Record) map[string]types.AttributeValue {
	item := key(r.ID, recordSK)
	for name, v := range map[string]string{
		"id": r.ID, "tenant": r.Tenant, "execution": r.Execution, "taskToken": r.TaskToken,
		"requester": r.Requester, "action": r.Action, "reason": r.Reason, "ticketUrl": r.TicketURL,
		"status": string(r.Status), "decidedBy": r.DecidedBy, "comment": r.Comment,
		"decidedVia": r.DecidedVia, "deliveryError": r.DeliveryError,
	} {
		item[name] = str(v)
	}
	item["level"] = num(int64(r.Level))
	item["createdAt"] = num(nanos(r.CreatedAt))
	item["expiresAt"] = num(nanos(r.ExpiresAt))
	// DynamoDB's time to live deletes the record a year after its link expired; the table's TTL
	// attribute is "ttl" and holds epoch seconds, unlike the nanosecond times above.
	item["ttl"] = num(r.ExpiresAt.Add(recordRetention).Unix())
	item["decidedAt"] = num(nanos(r.DecidedAt))
	item["delivered"] = &types.AttributeValueMemberBOOL{Value: r.Delivered}
	// A list keeps the approvers' order, and unlike a string set it may be empty.
	approvers := make([]types.AttributeValue, len(r.Approvers))
	for i, a := range r.Approvers {
		approvers[i] = str(a)
	}
	item["approvers"] = &types.AttributeValueMemberL{Value: approvers}
	return item
}

// attrs reads attributes leniently: a missing or mistyped attribute reads as zero, and
// unmarshalRecord checks the ones that matter.
type attrs map[string]types.AttributeValue

func (a attrs) s(name string) string {
	if v, ok := a[name].(*types.AttributeValueMemberS); ok {
		return v.Value
	}
	return ""
}

func (a attrs) n(name string) int64 {
	if v, ok := a[name].(*types.AttributeValueMemberN); ok {
		n, _ := strconv.ParseInt(v.Value, 10, 64)
		return n
	}
	return 0
}

func unmarshalRecord(item map[string]types.AttributeValue) (approvals.Record, error) {
	a := attrs(item)
	r := approvals.Record{
		ID: strings.TrimPrefix(a.s("pk"), "APPROVAL#"), Tenant: a.s("tenant"), Execution: a.s("execution"),
		TaskToken: a.s("taskToken"), Level: int(a.n("level")), Requester: a.s("requester"),
		Action: a.s("action"), Reason: a.s("reason"), TicketURL: a.s("ticketUrl"),
		CreatedAt: fromNanos(a.n("createdAt")), ExpiresAt: fromNanos(a.n("expiresAt")),
		Status: approvals.Status(a.s("status")), DecidedBy: a.s("decidedBy"), DecidedAt: fromNanos(a.n("decidedAt")),
		Comment: a.s("comment"), DecidedVia: a.s("decidedVia"), DeliveryError: a.s("deliveryError"),
	}
	if v, ok := item["delivered"].(*types.AttributeValueMemberBOOL); ok {
		r.Delivered = v.Value
	}
	if l, ok := item["approvers"].(*types.AttributeValueMemberL); ok {
		for _, v := range l.Value {
			if s, ok := v.(*types.AttributeValueMemberS); ok {
				r.Approvers = append(r.Approvers, s.Value)
			}
		}
	}
	if r.ID == "" || r.TaskToken == "" || r.Status == "" || r.ExpiresAt.IsZero() {
		return r, fmt.Errorf("reading approval item %q: missing id, task token, status or expiry", a.s("pk"))
	}
	return r, nil
}
