package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"regexp"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/secamo/orchestrator/events/ingest"
	"github.com/secamo/orchestrator/lambdas/offboarding"
)

// Key prefixes in the evidence bucket; the stack's lifecycle rules and grants use them.
const (
	evidencePrefix   = "evidence/"
	quarantinePrefix = "quarantine/"
)

// s3Evidence stores evidence documents in a bucket under evidence/.
type s3Evidence struct {
	client objectPutter
	bucket string
}

var _ offboarding.EvidenceStore = s3Evidence{}

// Put writes the document to evidence/KEY and returns its s3:// URL. The bucket is
// versioned, so an earlier document for the same key stays readable.
func (s s3Evidence) Put(ctx context.Context, key string, document []byte) (string, error) {
	return putJSON(ctx, s.client, s.bucket, evidencePrefix+key, document)
}

// s3Quarantine keeps rejected, unmatched and failed webhook requests in a bucket under
// quarantine/TENANT/.
type s3Quarantine struct {
	client objectPutter
	bucket string
}

var _ ingest.Quarantine = s3Quarantine{}

// unsafeKeyChars are the characters replaced in the tenant part of a quarantine key, which
// comes from the request path.
var unsafeKeyChars = regexp.MustCompile(`[^A-Za-z0-9._-]`)

// Keep implements ingest.Quarantine.
func (q s3Quarantine) Keep(ctx context.Context, r ingest.Record) error {
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding quarantine record %s: %w", r.ID, err)
	}
	tenant := unsafeKeyChars.ReplaceAllString(r.Tenant, "_")
	if tenant == "" {
		tenant = "_"
	}
	key := fmt.Sprintf("%s%s/%s-%s-%s.json", quarantinePrefix, tenant, r.Time.UTC().Format("20060102T150405Z"), r.Kind, r.ID)
	_, err = putJSON(ctx, q.client, q.bucket, key, data)
	return err
}

func putJSON(ctx context.Context, client objectPutter, bucket, key string, data []byte) (string, error) {
	_, err := client.PutObject(ctx, &s3.PutObjectInput{
		Bucket:        aws.String(bucket),
		Key:           aws.String(key),
		Body:          bytes.NewReader(data),
		ContentLength: aws.Int64(int64(len(data))),
		ContentType:   aws.String("application/json"),
	})
	if err != nil {
		return "", fmt.Errorf("writing s3://%s/%s: %w", bucket, key, err)
	}
	return fmt.Sprintf("s3://%s/%s", bucket, key), nil
}
