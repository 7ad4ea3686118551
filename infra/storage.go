package infra

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/secamo/orchestrator/tenants"
)

// Approvals table layout, shared with the DynamoDB approval store.
const (
	ApprovalsPartitionKey = "pk"
	ApprovalsSortKey      = "sk"
	// ApprovalsTTLAttribute holds the epoch second after which DynamoDB deletes an item.
	ApprovalsTTLAttribute = "ttl"
)

// Storage holds the tenant's evidence bucket and approvals table.
type Storage struct {
	constructs.Construct
	// Bucket keeps evidence and quarantined webhook bodies, under evidence/ and quarantine/.
	Bucket         awss3.Bucket
	AccessLogs     awss3.Bucket
	ApprovalsTable awsdynamodb.TableV2
}

// NewStorage creates the evidence bucket (encrypted, versioned, private, with a lifecycle and
// access logs) and the approvals table (TTL on expiry, point-in-time recovery).
func NewStorage(scope constructs.Construct, id string, t *tenants.Config) *Storage {
	c := constructs.NewConstruct(scope, jsii.String(id))
	s := &Storage{Construct: c}

	s.AccessLogs = awss3.NewBucket(c, jsii.String("AccessLogs"), &awss3.BucketProps{
		Encryption:        awss3.BucketEncryption_S3_MANAGED,
		BlockPublicAccess: awss3.BlockPublicAccess_BLOCK_ALL(),
		EnforceSSL:        jsii.Bool(true),
		Versioned:         jsii.Bool(true),
		ObjectOwnership:   awss3.ObjectOwnership_OBJECT_WRITER,
		RemovalPolicy:     awscdk.RemovalPolicy_RETAIN,
		LifecycleRules: &[]*awss3.LifecycleRule{{
			Id:                          jsii.String("expire-access-logs"),
			Expiration:                  awscdk.Duration_Days(jsii.Number(400)),
			NoncurrentVersionExpiration: awscdk.Duration_Days(jsii.Number(30)),
		}},
	})
	suppress(s.AccessLogs, "AwsSolutions-S1", "this bucket receives the evidence bucket's access logs; logging it to itself would loop")

	s.Bucket = awss3.NewBucket(c, jsii.String("Evidence"), &awss3.BucketProps{
		Encryption:             awss3.BucketEncryption_S3_MANAGED,
		BlockPublicAccess:      awss3.BlockPublicAccess_BLOCK_ALL(),
		EnforceSSL:             jsii.Bool(true),
		Versioned:              jsii.Bool(true),
		ServerAccessLogsBucket: s.AccessLogs,
		ServerAccessLogsPrefix: jsii.String("evidence/"),
		RemovalPolicy:          awscdk.RemovalPolicy_RETAIN,
		LifecycleRules: &[]*awss3.LifecycleRule{
			{
				Id:     jsii.String("archive-evidence"),
				Prefix: jsii.String("evidence/"),
				Transitions: &[]*awss3.Transition{{
					StorageClass:    awss3.StorageClass_GLACIER_INSTANT_RETRIEVAL(),
					TransitionAfter: awscdk.Duration_Days(jsii.Number(90)),
				}},
				NoncurrentVersionExpiration: awscdk.Duration_Days(jsii.Number(365)),
			},
			{
				Id:                          jsii.String("expire-quarantine"),
				Prefix:                      jsii.String("quarantine/"),
				Expiration:                  awscdk.Duration_Days(jsii.Number(90)),
				NoncurrentVersionExpiration: awscdk.Duration_Days(jsii.Number(30)),
			},
		},
	})

	s.ApprovalsTable = awsdynamodb.NewTableV2(c, jsii.String("Approvals"), &awsdynamodb.TablePropsV2{
		PartitionKey:        &awsdynamodb.Attribute{Name: jsii.String(ApprovalsPartitionKey), Type: awsdynamodb.AttributeType_STRING},
		SortKey:             &awsdynamodb.Attribute{Name: jsii.String(ApprovalsSortKey), Type: awsdynamodb.AttributeType_STRING},
		Billing:             awsdynamodb.Billing_OnDemand(nil),
		TimeToLiveAttribute: jsii.String(ApprovalsTTLAttribute),
		PointInTimeRecoverySpecification: &awsdynamodb.PointInTimeRecoverySpecification{
			PointInTimeRecoveryEnabled: jsii.Bool(true),
		},
		Encryption:    awsdynamodb.TableEncryptionV2_AwsManagedKey(),
		RemovalPolicy: awscdk.RemovalPolicy_RETAIN,
	})
	return s
}
