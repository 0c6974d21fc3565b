package sfsim

import "github.com/carebridge/carebridge/connectors/salesforce/sfid"

// newID builds an 18-character Salesforce id from a key prefix and a
// sequence number: prefix (3) + pod "5g" + 10 base-62 digits + checksum (3).
func newID(prefix string, seq uint64) string { return sfid.New(prefix, "5g", seq) }
