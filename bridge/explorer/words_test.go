package explorer

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/connectors/upstream"
)

// TestPlainWordsSayWhatTheAdminCanDo: each kind of upstream failure reads
// as what happened and what to do, naming the system in the admin's terms.
func TestPlainWordsSayWhatTheAdminCanDo(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want string
	}{
		{&upstream.Error{System: care.System, Class: upstream.Retryable}, "Emplifi Care did not answer in time"},
		{&upstream.Error{System: "salesforce", Status: http.StatusUnauthorized}, "Salesforce refused carebridge's credentials or permissions; `carebridge check` says which."},
		{&upstream.Error{System: "salesforce", Status: http.StatusForbidden, Code: "REQUEST_LIMIT_EXCEEDED"}, "refused carebridge's credentials"},
		{&upstream.Error{System: "salesforce", Status: http.StatusBadRequest, Code: "REQUEST_LIMIT_EXCEEDED"}, "Salesforce is over its API limit"},
		{&upstream.Error{System: care.System, Status: http.StatusBadGateway}, "Emplifi Care failed with a server error (HTTP 502)"},
		{&upstream.Error{System: "salesforce", Status: http.StatusNotFound}, "Salesforce does not know it."},
		{&upstream.Error{System: "salesforce", Message: "the query is too long"}, "Salesforce was not asked: the query is too long."},
		{&upstream.Error{System: care.System, Status: http.StatusConflict}, "Emplifi Care refused the request (HTTP 409)."},
		{fmt.Errorf("read case: %w", &upstream.Error{System: care.System, Status: http.StatusNotFound}), "Emplifi Care does not know it."},
		{errors.New("redis: connection refused"), "carebridge could not read it"},
	} {
		if got := plainWords(tt.err); !strings.Contains(got, tt.want) {
			t.Errorf("plainWords(%v) = %q, want it to contain %q", tt.err, got, tt.want)
		}
	}
}
