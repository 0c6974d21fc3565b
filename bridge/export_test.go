package bridge

// The fakes, exported to the port conformance suite (conformance_test.go,
// package bridge_test), which runs them beside the sandboxes.

import (
	"time"

	"github.com/carebridge/carebridge/connectors/care"
)

// NewFakeSalesforceForConformance returns an empty fake org on clock now.
func NewFakeSalesforceForConformance(now func() time.Time) Salesforce { return newFakeSalesforce(now) }

// FakeCareForConformance is a fake Care with the seeding the suite needs:
// what Care's own controls do in the sandbox.
type FakeCareForConformance struct{ f *fakeCare }

// NewFakeCareForConformance returns an empty fake Care on clock now.
func NewFakeCareForConformance(now func() time.Time) FakeCareForConformance {
	return FakeCareForConformance{newFakeCare(now)}
}

// Port is the fake as the engine sees it.
func (c FakeCareForConformance) Port() Care { return c.f }

// Escalate creates a case with its conversation, as an escalation in Care.
func (c FakeCareForConformance) Escalate(cs care.Case, msgs []care.Message) care.Case {
	return c.f.escalate(cs, msgs)
}

func (c FakeCareForConformance) AddAgent(a care.Agent)     { c.f.addAgent(a) }
func (c FakeCareForConformance) AddProfile(p care.Profile) { c.f.addProfile(p) }
