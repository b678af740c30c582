package text

import (
	"context"
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
// empty sentences are skipped. Offsets are code points into text. It reads
// text once and copies nothing.
func Sentences(text string) []Sentence {
	out, _ := sentences(nil, text)
	return out
}

// SentencesContext is Sentences, stopping with ctx's error once ctx is
// done (looked at every 65,536 characters).
func SentencesContext(ctx context.Context, text string) ([]Sentence, error) {
	out, ok := sentences(ctx.Done(), text)
	if !ok {
		return nil, ctx.Err()
	}
	return out, nil
}

// sentences is Sentences, giving up (false) once done is closed, looked at
// every 65,536 characters.
func sentences(done <-chan struct{}, text string) ([]Sentence, bool) {
	var out []Sentence
	start, end := -1, 0 // the sentence's first non-space code point and the end of its last
	flush := func() {
		if start >= 0 {
			out = append(out, Sentence{Start: start, End: end})
		}
		start = -1
	}
	include := func(i int, r rune) {
		if !unicode.IsSpace(r) {
			if start < 0 {
				start = i
			}
			end = i + 1
		}
	}
	const (
		inText   = iota
		inEnds   // after a sentence end: more ends and closers stay with it
		inCloser // after a closer that followed an end: more closers stay
	)
	state, i := inText, 0
	for _, r := range text {
		if i&0xffff == 0 && isDone(done) {
			return nil, false
		}
		switch {
		case state == inEnds && isSentenceEnd(r), state != inText && isSentenceCloser(r):
			if !isSentenceEnd(r) {
				state = inCloser
			}
			include(i, r)
			i++
			continue
		case state != inText:
			flush()
			state = inText
		}
		switch {
		case r == '\n':
			flush()
		case isSentenceEnd(r):
			include(i, r)
			state = inEnds
		default:
			include(i, r)
		}
		i++
	}
	flush()
	return out, true
}
