package sfsim

import "strings"

const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// newID builds an 18-character Salesforce id from a key prefix and a
// sequence number: prefix (3) + pod "5g" + 10 base-62 digits + checksum (3).
func newID(prefix string, seq uint64) string {
	var digits [10]byte
	for i := len(digits) - 1; i >= 0; i-- {
		digits[i] = base62[seq%62]
		seq /= 62
	}
	return to18(prefix + "5g" + string(digits[:]))
}

// to18 appends the case-safe checksum to a 15-character id.
func to18(id15 string) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
	var suffix [3]byte
	for chunk := 0; chunk < 3; chunk++ {
		v := 0
		for i := 0; i < 5; i++ {
			c := id15[chunk*5+i]
			if c >= 'A' && c <= 'Z' {
				v |= 1 << i
			}
		}
		suffix[chunk] = alphabet[v]
	}
	return id15 + string(suffix[:])
}

// normalizeID returns the 18-character form of a 15- or 18-character id, or
// false when s is not shaped like an id (or its checksum is wrong).
func normalizeID(s string) (string, bool) {
	if len(s) != 15 && len(s) != 18 {
		return "", false
	}
	for i := 0; i < 15; i++ {
		if !strings.ContainsRune(base62, rune(s[i])) {
			return "", false
		}
	}
	full := to18(s[:15])
	if len(s) == 18 && !strings.EqualFold(full, s) {
		return "", false
	}
	return full, true
}
