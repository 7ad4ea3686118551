package dynamostore_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/secamo/orchestrator/approvals"
	"github.com/secamo/orchestrator/approvals/dynamostore"
	"github.com/secamo/orchestrator/approvals/storetest"
)

func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) approvals.Store {
		return dynamostore.New(newFakeDynamo(), "approvals")
	})
}

func TestFakeEvaluatesConditions(t *testing.T) {
	ex := newExpr(map[string]string{"#s": "status"}, map[string]types.AttributeValue{
		":p": &types.AttributeValueMemberS{Value: "pending"}, ":n": &types.AttributeValueMemberN{Value: "100"},
	})
	it := item{"status": &types.AttributeValueMemberS{Value: "pending"}, "exp": &types.AttributeValueMemberN{Value: "99"}}
	tests := []struct {
		expr string
		want bool
	}{
		{"#s = :p", true},
		{"#s <> :p", false},
		{"exp < :n", true},
		{"exp >= :n", false},
		{"attribute_exists(exp) AND #s = :p", true},
		{"attribute_not_exists(exp)", false},
		{"attribute_not_exists(missing) AND exp <= :n", true},
		{"exp = :p", false}, // a number never equals a string
	}
	for _, tt := range tests {
		got, err := ex.condition(tt.expr, it)
		if err != nil || got != tt.want {
			t.Errorf("condition(%q) = %v, %v, want %v", tt.expr, got, err, tt.want)
		}
	}
	for _, bad := range []string{"status = :p", "#x = :p", "#s = :missing", "contains(#s, :p)"} {
		if _, err := ex.condition(bad, it); err == nil {
			t.Errorf("condition(%q) = nil error, want a validation error", bad)
		}
	}
}
