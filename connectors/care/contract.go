package care

import "net/http"

// operation is one call of the Care contract (openapi.yaml). Name is the
// contract's operationId and the "operation" label of the upstream metrics.
type operation struct {
	Name   string
	Method string
	Path   string // "{id}" stands for the case or message id
	// NeedsKey: the call acts on a social network, so it must carry an
	// Idempotency-Key; a retry without one could post twice.
	NeedsKey bool
}

// opID names an operation of the contract.
type opID int

const (
	opListCases opID = iota
	opGetCase
	opListMessages
	opListNotes
	opListAgents
	opListProfiles
	opAssignCase
	opSetCaseStatus
	opSetCaseProfile
	opAddNote
	opPostReply
	opMessageAction
)

// contract is the one place that knows Care's methods and paths. Pointing
// the client at a different Care deployment (or API version) means editing
// this table; the payloads are the types in model.go.
func contract(id opID) operation {
	switch id {
	case opListCases:
		return operation{Name: "listCases", Method: http.MethodGet, Path: "/3/care/cases"}
	case opGetCase:
		return operation{Name: "getCase", Method: http.MethodGet, Path: "/3/care/cases/{id}"}
	case opListMessages:
		return operation{Name: "listMessages", Method: http.MethodGet, Path: "/3/care/cases/{id}/messages"}
	case opListNotes:
		return operation{Name: "listNotes", Method: http.MethodGet, Path: "/3/care/cases/{id}/notes"}
	case opListAgents:
		return operation{Name: "listAgents", Method: http.MethodGet, Path: "/3/care/agents"}
	case opListProfiles:
		return operation{Name: "listProfiles", Method: http.MethodGet, Path: "/3/care/profiles"}
	case opAssignCase:
		return operation{Name: "assignCase", Method: http.MethodPost, Path: "/3/care/cases/{id}/assign"}
	case opSetCaseStatus:
		return operation{Name: "setCaseStatus", Method: http.MethodPost, Path: "/3/care/cases/{id}/status"}
	case opSetCaseProfile:
		return operation{Name: "setCaseProfile", Method: http.MethodPost, Path: "/3/care/cases/{id}/profile"}
	case opAddNote:
		return operation{Name: "addNote", Method: http.MethodPost, Path: "/3/care/cases/{id}/notes"}
	case opPostReply:
		return operation{Name: "postReply", Method: http.MethodPost, Path: "/3/care/cases/{id}/replies", NeedsKey: true}
	case opMessageAction:
		return operation{Name: "messageAction", Method: http.MethodPost, Path: "/3/care/messages/{id}/actions", NeedsKey: true}
	}
	return operation{Name: "unknown"}
}

// Query parameters of listCases.
const (
	paramUpdatedSince = "updated_since"
	paramCursor       = "cursor"
	paramLimit        = "limit"
)

// MaxPageSize is the largest page listCases serves.
const MaxPageSize = 200
