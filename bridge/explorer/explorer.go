// Package explorer is the back-end of the admin's case explorer
// (/admin/cases): one case as Care, Salesforce, the sync state, the queue
// and the audit show it, what a sync now would do, and "sync now".
package explorer

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf16"

	"github.com/carebridge/carebridge/bridge"
	"github.com/carebridge/carebridge/bridge/admin"
	"github.com/carebridge/carebridge/bridge/queue"
	"github.com/carebridge/carebridge/bridge/state"
	"github.com/carebridge/carebridge/bridge/work"
	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/connectors/salesforce"
	"github.com/carebridge/carebridge/connectors/salesforce/soql"
	"github.com/carebridge/carebridge/mapping"
)

// Store is the sync state the explorer reads (state.Store).
type Store interface {
	CareCase(ctx context.Context, sfID string) (string, bool, error)
	SalesforceCase(ctx context.Context, careID string) (string, bool, error)
	LoadBase(ctx context.Context, careID string) (state.Base, bool, error)
	CaseTimeline(ctx context.Context, careID string, count int64) ([]state.AuditEntry, error)
}

// Queue is the work queue: a case's key as it stands, and "sync now"
// (queue.Queue).
type Queue interface {
	State(ctx context.Context, key string) (queue.KeyState, error)
	Add(ctx context.Context, key string) (queue.AddResult, error)
}

// Previewer tells what a reconcile of a case would do (bridge.Engine).
type Previewer interface {
	PreviewCase(ctx context.Context, careID string, src bridge.MapperSource) (bridge.Preview, error)
}

// Mappings is the running mapping (admin.Switcher).
type Mappings interface {
	Get() (*mapping.Mapping, admin.Running)
}

// Salesforce reads the org (the engine's Salesforce port).
type Salesforce interface {
	Query(ctx context.Context, q soql.Query) ([]bridge.Record, error)
}

// Care names Care's agents and profiles (care.Client).
type Care interface {
	Agents(ctx context.Context) ([]care.Agent, error)
	Profiles(ctx context.Context) ([]care.Profile, error)
}

// Options are what the explorer reads.
type Options struct {
	Store      Store
	Queue      Queue
	Preview    Previewer
	Mappings   Mappings
	Salesforce Salesforce
	Care       Care
	// CareIDLength is the length of Care_Case_Id__c: a Care case with a
	// longer id cannot be synced (0: any length).
	CareIDLength int
}

// Explorer gathers cases for the case explorer.
type Explorer struct{ o Options }

// New makes an Explorer over o.
func New(o Options) *Explorer { return &Explorer{o: o} }

// CaseView is what the case explorer shows of one case.
type CaseView struct {
	CareCaseID       string `json:"care_case_id"`
	SalesforceCaseID string `json:"salesforce_case_id,omitempty"`
	Linked           bool   `json:"linked"`
	// CannotSync says why carebridge cannot sync this case (its id); then
	// Now plans no writes.
	CannotSync string `json:"cannot_sync,omitempty"`
	// Now is what each side holds, the base and what a sync now would do
	// (the engine's preview; nothing is written).
	Now *bridge.Preview `json:"now,omitempty"`
	// NowError says in plain words why Now is missing; NowErrorDetail is
	// the error itself.
	NowError       string `json:"now_error,omitempty"`
	NowErrorDetail string `json:"now_error_detail,omitempty"`
	// Fields are the mapped fields, each side in its own terms.
	Fields             []CaseField       `json:"fields"`
	Base               map[string]string `json:"base"`
	LastSync           time.Time         `json:"last_sync,omitzero"`
	CaseCreated        time.Time         `json:"salesforce_case_created,omitzero"`
	SyncStatus         string            `json:"sync_status,omitempty"` // Care_Sync_Status__c
	SyncError          string            `json:"sync_error,omitempty"`  // Care_Sync_Error__c
	Queue              queue.KeyState    `json:"queue"`
	Timeline           []Event           `json:"timeline"`
	Actions            []CaseAction      `json:"actions"`
	ActionsError       string            `json:"actions_error,omitempty"`
	ActionsErrorDetail string            `json:"actions_error_detail,omitempty"`
}

// CaseField is one mapped field of a case as each side shows it, and how
// the mapping translates between them.
type CaseField struct {
	Name string `json:"name"`
	// Care is the Care attribute; CareValue its value as Care shows it
	// (people and profiles by name, their ids beside).
	Care      string `json:"care"`
	CareValue string `json:"care_value"`
	// Salesforce is the Case field's API name and SalesforceValue its value
	// as stored (a picklist's API value, an owner's id); SalesforceShown is
	// the record's name where the value is a reference (the owner).
	Salesforce      string `json:"salesforce"`
	SalesforceValue string `json:"salesforce_value"`
	SalesforceShown string `json:"salesforce_shown,omitempty"`
	Direction       string `json:"direction"`
	Conflict        string `json:"conflict,omitempty"`
	// Mapping says in words how this case's values translate.
	Mapping    []string `json:"mapping"`
	LastSynced string   `json:"last_synced,omitempty"`
	// Write is what a sync now would write, if anything.
	Write string `json:"write,omitempty"`
}

// CaseAction is one agent action (Care_Action__c) of the case.
type CaseAction = bridge.ActionSummary

// resolveCase finds the Care case id of a Care case id or Salesforce Case
// id, and its Case id when linked.
func (x *Explorer) resolveCase(ctx context.Context, id string) (careID, sfID string, err error) {
	id = strings.TrimSpace(id)
	if careID, ok, err := x.o.Store.CareCase(ctx, id); err != nil {
		return "", "", err
	} else if ok {
		return careID, id, nil
	}
	sfID, _, err = x.o.Store.SalesforceCase(ctx, id)
	return id, sfID, err
}

// careIDProblem says why carebridge cannot sync a case with this Care id
// ("" when it can): the id must be one a request to Care can carry
// (care.CheckID), hold no space (Care's ids never do, and a webhook with
// one is refused) and fit Care_Case_Id__c.
func (x *Explorer) careIDProblem(id string) string {
	if err := care.CheckID(id); err != nil {
		return err.Error() + ", so carebridge never sends it to Care"
	}
	if strings.ContainsFunc(id, unicode.IsSpace) {
		return "it holds a space, which no Care case id does (Care's webhooks are refused for one)"
	}
	if n := len(utf16.Encode([]rune(id))); x.o.CareIDLength > 0 && n > x.o.CareIDLength {
		return fmt.Sprintf("it is %d characters long and Salesforce's %s holds %d, so no Salesforce Case can carry it (lengthen the field in Salesforce and in configs/salesforce)",
			n, bridge.CareIDField, x.o.CareIDLength)
	}
	return ""
}

// Case gathers one case by its Care case id or Salesforce Case id:
// admin.ErrNotFound when neither side nor the bridge knows it, an
// *admin.CannotSyncError when the id is not one Care can be asked about.
func (x *Explorer) Case(ctx context.Context, id string) (CaseView, error) {
	careID, sfID, err := x.resolveCase(ctx, id)
	if err != nil {
		return CaseView{}, err
	}
	if care.CheckID(careID) != nil {
		return CaseView{}, &admin.CannotSyncError{ID: careID, Reason: x.careIDProblem(careID)}
	}
	v := CaseView{CareCaseID: careID, SalesforceCaseID: sfID, Linked: sfID != "", CannotSync: x.careIDProblem(careID),
		Base: map[string]string{}, Fields: []CaseField{}, Timeline: []Event{}, Actions: []CaseAction{}}
	m, _ := x.o.Mappings.Get()
	p, perr := x.o.Preview.PreviewCase(ctx, careID, bridge.MappingSource(m))
	switch {
	case perr == nil:
		if v.CannotSync != "" {
			p.CreateCase, p.UpdateCase, p.SalesforceWrites, p.UpdateCare, p.Conflicts, p.Blocked = nil, nil, nil, nil, nil, ""
		}
		v.Now = &p
		if v.SalesforceCaseID == "" {
			v.SalesforceCaseID = p.SalesforceCaseID
		}
	case errors.Is(perr, bridge.ErrCaseNotFound):
		v.NowError = "Care does not know this case."
	default:
		v.NowError, v.NowErrorDetail = "Could not read the case: "+plainWords(perr), perr.Error()
	}
	base, found, err := x.o.Store.LoadBase(ctx, careID)
	if err != nil {
		return CaseView{}, err
	}
	if found {
		v.LastSync = base.SyncedAt
		v.Base = bridge.BaseValues(base.Fields)
	}
	if v.Queue, err = x.o.Queue.State(ctx, work.ForCase(careID)); err != nil {
		return CaseView{}, err
	}
	entries, err := x.o.Store.CaseTimeline(ctx, careID, 100)
	if err != nil {
		return CaseView{}, err
	}
	for _, e := range entries {
		v.Timeline = append(v.Timeline, AuditEvent(e))
	}
	if errors.Is(perr, bridge.ErrCaseNotFound) && !v.Linked && !found && len(entries) == 0 && v.Queue.Failure == nil && v.Queue.Dead == nil {
		return CaseView{}, fmt.Errorf("%w: no Care case or Salesforce Case %q is known", admin.ErrNotFound, id)
	}
	var rec salesforce.Record
	if v.SalesforceCaseID != "" {
		if rec, err = x.salesforceSide(ctx, m, &v); err != nil {
			v.ActionsError, v.ActionsErrorDetail = "Could not read the Case's actions: "+plainWords(err), err.Error()
		}
	}
	if v.Now != nil {
		v.Fields = x.caseFields(ctx, m, v.Now, rec)
	}
	return v, nil
}

// Sync queues a case (Care case id or Salesforce Case id) to reconcile now
// ("sync now") and returns its key.
func (x *Explorer) Sync(ctx context.Context, id string) (string, error) {
	careID, _, err := x.resolveCase(ctx, id)
	if err != nil {
		return "", err
	}
	if careID == "" {
		return "", fmt.Errorf("%w: no case id", admin.ErrNotFound)
	}
	if why := x.careIDProblem(careID); why != "" {
		return "", &admin.CannotSyncError{ID: careID, Reason: why}
	}
	key := work.ForCase(careID)
	if _, err := x.o.Queue.Add(ctx, key); err != nil {
		return "", err
	}
	return key, nil
}
