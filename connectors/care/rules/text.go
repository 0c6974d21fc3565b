package rules

import (
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
	for text != "" {
		if n := urlPrefix(text); n > 0 {
			total += xURLWeight
			text = text[n:]
			continue
		}
		r, size := utf8.DecodeRuneInString(text)
		if isEmojiBase(r) {
			size = emojiSequence(text)
			total += 2
			text = text[size:]
			continue
		}
		total += xRuneWeight(r)
		text = text[size:]
	}
	return total
}

// urlPrefix returns the length of a URL at the start of s (0 if none). It
// recognises explicit http(s) URLs and www. hosts, which covers what agents
// paste; X's full TLD-based detection of bare domains is not reproduced.
func urlPrefix(s string) int {
	lower := strings.ToLower(s[:min(len(s), 12)])
	var scheme int
	switch {
	case strings.HasPrefix(lower, "https://"):
		scheme = len("https://")
	case strings.HasPrefix(lower, "http://"):
		scheme = len("http://")
	case strings.HasPrefix(lower, "www."):
		scheme = 0
	default:
		return 0
	}
	end := scheme
	for end < len(s) {
		r, size := utf8.DecodeRuneInString(s[end:])
		if unicode.IsSpace(r) {
			break
		}
		end += size
	}
	// Trailing punctuation ends a sentence, not the URL.
	for end > scheme && strings.ContainsRune(".,;:!?)'\"", rune(s[end-1])) {
		end--
	}
	host := s[scheme:end]
	if scheme == 0 {
		if len(host) <= len("www.") {
			return 0
		}
		host = host[len("www."):]
	}
	if !strings.Contains(host, ".") || strings.HasPrefix(host, ".") {
		return 0
	}
	return end
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
