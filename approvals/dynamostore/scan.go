package dynamostore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/secamo/orchestrator/approvals"
)

// scanRecords returns every record item that matches the filter, following pagination.
// NOTE: a scan reads the whole table. That is fine for the few thousand approvals a tenant
// has; a larger table needs a global secondary index on status.
func (s *Store) scanRecords(ctx context.Context, filter string, names map[string]string, values map[string]types.AttributeValue) ([]approvals.Record, error) {
	values[":record"] = str(recordSK)
	in := &dynamodb.ScanInput{
		TableName:                 &s.table,
		FilterExpression:          ptr("sk = :record AND " + filter),
		ExpressionAttributeNames:  names,
		ExpressionAttributeValues: values,
		ConsistentRead:            ptr(true),
	}
	var recs []approvals.Record
	for {
		out, err := s.client.Scan(ctx, in)
		if err != nil {
			return nil, err
		}
		for _, item := range out.Items {
			r, err := unmarshalRecord(item)
			if err != nil {
				return nil, err
			}
			recs = append(recs, r)
		}
		if len(out.LastEvaluatedKey) == 0 {
			return recs, nil
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
}

// Expire implements approvals.Store: it scans for pending records past their expiry and
// marks each with an update conditioned on it still being pending, so a decision that
// lands in between wins.
func (s *Store) Expire(ctx context.Context, now time.Time) ([]approvals.Record, error) {
	names := map[string]string{"#status": "status", "#expiresAt": "expiresAt"}
	due, err := s.scanRecords(ctx, "#status = :pending AND #expiresAt <= :now", names, map[string]types.AttributeValue{
		":pending": str(string(approvals.StatusPending)), ":now": num(nanos(now)),
	})
	if err != nil {
		return nil, fmt.Errorf("expiring approvals: %w", err)
	}
	var expired []approvals.Record
	for _, r := range due {
		_, err := s.client.UpdateItem(ctx, &dynamodb.UpdateItemInput{
			TableName:                &s.table,
			Key:                      key(r.ID, recordSK),
			UpdateExpression:         ptr("SET #status = :expired"),
			ConditionExpression:      ptr("#status = :pending AND #expiresAt <= :now"),
			ExpressionAttributeNames: names,
			ExpressionAttributeValues: map[string]types.AttributeValue{
				":expired": str(string(approvals.StatusExpired)), ":pending": str(string(approvals.StatusPending)),
				":now": num(nanos(now)),
			},
		})
		if _, ok := isConditionFailed(err); ok {
			continue
		}
		if err != nil {
			return expired, fmt.Errorf("expiring approval %s: %w", r.ID, err)
		}
		r.Status = approvals.StatusExpired
		expired = append(expired, r)
	}
	return expired, nil
}

// Undelivered implements approvals.Store.
func (s *Store) Undelivered(ctx context.Context) ([]approvals.Record, error) {
	recs, err := s.scanRecords(ctx,
		"#status <> :pending AND #status <> :expired AND #delivered = :false AND #deliveryError = :empty",
		map[string]string{"#status": "status", "#delivered": "delivered", "#deliveryError": "deliveryError"},
		map[string]types.AttributeValue{
			":pending": str(string(approvals.StatusPending)), ":expired": str(string(approvals.StatusExpired)),
			":false": &types.AttributeValueMemberBOOL{Value: false}, ":empty": str(""),
		})
	if err != nil {
		return nil, fmt.Errorf("listing undelivered decisions: %w", err)
	}
	return recs, nil
}

// EarliestPendingExpiry implements approvals.Store with a scan for pending records.
func (s *Store) EarliestPendingExpiry(ctx context.Context) (time.Time, bool, error) {
	recs, err := s.scanRecords(ctx, "#status = :pending", map[string]string{"#status": "status"},
		map[string]types.AttributeValue{":pending": str(string(approvals.StatusPending))})
	if err != nil {
		return time.Time{}, false, fmt.Errorf("finding the earliest expiry of pending approvals: %w", err)
	}
	var earliest time.Time
	for _, r := range recs {
		if earliest.IsZero() || r.ExpiresAt.Before(earliest) {
			earliest = r.ExpiresAt
		}
	}
	return earliest, len(recs) > 0, nil
}

// AppendAudit implements approvals.Store.
func (s *Store) AppendAudit(ctx context.Context, e approvals.AuditEvent) error {
	b := make([]byte, 6)
	rand.Read(b)
	item := key(e.ApprovalID, fmt.Sprintf("AUDIT#%020d#%s", nanos(e.At), hex.EncodeToString(b)))
	item["tenant"] = str(e.Tenant)
	item["at"] = num(nanos(e.At))
	item["method"] = str(e.Method)
	item["approver"] = str(e.Approver)
	item["outcome"] = str(e.Outcome)
	item["remoteIp"] = str(e.RemoteIP)
	item["userAgent"] = str(e.UserAgent)
	if _, err := s.client.PutItem(ctx, &dynamodb.PutItemInput{TableName: &s.table, Item: item}); err != nil {
		return fmt.Errorf("writing audit event of approval %s: %w", e.ApprovalID, err)
	}
	return nil
}

// Audit implements approvals.Store.
func (s *Store) Audit(ctx context.Context, id string) ([]approvals.AuditEvent, error) {
	in := &dynamodb.QueryInput{
		TableName:              &s.table,
		KeyConditionExpression: ptr("pk = :pk AND begins_with(sk, :prefix)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": str(pk(id)), ":prefix": str("AUDIT#"),
		},
		ConsistentRead:   ptr(true),
		ScanIndexForward: ptr(true),
	}
	var events []approvals.AuditEvent
	for {
		out, err := s.client.Query(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("reading audit log of approval %s: %w", id, err)
		}
		for _, item := range out.Items {
			a := attrs(item)
			events = append(events, approvals.AuditEvent{
				ApprovalID: strings.TrimPrefix(a.s("pk"), "APPROVAL#"), Tenant: a.s("tenant"), At: fromNanos(a.n("at")),
				Method: a.s("method"), Approver: a.s("approver"), Outcome: a.s("outcome"),
				RemoteIP: a.s("remoteIp"), UserAgent: a.s("userAgent"),
			})
		}
		if len(out.LastEvaluatedKey) == 0 {
			return events, nil
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
}
