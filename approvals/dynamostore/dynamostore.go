// Package dynamostore keeps approval records, used form tokens and the audit log in one
// DynamoDB table for the AWS runtime. Every write that must happen once (create, decide, use
// a form token) carries a condition expression, so DynamoDB, not the caller, decides which
// of two concurrent writes wins.
//
// Table layout: partition key "pk" and sort key "sk", both strings. An approval's items
// share pk "APPROVAL#<id>": the record has sk "RECORD", a used form token "FORM#<nonce>",
// an audit event "AUDIT#<time in nanoseconds, 20 digits>#<random>". Times are numbers of
// nanoseconds since 1970 (UTC), so conditions compare them numerically.
package dynamostore

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/secamo/orchestrator/approvals"
)

// Client is the part of the DynamoDB client the store uses.
type Client interface {
	PutItem(ctx context.Context, in *dynamodb.PutItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error)
	GetItem(ctx context.Context, in *dynamodb.GetItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error)
	UpdateItem(ctx context.Context, in *dynamodb.UpdateItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error)
	Query(ctx context.Context, in *dynamodb.QueryInput, opts ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error)
	Scan(ctx context.Context, in *dynamodb.ScanInput, opts ...func(*dynamodb.Options)) (*dynamodb.ScanOutput, error)
}

var _ Client = (*dynamodb.Client)(nil)

// Store is an approvals.Store on a DynamoDB table.
type Store struct {
	client Client
	table  string
}

var _ approvals.Store = (*Store)(nil)

// New returns a store on the table.
func New(client Client, table string) *Store {
	return &Store{client: client, table: table}
}

const recordSK = "RECORD"

func pk(id string) string { return "APPROVAL#" + id }

func key(id, sk string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{"pk": str(pk(id)), "sk": str(sk)}
}

func str(s string) types.AttributeValue { return &types.AttributeValueMemberS{Value: s} }

func num(n int64) types.AttributeValue {
	return &types.AttributeValueMemberN{Value: strconv.FormatInt(n, 10)}
}

func isConditionFailed(err error) (*types.ConditionalCheckFailedException, bool) {
	var cf *types.ConditionalCheckFailedException
	return cf, errors.As(err, &cf)
}

// Create implements approvals.Store.
func (s *Store) Create(ctx context.Context, r approvals.Record) error {
	_, err := s.client.PutItem(ctx, &dynamodb.PutItemInput{
		TableName:           &s.table,
		Item:                marshalRecord(r),
		ConditionExpression: ptr("attribute_not_exists(pk)"),
	})
	if _, ok := isConditionFailed(err); ok {
		return fmt.Errorf("creating approval %s: %w", r.ID, approvals.ErrExists)
	}
	if err != nil {
		return fmt.Errorf("creating approval %s: %w", r.ID, err)
	}
	return nil
}

// Get implements approvals.Store with a strongly consistent read.
func (s *Store) Get(ctx context.Context, id string) (approvals.Record, error) {
	out, err := s.client.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: &s.table, Key: key(id, recordSK), ConsistentRead: ptr(true),
	})
	if err != nil {
		return approvals.Record{}, fmt.Errorf("reading approval %s: %w", id, err)
	}
	if out.Item == nil {
		return approvals.Record{}, fmt.Errorf("reading approval %s: %w", id, approvals.ErrNotFound)
	}
	return unmarshalRecord(out.Item)
}

// Decide implements approvals.Store with an update conditioned on the pending status and
// the expiry. When the condition fails, DynamoDB returns the item as it was, which names
// the first approver.
func (s *Store) Decide(ctx context.Context, id string, d approvals.DecisionInput) (approvals.Record, error) {
	out, err := s.client.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:           &s.table,
		Key:                 key(id, recordSK),
		UpdateExpression:    ptr("SET #status = :status, #decidedBy = :by, #decidedAt = :at, #comment = :comment, #decidedVia = :via"),
		ConditionExpression: ptr("attribute_exists(pk) AND #status = :pending AND #expiresAt > :at"),
		ExpressionAttributeNames: map[string]string{
			"#status": "status", "#decidedBy": "decidedBy", "#decidedAt": "decidedAt",
			"#comment": "comment", "#decidedVia": "decidedVia", "#expiresAt": "expiresAt",
		},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":status": str(string(approvals.StatusFor(d.Decision))), ":by": str(d.Approver),
			":at": num(nanos(d.At)), ":comment": str(d.Comment), ":via": str(d.Via),
			":pending": str(string(approvals.StatusPending)),
		},
		ReturnValues:                        types.ReturnValueAllNew,
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
	})
	if cf, ok := isConditionFailed(err); ok {
		if cf.Item == nil {
			return approvals.Record{}, fmt.Errorf("deciding approval %s: %w", id, approvals.ErrNotFound)
		}
		old, err := unmarshalRecord(cf.Item)
		if err != nil {
			return approvals.Record{}, err
		}
		if err := approvals.CheckDecidable(old, d.At); err != nil {
			return approvals.Record{}, err
		}
		return approvals.Record{}, fmt.Errorf("deciding approval %s: condition failed although the record is pending", id)
	}
	if err != nil {
		return approvals.Record{}, fmt.Errorf("deciding approval %s: %w", id, err)
	}
	return unmarshalRecord(out.Attributes)
}

// MarkDelivered implements approvals.Store.
func (s *Store) MarkDelivered(ctx context.Context, id string, delivered bool, errorName string) error {
	_, err := s.client.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                &s.table,
		Key:                      key(id, recordSK),
		UpdateExpression:         ptr("SET #delivered = :delivered, #deliveryError = :error"),
		ConditionExpression:      ptr("attribute_exists(pk)"),
		ExpressionAttributeNames: map[string]string{"#delivered": "delivered", "#deliveryError": "deliveryError"},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":delivered": &types.AttributeValueMemberBOOL{Value: delivered}, ":error": str(errorName),
		},
	})
	if _, ok := isConditionFailed(err); ok {
		return fmt.Errorf("recording delivery of approval %s: %w", id, approvals.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("recording delivery of approval %s: %w", id, err)
	}
	return nil
}

// UseFormToken implements approvals.Store with a put that fails when the item exists.
func (s *Store) UseFormToken(ctx context.Context, id, nonce string, at time.Time) error {
	item := key(id, "FORM#"+nonce)
	item["usedAt"] = num(nanos(at))
	_, err := s.client.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: &s.table, Item: item, ConditionExpression: ptr("attribute_not_exists(pk)"),
	})
	if _, ok := isConditionFailed(err); ok {
		return fmt.Errorf("using form token of approval %s: %w", id, approvals.ErrFormTokenUsed)
	}
	if err != nil {
		return fmt.Errorf("using form token of approval %s: %w", id, err)
	}
	return nil
}

func ptr[T any](v T) *T { return &v }
