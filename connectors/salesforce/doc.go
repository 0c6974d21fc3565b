// Package salesforce is carebridge's Salesforce connector, built on
// github.com/simpleforce/simpleforce: Query (following nextRecordsUrl) for
// SOQL and ApexREST for every other call, so that every failure is typed.
//
// Every call builds its own cheap simpleforce.Client whose http.Client
// transport binds the call's context (bounded by Config.Timeout) to each
// request, adds the bearer token, sends Sforce-Auto-Assign: FALSE, refreshes
// the session once on 401 INVALID_SESSION_ID and replays the request,
// records Sforce-Limit-Info in the usage gauges and observes
// carebridge_upstream_* metrics per operation. Nothing mutable is shared
// with simpleforce, which avoids its data race on apiVersion.
//
// Errors are *upstream.Error values (System "salesforce") wrapped with the
// operation and the record's identity: Retryable (5xx, UNABLE_TO_LOCK_ROW,
// SERVER_UNAVAILABLE, concurrency REQUEST_LIMIT_EXCEEDED, timeouts and
// network failures), QuotaExhausted (REQUEST_LIMIT_EXCEEDED "TotalRequests
// Limit exceeded.") and Permanent (DUPLICATE_VALUE, ENTITY_IS_DELETED,
// FIELD_CUSTOM_VALIDATION_EXCEPTION, INVALID_FIELD, MALFORMED_QUERY and
// other 4xx). Error strings carry Salesforce's code and message, never a
// token, secret, request body or URL.
//
// Logging: simpleforce writes failing URLs (with SOQL) and bodies to the
// standard library logger. cmd/carebridge routes the standard logger into
// slog at debug level; on top of that this package hands simpleforce only a
// sanitised error body (the code, not the message). This package itself
// logs no SOQL or bodies at all, and secrets never.
//
// Authentication (Auth.Method): OAuth 2.0 client credentials, JWT bearer
// (RS256, iss = client id, sub = username, aud = login URL, 3 minute
// expiry), refresh token, and as a deprecated fallback the OAuth 2.0
// username-password grant against the token endpoint (not SOAP login),
// which logs a warning that Salesforce retires it in 2027.
package salesforce
