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

	"github.com/carebridge/carebridge/bridge/batch"
	"github.com/carebridge/carebridge/bridge/state"
	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/connectors/care/rules"
	"github.com/carebridge/carebridge/connectors/salesforce/soql"
)

// The conversation mirror: Care messages as Care_Message__c records.
const (
	MessageObject   = "Care_Message__c"
	MessageIDField  = "Care_Message_Id__c"
	MessageCaseFld  = "Case__c"
	sfDateTimeShape = "2006-01-02T15:04:05.000-0700"
)

// MessageFields lists the Care_Message__c fields the mirror writes.
func MessageFields() []string {
	return []string{MessageIDField, MessageCaseFld, "Platform__c", "Kind__c", "Direction__c", "Author_Handle__c",
		"Author_Name__c", "Author_Is_Page__c", "Author_Follows_Brand__c", "Text__c", "Media_URLs__c",
		"Parent_Message_Id__c", "Thread_Depth__c", "Posted_At__c", "Hidden__c", "Hidden_With_Parent__c",
		"Deleted__c", "Liked__c", "Private_Reply_Sent__c", "Permalink__c", MessageActionsField, MessageModesField,
		AuthorKeyField, DeletedByField, "Deleted_At__c", "Edited_At__c", WithheldField}
}

// The fields of what the platforms' terms make the mirror drop.
const (
	// AuthorKeyField holds AuthorKey: erasure finds a customer's messages
	// by it.
	AuthorKeyField = "Author_Key__c"
	// DeletedByField says who deleted a deleted message (care.DeletedBy*).
	DeletedByField = "Deleted_By__c"
	// WithheldField says why the content of a message that is not deleted
	// is not in Salesforce (the Withheld* values).
	WithheldField = "Withheld__c"
)

// Values of Withheld__c.
const (
	WithheldProtected = "account_protected"
	WithheldDeleted   = "account_deleted"
	WithheldSuspended = "account_suspended"
	WithheldErased    = "erased"
)

// contentFields are the fields a tombstone holds no value of: the
// message's content and who wrote it.
var contentFields = []string{"Text__c", "Media_URLs__c", "Permalink__c", "Author_Handle__c", "Author_Name__c"}

// AuthorKey is the pseudonymous key of an author written to Author_Key__c:
// a hash of the platform and the author's id there, by which an erasure
// finds every message of one customer without Salesforce holding their
// platform id. "" for no author.
func AuthorKey(p rules.Platform, authorID string) string {
	if authorID == "" {
		return ""
	}
	sum := sha256.Sum256([]byte("carebridge author\x00" + string(p) + "\x00" + authorID))
	return hex.EncodeToString(sum[:16])
}

// mirrorPolicy is what decides how much of a message the mirror keeps
// beside the message itself.
type mirrorPolicy struct {
	// keepBrandDeleted keeps the content of messages the brand deleted
	// (the mapping's conversation.brand_deleted: keep).
	keepBrandDeleted bool
	// erased holds the state.MessageKey of the case's messages whose
	// author's data was erased.
	erased map[string]bool
}

// withheld is why m's content stays out of Salesforce although it is not
// deleted ("" when it may be shown): the author's data was erased, or the
// author's account is protected, deleted or suspended on the platform
// (until it is active again).
func (p mirrorPolicy) withheld(m care.Message) string {
	if p.erased[state.MessageKey(m.ID)] {
		return WithheldErased
	}
	if m.Author.IsBrand {
		return ""
	}
	switch m.Author.AccountState {
	case care.AccountProtected:
		return WithheldProtected
	case care.AccountDeleted:
		return WithheldDeleted
	case care.AccountSuspended:
		return WithheldSuspended
	}
	return ""
}

// deletedBy is who deleted m (care.DeletedBy*; "" when it is not deleted
// or Care does not say).
func deletedBy(m care.Message) string {
	if !m.Deleted || m.DeletedBy == nil {
		return ""
	}
	return *m.DeletedBy
}

// removes reports whether m's content must not be in Salesforce: it was
// deleted (by its author, by anyone Care does not name, or by the brand
// unless the mapping keeps what the brand deleted) or is withheld.
func (p mirrorPolicy) removes(m care.Message) bool {
	if p.withheld(m) != "" {
		return true
	}
	return m.Deleted && !(deletedBy(m) == care.DeletedByBrand && p.keepBrandDeleted)
}

// messageRecord is the Care_Message__c image of m as the mirror keeps it,
// under the default policy.
func messageRecord(m care.Message) Record { return mirrorRecord(m, mirrorPolicy{}) }

// mirrorRecord is the Care_Message__c image of m, without its Case__c
// (which is written only on create: the master-detail field cannot change).
// A message whose content must not be in Salesforce (p.removes) is a
// tombstone: its place in the thread, who deleted it and when, and no
// text, media, link, author handle or name; an erased one loses its author
// key too. Values too long for their field are cut when written
// (fitRecord).
func mirrorRecord(m care.Message, p mirrorPolicy) Record {
	parent := ""
	if m.ParentID != nil {
		parent = *m.ParentID
	}
	var deletedAt any
	if m.Deleted && m.DeletedAt != nil {
		deletedAt = formatSFTime(*m.DeletedAt)
	}
	var editedAt any
	if m.EditedAt != nil {
		editedAt = formatSFTime(*m.EditedAt)
	}
	rec := Record{
		MessageIDField:            m.ID,
		"Platform__c":             nilIfEmpty(string(m.Platform)),
		"Kind__c":                 nilIfEmpty(string(m.Kind)),
		"Direction__c":            nilIfEmpty(m.Direction),
		"Author_Handle__c":        nilIfEmpty(m.Author.Handle),
		"Author_Name__c":          nilIfEmpty(m.Author.Name),
		"Author_Is_Page__c":       m.Author.IsPage,
		"Author_Follows_Brand__c": m.Author.FollowsBrand,
		"Text__c":                 nilIfEmpty(m.Text),
		"Media_URLs__c":           nilIfEmpty(strings.Join(m.Media, "\n")),
		"Parent_Message_Id__c":    nilIfEmpty(parent),
		"Thread_Depth__c":         m.Depth,
		"Posted_At__c":            formatSFTime(m.PostedAt),
		"Hidden__c":               m.Hidden,
		"Hidden_With_Parent__c":   m.HiddenWithParent,
		"Deleted__c":              m.Deleted,
		"Liked__c":                m.Liked,
		"Private_Reply_Sent__c":   m.PrivateReplySent,
		"Permalink__c":            nilIfEmpty(m.Permalink),
		AuthorKeyField:            nilIfEmpty(AuthorKey(m.Platform, m.Author.ID)),
		DeletedByField:            nilIfEmpty(deletedBy(m)),
		"Deleted_At__c":           deletedAt,
		"Edited_At__c":            editedAt,
		WithheldField:             nilIfEmpty(p.withheld(m)),
	}
	if p.removes(m) {
		for _, f := range contentFields {
			rec[f] = nil
		}
		rec["Author_Is_Page__c"], rec["Author_Follows_Brand__c"] = false, false
		if rec[WithheldField] == WithheldErased {
			rec[AuthorKeyField] = nil
		}
	}
	return rec
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

// formatSFTime is t as a Salesforce datetime field holds it: cut to the
// whole second, so that what the bridge compares with a read-back is what
// the org stores.
func formatSFTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Truncate(time.Second).Format(sfDateTimeShape)
}

// queryMessages reads the Care_Message__c ids of many Cases in one query
// (batched): Case id -> records with Id and Care_Message_Id__c.
func (cr *caseReconciler) queryMessages(ctx context.Context, sfCaseIDs []string) ([][]Record, error) {
	ids := make([]any, 0, len(sfCaseIDs))
	for _, id := range sfCaseIDs {
		ids = append(ids, id)
	}
	recs, err := cr.sf.Query(ctx, soql.Select("Id", MessageIDField, MessageCaseFld).From(MessageObject).Where(soql.In(MessageCaseFld, ids...)))
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
// records under its Case, each with what an agent may do with it now. Only
// messages whose values changed since the last write are written (a hash per
// message is kept in the store), so quiet cycles write nothing; writes of
// many cases share collection calls.
// have is the case's mirror as stored.
func (cr *caseReconciler) syncMessages(ctx context.Context, c care.Case, sfID string, msgs []care.Message, have map[string]state.MirroredMessage, p mirrorPolicy, wake *nextChange) error {
	careID := c.ID
	var todo []pendingMessage
	idMax := cr.fit.fieldsOf(ctx, MessageObject)[MessageIDField].Length
	for i := range msgs {
		m := &msgs[i]
		if idMax > 0 && utf16Len(m.ID) > idMax {
			// It cannot be upserted by its id; the rest of the conversation can.
			cr.m.refusedIDs.Inc()
			cr.log.Error("Care message not mirrored: its id is longer than Care_Message_Id__c holds", "care_case", careID, "message", m.ID, "max", idMax)
			continue
		}
		rec := mirrorRecord(*m, p)
		maps.Copy(rec, cr.messageOptionFields(c, msgs, m, wake))
		h := hashRecord(rec)
		if cur, ok := have[m.ID]; ok && cur.Hash == h && cur.SalesforceID != "" {
			continue
		}
		todo = append(todo, pendingMessage{m.ID, rec, h})
	}
	if len(todo) == 0 {
		return nil
	}
	next := maps.Clone(have)
	if next == nil {
		next = map[string]state.MirroredMessage{}
	}
	// A message without a stored record is created by its Care id, without
	// looking first: it is new (a customer's message, an agent's reply). When
	// a record exists after all (the store lost the links, another run
	// created it meanwhile) Salesforce refuses the create (the Case field
	// cannot change): the records are read then and updated by id.
	ids := make([]string, len(todo))
	for i, p := range todo {
		ids[i] = next[p.msgID].SalesforceID
	}
	results, errs := cr.writeMessages(ctx, sfID, todo2records(todo), ids)
	var retry []int
	for i := range todo {
		if ids[i] == "" && (errs[i] != nil || results[i].Err != nil) {
			retry = append(retry, i)
		}
	}
	if len(retry) > 0 {
		if existing, err := cr.readMsgs.Do(ctx, sfID); err == nil {
			found := map[string]string{}
			for _, r := range existing {
				found[str(r[MessageIDField])] = str(r["Id"])
			}
			recs, rids, idx := []Record{}, []string{}, []int{}
			for _, i := range retry {
				if id := found[todo[i].msgID]; id != "" {
					recs, rids, idx = append(recs, todo[i].rec), append(rids, id), append(idx, i)
				}
			}
			res, errs2 := cr.writeMessages(ctx, sfID, recs, rids)
			for k, i := range idx {
				results[i], errs[i] = res[k], errs2[k]
				if results[i].ID == "" {
					results[i].ID = rids[k]
				}
			}
		}
	}
	var firstErr error
	written := 0
	for i, p := range todo {
		err := errs[i]
		if err == nil {
			err = results[i].Err
		}
		if err != nil {
			cr.m.syncOps.WithLabelValues("care_to_salesforce", "message", "failure").Inc()
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
		next[p.msgID] = state.MirroredMessage{SalesforceID: id, Hash: p.hash}
		written++
		cr.m.syncOps.WithLabelValues("care_to_salesforce", "message", "success").Inc()
	}
	if err := cr.store.SetMessageMirror(ctx, careID, next); err != nil {
		return fmt.Errorf("store message mirror of Care case %s: %w", careID, err)
	}
	if written > 0 {
		cr.log.Debug("mirrored messages", "care_case", careID, "case", sfID, "written", written)
	}
	return firstErr
}

// pendingMessage is a message whose mirror record must be written.
type pendingMessage struct {
	msgID string
	rec   Record
	hash  string
}

func todo2records(todo []pendingMessage) []Record {
	out := make([]Record, len(todo))
	for i, p := range todo {
		out[i] = p.rec
	}
	return out
}

// writeMessages writes mirror records as two batched calls at most,
// shared with other cases' writes: records with a Salesforce id (ids[i])
// are updated by it, the others upserted by their Care message id with
// their Case.
func (cr *caseReconciler) writeMessages(ctx context.Context, sfCaseID string, recs []Record, ids []string) ([]WriteResult, []error) {
	results := make([]WriteResult, len(recs))
	errs := make([]error, len(recs))
	var upd, ups []Record
	var updAt, upsAt []int
	for i := range recs {
		rec := maps.Clone(recs[i])
		if ids[i] != "" {
			delete(rec, MessageIDField)
			rec["Id"] = ids[i]
			upd, updAt = append(upd, rec), append(updAt, i)
			continue
		}
		rec[MessageCaseFld] = sfCaseID
		ups, upsAt = append(ups, rec), append(upsAt, i)
	}
	var wg sync.WaitGroup
	for _, part := range []struct {
		b   *batch.Batcher[Record, WriteResult]
		rec []Record
		at  []int
	}{{cr.updateMsgs, upd, updAt}, {cr.upsertMsgs, ups, upsAt}} {
		if len(part.rec) == 0 {
			continue
		}
		wg.Go(func() {
			res, errList := part.b.DoAll(ctx, part.rec)
			for k, i := range part.at {
				results[i], errs[i] = res[k], errList[k]
			}
		})
	}
	wg.Wait()
	return results, errs
}
