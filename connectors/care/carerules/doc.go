// Package carerules is Care's documented behaviour around an agent's action,
// derived from a case and its conversation: which message a reply answers
// when the agent chose none (DefaultTarget), where a thread starts (Root),
// which live replies sit under a message (Replies), and the rules.Scenario
// that package rules judges (Scenario, with Target for the message). It
// follows "Respond to an Escalation in Care"
// (shared/seed/care-respond-to-escalation.txt), as package rules does for the
// decisions themselves. LatestCustomerMessage is the message the bridge's
// reply options describe.
//
// It has one owner on purpose: the Care sandbox (caresim) calls it to decide
// what it accepts and where a reply goes, and the bridge calls it to predict
// Care before sending an action and to write the reply options onto the
// Salesforce Case. Neither keeps a copy, so the prediction cannot drift from
// the sandbox.
//
// Every function reads the conversation as Care's API returns it (GET
// /3/care/cases/{id}/messages: the case's messages, oldest first, deleted
// ones included), which is all the bridge can see: a parent that is not in
// the conversation is unknown, even to the sandbox, which holds every case.
// Malformed data (a parent cycle, a repeated id) never makes a function loop.
package carerules
