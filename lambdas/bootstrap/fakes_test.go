package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

// fakeAWS stands in for every AWS service the function calls and records the requests.
type fakeAWS struct {
	mu sync.Mutex
	// secrets are the Secrets Manager values by name.
	secrets map[string]string
	// objects are the S3 objects by "bucket/key".
	objects map[string][]byte
	// executions are the inputs of started executions by "state machine ARN/name".
	executions map[string]string
	// dynamoPuts counts PutItem calls by table.
	dynamoPuts map[string]int
	// scans counts Scan calls, which the approval sweep makes.
	scans int
	loads int
}

func newFakeAWS(secrets map[string]string) *fakeAWS {
	return &fakeAWS{secrets: secrets, objects: map[string][]byte{}, executions: map[string]string{}, dynamoPuts: map[string]int{}}
}

// load is a runtime.loadAWS that returns the fake for every service.
func (f *fakeAWS) load(context.Context) (*awsClients, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.loads++
	return &awsClients{secrets: f, s3: f, dynamoDB: f, ses: f, sfn: f}, nil
}

func (f *fakeAWS) GetSecretValue(_ context.Context, in *secretsmanager.GetSecretValueInput, _ ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	v, ok := f.secrets[aws.ToString(in.SecretId)]
	if !ok {
		return nil, &smtypes.ResourceNotFoundException{Message: aws.String("Secrets Manager can't find the specified secret.")}
	}
	return &secretsmanager.GetSecretValueOutput{Name: in.SecretId, SecretString: &v}, nil
}

func (f *fakeAWS) PutObject(_ context.Context, in *s3.PutObjectInput, _ ...func(*s3.Options)) (*s3.PutObjectOutput, error) {
	body, err := io.ReadAll(in.Body)
	if err != nil {
		return nil, err
	}
	if in.ContentLength != nil && *in.ContentLength != int64(len(body)) {
		return nil, fmt.Errorf("ContentLength %d does not match the %d-byte body", *in.ContentLength, len(body))
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.objects[aws.ToString(in.Bucket)+"/"+aws.ToString(in.Key)] = body
	return &s3.PutObjectOutput{}, nil
}

func (f *fakeAWS) StartExecution(_ context.Context, in *sfn.StartExecutionInput, _ ...func(*sfn.Options)) (*sfn.StartExecutionOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	key := aws.ToString(in.StateMachineArn) + "/" + aws.ToString(in.Name)
	if prev, ok := f.executions[key]; ok && prev != aws.ToString(in.Input) {
		return nil, &sfntypes.ExecutionAlreadyExists{Message: aws.String("Execution Already Exists: '" + key + "'")}
	}
	f.executions[key] = aws.ToString(in.Input)
	return &sfn.StartExecutionOutput{ExecutionArn: aws.String("arn:aws:states:eu-west-1:123456789012:execution:" + aws.ToString(in.Name))}, nil
}

func (f *fakeAWS) SendTaskSuccess(context.Context, *sfn.SendTaskSuccessInput, ...func(*sfn.Options)) (*sfn.SendTaskSuccessOutput, error) {
	return &sfn.SendTaskSuccessOutput{}, nil
}

func (f *fakeAWS) SendTaskFailure(context.Context, *sfn.SendTaskFailureInput, ...func(*sfn.Options)) (*sfn.SendTaskFailureOutput, error) {
	return &sfn.SendTaskFailureOutput{}, nil
}

func (f *fakeAWS) SendEmail(context.Context, *sesv2.SendEmailInput, ...func(*sesv2.Options)) (*sesv2.SendEmailOutput, error) {
	return &sesv2.SendEmailOutput{MessageId: aws.String("fake")}, nil
}

func (f *fakeAWS) PutItem(_ context.Context, in *dynamodb.PutItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.dynamoPuts[aws.ToString(in.TableName)]++
	return &dynamodb.PutItemOutput{}, nil
}

// GetItem finds nothing: the tests only ask for unknown approvals.
func (f *fakeAWS) GetItem(context.Context, *dynamodb.GetItemInput, ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	return &dynamodb.GetItemOutput{}, nil
}

func (f *fakeAWS) UpdateItem(context.Context, *dynamodb.UpdateItemInput, ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error) {
	return nil, fmt.Errorf("UpdateItem is not used by these tests")
}

func (f *fakeAWS) Query(context.Context, *dynamodb.QueryInput, ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error) {
	return &dynamodb.QueryOutput{}, nil
}

func (f *fakeAWS) Scan(context.Context, *dynamodb.ScanInput, ...func(*dynamodb.Options)) (*dynamodb.ScanOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.scans++
	return &dynamodb.ScanOutput{}, nil
}

// testRuntime returns a runtime over the variables and the fake AWS services.
func testRuntime(vars map[string]string, fake *fakeAWS) *runtime {
	return &runtime{getenv: env(vars), logger: slog.New(slog.DiscardHandler), loadAWS: fake.load}
}
