package rules

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// TextLength measures text the way unit counts it.
func TextLength(text string, unit Unit) int {
	switch unit {
	case Bytes:
		return len(text)
	case XWeighted:
		return xWeightedLength(text)
	}
	return utf8.RuneCountInString(norm.NFC.String(text))
}

// X's counting rules (X3, twitter-text v3 configuration): the text is
// NFC-normalised; code points in the light ranges weigh 1, every other code
// point 2; an emoji sequence (with joiners, variation selectors, skin tones)
// weighs 2 as a whole; each URL weighs 23 whatever its length.
const xURLWeight = 23

func xRuneWeight(r rune) int {
	switch {
	case r >= 0 && r <= 4351, r >= 8192 && r <= 8205, r >= 8208 && r <= 8223, r >= 8242 && r <= 8247:
		return 1
	}
	return 2
}

func xWeightedLength(text string) int {
	text = norm.NFC.String(text)
	total := 0
	prev := ' '
	for text != "" {
		if urlBoundary(prev) {
			if n := urlPrefix(text); n > 0 {
				total += xURLWeight
				prev = rune(text[n-1])
				text = text[n:]
				continue
			}
		}
		r, size := utf8.DecodeRuneInString(text)
		if isEmojiBase(r) {
			size = emojiSequence(text)
			total += 2
		} else {
			total += xRuneWeight(r)
		}
		prev = r
		text = text[size:]
	}
	return total
}

// urlBoundary reports whether a URL may start after prev (not inside a
// word, an e-mail address or another URL).
func urlBoundary(prev rune) bool {
	return !(unicode.IsLetter(prev) || unicode.IsDigit(prev) || strings.ContainsRune("@.-_/:#$", prev))
}

// urlPrefix returns the length of a URL at the start of s (0 if none): an
// http(s) URL, a www. host, or a bare domain under a common top-level domain
// ("example.com/help"). X recognises bare domains under every IANA TLD; the
// common ones cover what agents write, and a missed one only undercounts.
func urlPrefix(s string) int {
	lower := strings.ToLower(s[:min(len(s), 8)])
	scheme := 0
	switch {
	case strings.HasPrefix(lower, "https://"):
		scheme = len("https://")
	case strings.HasPrefix(lower, "http://"):
		scheme = len("http://")
	}
	host := scheme
	for host < len(s) && (isASCIIAlnum(s[host]) || s[host] == '-' || s[host] == '.') {
		host++
	}
	for host > scheme && (s[host-1] == '.' || s[host-1] == '-') {
		host--
	}
	labels := strings.Split(strings.ToLower(s[scheme:host]), ".")
	if len(labels) < 2 || slices.Contains(labels, "") {
		return 0
	}
	if scheme == 0 && labels[0] != "www" && !commonTLD(labels[len(labels)-1]) {
		return 0
	}
	if host < len(s) && (s[host] == '@' || isASCIIAlnum(s[host]) || s[host] == '_') {
		return 0 // part of a longer token, not a domain
	}
	end := host
	if end < len(s) && (s[end] == '/' || s[end] == ':' || s[end] == '?' || s[end] == '#') {
		for end < len(s) {
			r, size := utf8.DecodeRuneInString(s[end:])
			if unicode.IsSpace(r) {
				break
			}
			end += size
		}
		// Trailing punctuation ends a sentence, not the URL.
		for end > host && strings.ContainsRune(".,;:!?)'\"", rune(s[end-1])) {
			end--
		}
	}
	return end
}

func isASCIIAlnum(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
}

func commonTLD(tld string) bool {
	switch tld {
	case "com", "net", "org", "info", "biz", "io", "co", "app", "dev", "me", "tv", "ly", "ai", "shop", "online",
		"eu", "uk", "de", "fr", "es", "it", "nl", "be", "at", "ch", "cz", "sk", "pl", "se", "no", "dk", "fi",
		"ie", "pt", "gr", "hu", "ro", "ru", "ua", "us", "ca", "mx", "br", "ar", "au", "nz", "jp", "cn", "kr",
		"in", "sg", "hk", "tw", "za", "tr", "il":
		return true
	}
	return false
}

func isEmojiBase(r rune) bool {
	switch {
	case r >= 0x1F000 && r <= 0x1FAFF: // pictographs, emoticons, transport, flags, supplemental
		return true
	case r >= 0x2600 && r <= 0x27BF: // misc symbols, dingbats
		return true
	case r >= 0x2B00 && r <= 0x2BFF: // arrows and stars used as emoji
		return true
	}
	return false
}

// emojiSequence returns the byte length of the emoji sequence at the start of
// s: a base followed by any variation selectors, skin tone modifiers, keycap
// marks, tags, a second regional indicator, or zero-width-joined emoji.
func emojiSequence(s string) int {
	r, n := utf8.DecodeRuneInString(s)
	regional := r >= 0x1F1E6 && r <= 0x1F1FF
	for n < len(s) {
		next, size := utf8.DecodeRuneInString(s[n:])
		switch {
		case next == 0xFE0F || next == 0xFE0E || next == 0x20E3,
			next >= 0x1F3FB && next <= 0x1F3FF,
			next >= 0xE0020 && next <= 0xE007F:
			n += size
		case regional && next >= 0x1F1E6 && next <= 0x1F1FF:
			n += size
			regional = false
		case next == 0x200D:
			after, asize := utf8.DecodeRuneInString(s[n+size:])
			if !isEmojiBase(after) {
				return n
			}
			n += size + asize
		default:
			return n
		}
	}
	return n
}
