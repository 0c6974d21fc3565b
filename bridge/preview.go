package bridge

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/carebridge/carebridge/connectors/care/rules"
	"github.com/carebridge/carebridge/connectors/salesforce/soql"
	"github.com/carebridge/carebridge/connectors/upstream"
	"github.com/carebridge/carebridge/mapping/merge"
)

// ErrCaseNotFound is returned by PreviewCase for a Care case that does not
// exist.
var ErrCaseNotFound = errors.New("bridge: Care case not found")

// Preview is what a reconcile of one case would do under a mapping, computed
// from the current state of both sides without writing anything.
type Preview struct {
	CareCaseID       string `json:"care_case_id"`
	SalesforceCaseID string `json:"salesforce_case_id,omitempty"`
	// Care and Salesforce are the canonical values each side shows now.
	Care       map[string]string `json:"care"`
	Salesforce map[string]string `json:"salesforce,omitempty"`
	// Base is the last synced value of each field (settled with any
	// pending writes); empty on first sync.
	Base map[string]string `json:"base"`
	// CreateCase is the Case that would be created (no Salesforce Case yet).
	CreateCase Record `json:"create_case,omitempty"`
	// UpdateCase is the Case update that would be made (Salesforce fields).
	UpdateCase Record `json:"update_case,omitempty"`
	// SalesforceWrites says, per canonical field, which Case field gets which
	// value (as Salesforce stores it), e.g. "Priority = Medium".
	SalesforceWrites map[string]string `json:"salesforce_writes,omitempty"`
	// UpdateCare is what would be written to Care (canonical fields).
	UpdateCare map[string]string `json:"update_care,omitempty"`
	Conflicts  []merge.Conflict  `json:"conflicts,omitempty"`
	// Blocked explains a status change Care's rules hold back.
	Blocked string `json:"blocked,omitempty"`
}

// PreviewCase shows what reconciling the Care case careID would do under the
// mapping src, reading both sides and the sync state but writing nothing. It
// lets an admin try a mapping on a real case before publishing it.
func (e *Engine) PreviewCase(ctx context.Context, careID string, src MapperSource) (Preview, error) {
	if careID == "" {
		return Preview{}, permanentf("empty Care case id")
	}
	m, err := e.ids.bind(ctx, src)
	if err != nil {
		return Preview{}, err
	}
	c, err := e.care.GetCase(ctx, careID)
	if err != nil {
		if ue := (*upstream.Error)(nil); errors.As(err, &ue) && ue.Status == http.StatusNotFound {
			return Preview{}, fmt.Errorf("Care case %s: %w", careID, ErrCaseNotFound)
		}
		return Preview{}, fmt.Errorf("read Care case %s: %w", careID, err)
	}
	recs, err := e.sf.Query(ctx, soql.Select(caseFields(m)...).From("Case").Where(soql.Eq(CareIDField, careID)))
	if err != nil {
		return Preview{}, fmt.Errorf("read Salesforce Case of Care case %s: %w", careID, err)
	}
	careVals, _ := e.fit.careValues(ctx, m, m.FromCare(c))
	p := Preview{CareCaseID: careID, Care: careVals}
	if len(recs) == 0 {
		if c.Status == rules.Deleted {
			return p, nil
		}
		toSF := careToSalesforce(m, careVals)
		p.CreateCase = newCaseRecord(m, c, toSF, e.fit.refusedPicklistValues(ctx, m, toSF))
		return p, nil
	}
	rec := recs[0]
	p.SalesforceCaseID = str(rec["Id"])
	p.Salesforce = m.FromSalesforce(rec)
	st, err := e.cases.caseState(ctx, careID, false)
	if err != nil {
		return Preview{}, err
	}
	plan := e.cases.planCase(ctx, m, c, rec, careVals, st)
	p.Base = plan.base
	if p.Base == nil {
		p.Base = map[string]string{}
	}
	if w := caseWrite(m, rec, plan.plan, joinReasons(plan.blocked, plan.refused)); len(w) > 0 {
		p.UpdateCase = w
	}
	if len(plan.plan.ToSalesforce) > 0 {
		p.SalesforceWrites = map[string]string{}
		for f, v := range plan.plan.ToSalesforce {
			for field, value := range m.ToSalesforce(map[string]string{f: v}) {
				p.SalesforceWrites[f] = fmt.Sprintf("%s = %v", field, value)
			}
		}
	}
	if len(plan.plan.ToCare) > 0 {
		p.UpdateCare = plan.plan.ToCare
	}
	p.Conflicts, p.Blocked = plan.plan.Conflicts, plan.blocked
	return p, nil
}
