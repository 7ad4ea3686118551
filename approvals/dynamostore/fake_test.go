package dynamostore_test

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"sort"
	"strings"
	"sync"
	"unicode"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/secamo/orchestrator/approvals/dynamostore"
)

// fakeDynamo is an in-memory DynamoDB table with the key schema pk (hash) and sk (range).
// It evaluates the condition, filter, key condition and update expressions the store uses:
// comparisons, attribute_exists, attribute_not_exists and begins_with joined by AND, and
// SET updates. Like DynamoDB it rejects unknown or unused placeholders and reserved words
// used as names, and it pages Scan and Query results, PageSize items at a time.
type fakeDynamo struct {
	mu       sync.Mutex
	items    map[string]map[string]types.AttributeValue
	PageSize int
}

var _ dynamostore.Client = (*fakeDynamo)(nil)

func newFakeDynamo() *fakeDynamo {
	return &fakeDynamo{items: map[string]map[string]types.AttributeValue{}, PageSize: 2}
}

type item = map[string]types.AttributeValue

func itemKey(it item) (string, error) {
	pk, ok1 := it["pk"].(*types.AttributeValueMemberS)
	sk, ok2 := it["sk"].(*types.AttributeValueMemberS)
	if !ok1 || !ok2 {
		return "", errors.New("ValidationException: the key must have string attributes pk and sk")
	}
	return pk.Value + "\x00" + sk.Value, nil
}

func clone(it item) item {
	if it == nil {
		return nil
	}
	c := make(item, len(it))
	for k, v := range it {
		c[k] = v
	}
	return c
}

func (f *fakeDynamo) PutItem(ctx context.Context, in *dynamodb.PutItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	k, err := itemKey(in.Item)
	if err != nil {
		return nil, err
	}
	ex := newExpr(in.ExpressionAttributeNames, in.ExpressionAttributeValues)
	if in.ConditionExpression != nil {
		ok, err := ex.condition(*in.ConditionExpression, f.items[k])
		if err != nil {
			return nil, err
		}
		if err := ex.allUsed(); err != nil {
			return nil, err
		}
		if !ok {
			return nil, &types.ConditionalCheckFailedException{Message: ptr("The conditional request failed")}
		}
	}
	f.items[k] = clone(in.Item)
	return &dynamodb.PutItemOutput{}, nil
}

func (f *fakeDynamo) GetItem(ctx context.Context, in *dynamodb.GetItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	k, err := itemKey(in.Key)
	if err != nil {
		return nil, err
	}
	return &dynamodb.GetItemOutput{Item: clone(f.items[k])}, nil
}

func (f *fakeDynamo) UpdateItem(ctx context.Context, in *dynamodb.UpdateItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	k, err := itemKey(in.Key)
	if err != nil {
		return nil, err
	}
	old := f.items[k]
	ex := newExpr(in.ExpressionAttributeNames, in.ExpressionAttributeValues)
	if in.ConditionExpression != nil {
		ok, err := ex.condition(*in.ConditionExpression, old)
		if err != nil {
			return nil, err
		}
		if !ok {
			if err := ex.checkUpdate(aws(in.UpdateExpression)); err != nil {
				return nil, err
			}
			e := &types.ConditionalCheckFailedException{Message: ptr("The conditional request failed")}
			if in.ReturnValuesOnConditionCheckFailure == types.ReturnValuesOnConditionCheckFailureAllOld {
				e.Item = clone(old)
			}
			return nil, e
		}
	}
	updated := clone(old)
	if updated == nil {
		updated = clone(in.Key)
	}
	if err := ex.update(aws(in.UpdateExpression), updated); err != nil {
		return nil, err
	}
	if err := ex.allUsed(); err != nil {
		return nil, err
	}
	f.items[k] = updated
	out := &dynamodb.UpdateItemOutput{}
	if in.ReturnValues == types.ReturnValueAllNew {
		out.Attributes = clone(updated)
	}
	return out, nil
}

func (f *fakeDynamo) Scan(ctx context.Context, in *dynamodb.ScanInput, _ ...func(*dynamodb.Options)) (*dynamodb.ScanOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	ex := newExpr(in.ExpressionAttributeNames, in.ExpressionAttributeValues)
	page, last, err := f.page(f.sortedKeys(true), in.ExclusiveStartKey, func(it item) (bool, error) { return true, nil })
	if err != nil {
		return nil, err
	}
	out := &dynamodb.ScanOutput{LastEvaluatedKey: last}
	for _, it := range page {
		ok := true
		if in.FilterExpression != nil {
			if ok, err = ex.condition(*in.FilterExpression, it); err != nil {
				return nil, err
			}
		}
		if ok {
			out.Items = append(out.Items, clone(it))
		}
	}
	if in.FilterExpression != nil && len(page) == 0 {
		if _, err := ex.condition(*in.FilterExpression, item{}); err != nil {
			return nil, err
		}
	}
	return out, ex.allUsed()
}

func (f *fakeDynamo) Query(ctx context.Context, in *dynamodb.QueryInput, _ ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if in.KeyConditionExpression == nil {
		return nil, errors.New("ValidationException: KeyConditionExpression is required")
	}
	ex := newExpr(in.ExpressionAttributeNames, in.ExpressionAttributeValues)
	forward := in.ScanIndexForward == nil || *in.ScanIndexForward
	page, last, err := f.page(f.sortedKeys(forward), in.ExclusiveStartKey, func(it item) (bool, error) {
		return ex.condition(*in.KeyConditionExpression, it)
	})
	if err != nil {
		return nil, err
	}
	if _, err := ex.condition(*in.KeyConditionExpression, item{}); err != nil {
		return nil, err
	}
	return &dynamodb.QueryOutput{Items: page, LastEvaluatedKey: last}, ex.allUsed()
}

func (f *fakeDynamo) sortedKeys(forward bool) []string {
	keys := make([]string, 0, len(f.items))
	for k := range f.items {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if !forward {
		for i, j := 0, len(keys)-1; i < j; i, j = i+1, j-1 {
			keys[i], keys[j] = keys[j], keys[i]
		}
	}
	return keys
}

// page returns up to PageSize matching items after the start key, and the key to continue
// from when more remain.
func (f *fakeDynamo) page(keys []string, start item, match func(item) (bool, error)) ([]item, item, error) {
	i := 0
	if start != nil {
		sk, err := itemKey(start)
		if err != nil {
			return nil, nil, err
		}
		for i < len(keys) && keys[i] != sk {
			i++
		}
		i++
	}
	var out []item
	for ; i < len(keys); i++ {
		ok, err := match(f.items[keys[i]])
		if err != nil {
			return nil, nil, err
		}
		if !ok {
			continue
		}
		if len(out) == f.PageSize {
			last := f.items[keys[i-1]]
			return out, item{"pk": last["pk"], "sk": last["sk"]}, nil
		}
		out = append(out, f.items[keys[i]])
	}
	return out, nil, nil
}

func aws(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func ptr[T any](v T) *T { return &v }

// expr evaluates expressions with their placeholders and records which placeholders were
// used.
type expr struct {
	names  map[string]string
	values map[string]types.AttributeValue
	used   map[string]bool
}

func newExpr(names map[string]string, values map[string]types.AttributeValue) *expr {
	return &expr{names: names, values: values, used: map[string]bool{}}
}

// reserved lists DynamoDB reserved words the store's attribute names could collide with.
var reserved = map[string]bool{"status": true, "comment": true, "level": true, "action": true, "reason": true,
	"method": true, "at": true, "name": true, "key": true, "data": true, "time": true, "user": true}

func (e *expr) allUsed() error {
	for n := range e.names {
		if !e.used[n] {
			return fmt.Errorf("ValidationException: unused expression attribute name %s", n)
		}
	}
	for v := range e.values {
		if !e.used[v] {
			return fmt.Errorf("ValidationException: unused expression attribute value %s", v)
		}
	}
	return nil
}

// operand resolves a name placeholder, value placeholder or attribute name.
func (e *expr) operand(tok string, it item) (types.AttributeValue, error) {
	switch {
	case strings.HasPrefix(tok, ":"):
		v, ok := e.values[tok]
		if !ok {
			return nil, fmt.Errorf("ValidationException: undefined expression attribute value %s", tok)
		}
		e.used[tok] = true
		return v, nil
	default:
		name, err := e.path(tok)
		if err != nil {
			return nil, err
		}
		return it[name], nil
	}
}

func (e *expr) path(tok string) (string, error) {
	if strings.HasPrefix(tok, "#") {
		n, ok := e.names[tok]
		if !ok {
			return "", fmt.Errorf("ValidationException: undefined expression attribute name %s", tok)
		}
		e.used[tok] = true
		return n, nil
	}
	if reserved[strings.ToLower(tok)] {
		return "", fmt.Errorf("ValidationException: attribute name is a reserved keyword: %s", tok)
	}
	if tok == "" || !isWord(tok) {
		return "", fmt.Errorf("ValidationException: invalid attribute path %q", tok)
	}
	return tok, nil
}

func isWord(s string) bool {
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_' {
			return false
		}
	}
	return true
}

// condition evaluates clauses joined by AND.
func (e *expr) condition(s string, it item) (bool, error) {
	result := true
	for _, clause := range splitAnd(s) {
		ok, err := e.clause(strings.TrimSpace(clause), it)
		if err != nil {
			return false, err
		}
		result = result && ok
	}
	return result, nil
}

func splitAnd(s string) []string {
	var parts []string
	fields := strings.Fields(s)
	var cur []string
	for _, f := range fields {
		if f == "AND" {
			parts = append(parts, strings.Join(cur, " "))
			cur = nil
			continue
		}
		cur = append(cur, f)
	}
	return append(parts, strings.Join(cur, " "))
}

func (e *expr) clause(c string, it item) (bool, error) {
	if open := strings.Index(c, "("); open > 0 && strings.HasSuffix(c, ")") {
		fn := strings.TrimSpace(c[:open])
		args := strings.Split(c[open+1:len(c)-1], ",")
		for i := range args {
			args[i] = strings.TrimSpace(args[i])
		}
		switch {
		case fn == "attribute_exists" && len(args) == 1, fn == "attribute_not_exists" && len(args) == 1:
			name, err := e.path(args[0])
			if err != nil {
				return false, err
			}
			_, exists := it[name]
			return exists == (fn == "attribute_exists"), nil
		case fn == "begins_with" && len(args) == 2:
			a, err := e.operand(args[0], it)
			if err != nil {
				return false, err
			}
			b, err := e.operand(args[1], it)
			if err != nil {
				return false, err
			}
			as, ok1 := a.(*types.AttributeValueMemberS)
			bs, ok2 := b.(*types.AttributeValueMemberS)
			return ok1 && ok2 && strings.HasPrefix(as.Value, bs.Value), nil
		}
		return false, fmt.Errorf("fake DynamoDB: unsupported function in %q", c)
	}
	f := strings.Fields(c)
	if len(f) != 3 {
		return false, fmt.Errorf("fake DynamoDB: unsupported clause %q", c)
	}
	a, err := e.operand(f[0], it)
	if err != nil {
		return false, err
	}
	b, err := e.operand(f[2], it)
	if err != nil {
		return false, err
	}
	return compare(a, f[1], b)
}

// compare applies a comparison operator; values of different types never match, as in
// DynamoDB.
func compare(a types.AttributeValue, op string, b types.AttributeValue) (bool, error) {
	var cmp int
	switch av := a.(type) {
	case *types.AttributeValueMemberS:
		bv, ok := b.(*types.AttributeValueMemberS)
		if !ok {
			return false, nil
		}
		cmp = strings.Compare(av.Value, bv.Value)
	case *types.AttributeValueMemberN:
		bv, ok := b.(*types.AttributeValueMemberN)
		if !ok {
			return false, nil
		}
		x, ok1 := new(big.Rat).SetString(av.Value)
		y, ok2 := new(big.Rat).SetString(bv.Value)
		if !ok1 || !ok2 {
			return false, fmt.Errorf("ValidationException: invalid number")
		}
		cmp = x.Cmp(y)
	case *types.AttributeValueMemberBOOL:
		bv, ok := b.(*types.AttributeValueMemberBOOL)
		if !ok || (op != "=" && op != "<>") {
			return false, nil
		}
		if av.Value != bv.Value {
			cmp = 1
		}
	default:
		return false, nil
	}
	switch op {
	case "=":
		return cmp == 0, nil
	case "<>":
		return cmp != 0, nil
	case "<":
		return cmp < 0, nil
	case "<=":
		return cmp <= 0, nil
	case ">":
		return cmp > 0, nil
	case ">=":
		return cmp >= 0, nil
	}
	return false, fmt.Errorf("fake DynamoDB: unsupported operator %q", op)
}

// update applies "SET path = operand, ...".
func (e *expr) update(s string, it item) error {
	rest, ok := strings.CutPrefix(strings.TrimSpace(s), "SET ")
	if !ok {
		return fmt.Errorf("fake DynamoDB: unsupported update expression %q", s)
	}
	for _, assignment := range strings.Split(rest, ",") {
		lhs, rhs, ok := strings.Cut(assignment, "=")
		if !ok {
			return fmt.Errorf("fake DynamoDB: invalid assignment %q", assignment)
		}
		name, err := e.path(strings.TrimSpace(lhs))
		if err != nil {
			return err
		}
		if name == "pk" || name == "sk" {
			return errors.New("ValidationException: cannot update a key attribute")
		}
		v, err := e.operand(strings.TrimSpace(rhs), it)
		if err != nil {
			return err
		}
		it[name] = v
	}
	return nil
}

// checkUpdate validates an update expression without applying it.
func (e *expr) checkUpdate(s string) error {
	return e.update(s, item{})
}
