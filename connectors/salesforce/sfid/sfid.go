// Package sfid is Salesforce record ids: the case-sensitive 15-character
// form, the case-safe 18-character form the APIs return, and the checksum
// that turns one into the other.
package sfid

import "strings"

// Chars are the characters of an id (base 62).
const Chars = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// New builds an 18-character id: the object's key prefix (3 characters), a
// pod (2), seq as ten base-62 digits, and the checksum.
func New(prefix, pod string, seq uint64) string {
	var digits [10]byte
	for i := len(digits) - 1; i >= 0; i-- {
		digits[i] = Chars[seq%62]
		seq /= 62
	}
	return To18(prefix + pod + string(digits[:]))
}

// To18 appends the case-safe checksum to a 15-character id.
func To18(id15 string) string { return id15 + checksum(id15) }

// checksum is the three-character suffix of the 18-character form of a
// 15-character id: each character encodes which of five characters of the
// id are upper case.
func checksum(id15 string) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
	var suffix [3]byte
	for chunk := range 3 {
		v := 0
		for i := 0; i < 5 && chunk*5+i < len(id15); i++ {
			if c := id15[chunk*5+i]; c >= 'A' && c <= 'Z' {
				v |= 1 << i
			}
		}
		suffix[chunk] = alphabet[v]
	}
	return string(suffix[:])
}

// Normalize returns the 18-character form of a 15- or 18-character id, or
// false when s is not shaped like one or an 18-character id's checksum is
// wrong (Salesforce compares the checksum ignoring case).
func Normalize(s string) (string, bool) {
	if len(s) != 15 && len(s) != 18 {
		return "", false
	}
	for i := range len(s) {
		if !strings.ContainsRune(Chars, rune(s[i])) {
			return "", false
		}
	}
	full := To18(s[:15])
	if len(s) == 18 && !strings.EqualFold(full, s) {
		return "", false
	}
	return full, true
}

// Key is the 15-character form of an id, so that the 15- and 18-character
// forms of one id are the same key. Other strings are returned as they are.
func Key(id string) string {
	if len(id) == 18 {
		return id[:15]
	}
	return id
}
