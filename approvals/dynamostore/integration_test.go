//go:build integration

package dynamostore_test

import (
	"os"
	"testing"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/secamo/orchestrator/approvals"
	"github.com/secamo/orchestrator/approvals/dynamostore"
	"github.com/secamo/orchestrator/approvals/storetest"
	"github.com/secamo/orchestrator/internal/testenv"
)

// TestContractRealTable runs the contract suite against a real table: set
// APPROVALS_DYNAMODB_TABLE to a table with string keys pk (partition) and sk (sort), and the
// usual AWS variables (AWS_REGION, credentials; AWS_ENDPOINT_URL_DYNAMODB for DynamoDB Local).
// Records get random ids and the suite checks only its own, so the table may hold other data.
func TestContractRealTable(t *testing.T) {
	table := os.Getenv("APPROVALS_DYNAMODB_TABLE")
	if table == "" {
		testenv.SkipOrFail(t, "APPROVALS_DYNAMODB_TABLE is not set; create a table with string keys pk and sk and set it")
	}
	cfg, err := config.LoadDefaultConfig(t.Context())
	if err != nil {
		t.Fatalf("loading AWS configuration: %v", err)
	}
	client := dynamodb.NewFromConfig(cfg)
	storetest.Run(t, func(t *testing.T) approvals.Store {
		return dynamostore.New(client, table)
	})
}
