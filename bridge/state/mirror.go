package state

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/redis/go-redis/v9"
)

// MirroredMessage is the Salesforce side of one mirrored Care message: its
// Care_Message__c id and a hash of the values last written, so unchanged
// messages are not written again.
type MirroredMessage struct {
	SalesforceID string
	Hash         string
}

// setMirrorScript replaces a case's mirror hash.
// KEYS mirror. ARGV field, value pairs.
var setMirrorScript = redis.NewScript(`
redis.call('DEL', KEYS[1])
for i = 1, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
return 1
`)

// MessageMirror returns, per Care message id of a case, what was last
// written to Salesforce.
func (s *CaseStore) MessageMirror(ctx context.Context, careID string) (map[string]MirroredMessage, error) {
	m, err := s.rdb.HGetAll(ctx, s.caseKey(careID, "mirror")).Result()
	if err != nil {
		return nil, fmt.Errorf("read message mirror of care case %q: %w", careID, err)
	}
	return decodeMirror(careID, m)
}

func decodeMirror(careID string, m map[string]string) (map[string]MirroredMessage, error) {
	out := make(map[string]MirroredMessage, len(m))
	for id, v := range m {
		sfID, hash, ok := strings.Cut(v, " ")
		if !ok {
			return nil, fmt.Errorf("read message mirror of care case %q: message %q: malformed value %q", careID, id, v)
		}
		out[id] = MirroredMessage{SalesforceID: sfID, Hash: hash}
	}
	return out, nil
}

// SetMessageMirror replaces the message mirror of a case.
func (s *CaseStore) SetMessageMirror(ctx context.Context, careID string, msgs map[string]MirroredMessage) error {
	args := make([]any, 0, 2*len(msgs))
	for id, m := range msgs {
		if strings.Contains(m.SalesforceID, " ") {
			return fmt.Errorf("store message mirror of care case %q: message %q: salesforce id %q contains a space", careID, id, m.SalesforceID)
		}
		args = append(args, id, m.SalesforceID+" "+m.Hash)
	}
	if err := setMirrorScript.Run(ctx, s.rdb, []string{s.caseKey(careID, "mirror")}, args...).Err(); err != nil {
		return fmt.Errorf("store message mirror of care case %q: %w", careID, err)
	}
	return nil
}

// MessageKey is what the store remembers an erased message by: a hash of
// its Care message id, so that no list of an erased customer's message ids
// is kept, while the mirror can still tell the message when Care reports it
// again.
func MessageKey(messageID string) string {
	sum := sha256.Sum256([]byte("carebridge erased message\x00" + messageID))
	return hex.EncodeToString(sum[:16])
}

// MarkErased records messages of a case (by MessageKey) whose author's
// personal data was erased: the mirror keeps them as tombstones from then
// on, in this case and when it reopens. The record outlives the case's
// retirement.
func (s *CaseStore) MarkErased(ctx context.Context, careID string, keys []string) error {
	if len(keys) == 0 {
		return nil
	}
	members := make([]any, len(keys))
	for i, k := range keys {
		members[i] = k
	}
	if err := s.rdb.SAdd(ctx, s.caseKey(careID, "erased"), members...).Err(); err != nil {
		return fmt.Errorf("record erased messages of care case %q: %w", careID, err)
	}
	return nil
}
