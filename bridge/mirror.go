package bridge

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"strings"
	"sync"
	"time"

	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/connectors/salesforce/soql"
)

// The conversation mirror: Care messages as Care_Message__c records.
const (
	MessageObject   = "Care_Message__c"
	MessageIDField  = "Care_Message_Id__c"
	MessageCaseFld  = "Case__c"
	longTextMax     = 131072
	shortTextMax    = 255
	sfDateTimeShape = "2006-01-02T15:04:05.000-0700"
)

// MessageFields lists the Care_Message__c fields the mirror writes.
func MessageFields() []string {
	return []string{MessageIDField, MessageCaseFld, "Platform__c", "Kind__c", "Direction__c", "Author_Handle__c",
		"Author_Name__c", "Author_Is_Page__c", "Author_Follows_Brand__c", "Text__c", "Media_URLs__c",
		"Parent_Message_Id__c", "Thread_Depth__c", "Posted_At__c", "Hidden__c", "Hidden_With_Parent__c",
		"Deleted__c", "Liked__c", "Private_Reply_Sent__c", "Permalink__c"}
}

// messageRecord is the Care_Message__c image of m, without its Case__c
// (which is written only on create: the master-detail field cannot change).
func messageRecord(m care.Message) Record {
	parent := ""
	if m.ParentID != nil {
		parent = *m.ParentID
	}
	return Record{
		MessageIDField:            m.ID,
		"Platform__c":             nilIfEmpty(string(m.Platform)),
		"Kind__c":                 nilIfEmpty(string(m.Kind)),
		"Direction__c":            nilIfEmpty(m.Direction),
		"Author_Handle__c":        nilIfEmpty(truncateRunes(m.Author.Handle, shortTextMax)),
		"Author_Name__c":          nilIfEmpty(truncateRunes(m.Author.Name, shortTextMax)),
		"Author_Is_Page__c":       m.Author.IsPage,
		"Author_Follows_Brand__c": m.Author.FollowsBrand,
		"Text__c":                 nilIfEmpty(truncateRunes(m.Text, longTextMax)),
		"Media_URLs__c":           nilIfEmpty(truncateRunes(strings.Join(m.Media, "\n"), longTextMax)),
		"Parent_Message_Id__c":    nilIfEmpty(parent),
		"Thread_Depth__c":         m.Depth,
		"Posted_At__c":            formatSFTime(m.PostedAt),
		"Hidden__c":               m.Hidden,
		"Hidden_With_Parent__c":   m.HiddenWithParent,
		"Deleted__c":              m.Deleted,
		"Liked__c":                m.Liked,
		"Private_Reply_Sent__c":   m.PrivateReplySent,
		"Permalink__c":            nilIfEmpty(truncateRunes(m.Permalink, shortTextMax)),
	}
}

// hashRecord fingerprints the values written for a message (encoding/json
// sorts map keys, so equal records hash equally).
func hashRecord(r Record) string {
	b, err := json.Marshal(r)
	if err != nil { // values are strings, numbers, bools and nil
		return ""
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16])
}

func formatSFTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format(sfDateTimeShape)
}

// truncateRunes shortens s to at most n characters (Salesforce counts
// characters in text fields).
func truncateRunes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := 0
	for pos := range s {
		if i == n {
			return s[:pos]
		}
		i++
	}
	return s
}

// queryMessages reads the Care_Message__c ids of many Cases in one query
// (batched): Case id -> records with Id and Care_Message_Id__c.
func (e *Engine) queryMessages(ctx context.Context, sfCaseIDs []string) ([][]Record, error) {
	ids := make([]any, 0, len(sfCaseIDs))
	for _, id := range sfCaseIDs {
		ids = append(ids, id)
	}
	recs, err := e.sf.Query(ctx, soql.Select("Id", MessageIDField, MessageCaseFld).From(MessageObject).Where(soql.In(MessageCaseFld, ids...)))
	if err != nil {
		return nil, fmt.Errorf("read %s of %d Cases: %w", MessageObject, len(ids), err)
	}
	by := map[string][]Record{}
	for _, r := range recs {
		c := str(r[MessageCaseFld])
		by[c] = append(by[c], r)
	}
	out := make([][]Record, len(sfCaseIDs))
	for i, id := range sfCaseIDs {
		out[i] = by[id]
	}
	return out, nil
}

// syncMessages mirrors the conversation of a Care case into Care_Message__c
// records under its Case. Only messages whose values changed since the last
// write are written (a hash per message is kept in the store), so quiet
// cycles write nothing; writes of many cases share collection calls.
func (e *Engine) syncMessages(ctx context.Context, careID, sfID string, msgs []care.Message) error {
	have, err := e.store.MessageMirror(ctx, careID)
	if err != nil {
		return fmt.Errorf("read message mirror of Care case %s: %w", careID, err)
	}
	type pending struct {
		msgID string
		rec   Record
		hash  string
	}
	var todo []pending
	missing := false
	for _, m := range msgs {
		rec := messageRecord(m)
		h := hashRecord(rec)
		if cur, ok := have[m.ID]; ok && cur.Hash == h && cur.SalesforceID != "" {
			continue
		}
		if have[m.ID].SalesforceID == "" {
			missing = true
		}
		todo = append(todo, pending{m.ID, rec, h})
	}
	if len(todo) == 0 {
		return nil
	}
	next := maps.Clone(have)
	if next == nil {
		next = map[string]MirroredMessage{}
	}
	if missing {
		// The store may have lost the links: find the records that exist.
		existing, err := e.readMsgs.Do(ctx, sfID)
		if err != nil {
			return fmt.Errorf("read mirrored messages of Case %s: %w", sfID, err)
		}
		for _, r := range existing {
			id := str(r[MessageIDField])
			if id != "" && next[id].SalesforceID == "" {
				next[id] = MirroredMessage{SalesforceID: str(r["Id"])}
			}
		}
	}
	results := make([]WriteResult, len(todo))
	errs := make([]error, len(todo))
	var wg sync.WaitGroup
	for i, p := range todo {
		rec := maps.Clone(p.rec)
		sfMsgID := next[p.msgID].SalesforceID
		wg.Go(func() {
			if sfMsgID != "" {
				delete(rec, MessageIDField)
				rec["Id"] = sfMsgID
				results[i], errs[i] = e.updateMsgs.Do(ctx, rec)
				return
			}
			rec[MessageCaseFld] = sfID
			results[i], errs[i] = e.upsertMsgs.Do(ctx, rec)
		})
	}
	wg.Wait()
	var firstErr error
	written := 0
	for i, p := range todo {
		err := errs[i]
		if err == nil {
			err = results[i].Err
		}
		if err != nil {
			e.m.syncOps.WithLabelValues("care_to_salesforce", "message", "failure").Inc()
			// Forget the record: the next run looks it up again (it may
			// have been deleted in Salesforce).
			delete(next, p.msgID)
			if firstErr == nil {
				firstErr = fmt.Errorf("mirror Care message %s of case %s to Case %s: %w", p.msgID, careID, sfID, err)
			}
			continue
		}
		id := next[p.msgID].SalesforceID
		if results[i].ID != "" {
			id = results[i].ID
		}
		next[p.msgID] = MirroredMessage{SalesforceID: id, Hash: p.hash}
		written++
		e.m.syncOps.WithLabelValues("care_to_salesforce", "message", "success").Inc()
	}
	if err := e.store.SetMessageMirror(ctx, careID, next); err != nil {
		return fmt.Errorf("store message mirror of Care case %s: %w", careID, err)
	}
	if written > 0 {
		e.log.Debug("mirrored messages", "care_case", careID, "case", sfID, "written", written)
	}
	return firstErr
}
