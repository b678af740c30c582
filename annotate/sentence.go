package annotate

import (
	"strings"
	"unicode"
)

// isSentenceEnd reports whether r ends a Chinese sentence: 。！？；… and
// the half-width ! and ;. The half-width ? is left out: scraped text uses it
// for lost characters far more often than as a question mark.
func isSentenceEnd(r rune) bool { return strings.ContainsRune("。！？；…!;", r) }

// isSentenceCloser reports whether r closes a quotation or bracket and so
// stays with the sentence before it. Straight quotes are left out: after
// 。 a " as often opens the next sentence.
func isSentenceCloser(r rune) bool { return strings.ContainsRune("」』”’）)】》〉", r) }

// Sentences splits text at 。！？；… and half-width ! and ; (and their
// runs, such as ……) and at line breaks, keeping closing quotes and brackets (」』”）) with their
// sentence. Leading and trailing whitespace is left out of each sentence;
// empty sentences are skipped. Offsets are code points into text.
func Sentences(text string) []Sentence {
	out, _ := sentences(nil, text)
	return out
}

// sentences is Sentences, giving up (false) once done is closed, looked at
// every 65,536 characters.
func sentences(done <-chan struct{}, text string) ([]Sentence, bool) {
	var out []Sentence
	rs := []rune(text)
	add := func(s, e int) {
		for s < e && unicode.IsSpace(rs[s]) {
			s++
		}
		for e > s && unicode.IsSpace(rs[e-1]) {
			e--
		}
		if s < e {
			out = append(out, Sentence{Start: s, End: e})
		}
	}
	start := 0
	for i := 0; i < len(rs); i++ {
		if i&0xffff == 0 && isDone(done) {
			return nil, false
		}
		switch {
		case rs[i] == '\n':
			add(start, i)
			start = i + 1
		case isSentenceEnd(rs[i]):
			j := i + 1
			for j < len(rs) && isSentenceEnd(rs[j]) {
				j++
			}
			for j < len(rs) && isSentenceCloser(rs[j]) {
				j++
			}
			add(start, j)
			start = j
			i = j - 1
		}
	}
	add(start, len(rs))
	return out, true
}
