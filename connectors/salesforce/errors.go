package salesforce

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/carebridge/carebridge/connectors/upstream"
)

// System is the upstream.Error System of every error of this package.
const System = "salesforce"

// Salesforce error codes the classification knows by name.
const (
	CodeInvalidSession        = "INVALID_SESSION_ID"
	CodeRequestLimitExceeded  = "REQUEST_LIMIT_EXCEEDED"
	CodeUnableToLockRow       = "UNABLE_TO_LOCK_ROW"
	CodeServerUnavailable     = "SERVER_UNAVAILABLE"
	CodeDuplicateValue        = "DUPLICATE_VALUE"
	CodeEntityIsDeleted       = "ENTITY_IS_DELETED"
	CodeCustomValidation      = "FIELD_CUSTOM_VALIDATION_EXCEPTION"
	CodeInvalidField          = "INVALID_FIELD"
	CodeMalformedQuery        = "MALFORMED_QUERY"
	CodeNotFound              = "NOT_FOUND"
	CodeAllOrNoneRolledBack   = "ALL_OR_NONE_OPERATION_ROLLED_BACK"
	codeMultipleExternalMatch = "MULTIPLE_CHOICES"
)

// apiError is one element of a Salesforce REST error body
// [{"message","errorCode","fields"}]; collections results use statusCode.
type apiError struct {
	Message    string   `json:"message"`
	ErrorCode  string   `json:"errorCode"`
	StatusCode string   `json:"statusCode"`
	Fields     []string `json:"fields"`
}

func (e apiError) code() string {
	if e.ErrorCode != "" {
		return e.ErrorCode
	}
	return e.StatusCode
}

// parseErrorBody extracts the first error of a Salesforce error body. It
// accepts the array form, a single object and the OAuth form
// {"error","error_description"}; anything else yields an empty apiError.
func parseErrorBody(body []byte) apiError {
	var list []apiError
	if json.Unmarshal(body, &list) == nil {
		if len(list) > 0 {
			return list[0]
		}
		return apiError{}
	}
	var one struct {
		apiError
		OAuthError       string `json:"error"`
		OAuthDescription string `json:"error_description"`
	}
	if json.Unmarshal(body, &one) == nil {
		if one.OAuthError != "" {
			return apiError{ErrorCode: one.OAuthError, Message: one.OAuthDescription}
		}
		return one.apiError
	}
	return apiError{}
}

// classify decides what a caller should do about a Salesforce failure.
// status is 0 for per-record errors of a successful collections call.
func classify(status int, code, message string) upstream.Class {
	switch code {
	case CodeRequestLimitExceeded:
		if strings.Contains(message, "TotalRequests") {
			return upstream.QuotaExhausted
		}
		// Concurrent long-running requests (ConcurrentPerOrgLongTxn) and
		// other rate limits clear up by themselves.
		return upstream.Retryable
	case CodeUnableToLockRow, CodeServerUnavailable, CodeAllOrNoneRolledBack:
		return upstream.Retryable
	case CodeDuplicateValue, CodeEntityIsDeleted, CodeCustomValidation, CodeInvalidField, CodeMalformedQuery, CodeNotFound:
		return upstream.Permanent
	}
	switch {
	case status == 0 && code != "":
		return upstream.Permanent
	case status == 0, status >= 500, status == http.StatusRequestTimeout, status == http.StatusTooManyRequests:
		return upstream.Retryable
	case status == http.StatusUnauthorized:
		// Still refused after the one token refresh: a credential rotation
		// under way or an identity blip, which clears by itself.
		return upstream.Retryable
	default:
		return upstream.Permanent
	}
}

// newAPIError builds the classified error of a failed HTTP exchange from
// the status and the parsed body, keeping only code and message.
func newAPIError(op string, status int, e apiError) *upstream.Error {
	class := classify(status, e.code(), e.Message)
	if op == opToken && class == upstream.Permanent {
		// A refused login (invalid_client, invalid_grant) is what a secret
		// rotation or an identity provider blip looks like from here: it
		// clears once both sides hold the new credentials. Retried with
		// backoff, so no work is given up; the auth alert says when it
		// does not clear.
		class = upstream.Retryable
	}
	return &upstream.Error{
		System:  System,
		Op:      op,
		Class:   class,
		Status:  status,
		Code:    e.code(),
		Message: e.Message,
	}
}

// transportError classifies a failure where no response arrived. The URL
// (which can carry SOQL) is stripped from url.Error.
func transportError(op string, err error) *upstream.Error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return &upstream.Error{System: System, Op: op, Class: upstream.Retryable, Err: err}
}

// localError is a permanent error found before anything was sent.
func localError(op string, err error) *upstream.Error {
	return &upstream.Error{System: System, Op: op, Class: upstream.Permanent, Err: err}
}

// IsNotFound reports whether err says the record does not exist.
func IsNotFound(err error) bool {
	var ue *upstream.Error
	return errors.As(err, &ue) && ue.System == System && (ue.Code == CodeNotFound || ue.Status == http.StatusNotFound)
}

// Code returns the Salesforce error code carried by err, or "".
func Code(err error) string {
	var ue *upstream.Error
	if errors.As(err, &ue) {
		return ue.Code
	}
	return ""
}
