package corpus

// Folding: OpenCC's t2s mapping, one character to one character, behind
// Query.Fold and Freq's fold.

import (
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/longbridgeapp/opencc"

	"github.com/biaozhu/biaozhu/annotate/text"
)

// The t2s mapping, one character to one character, built on first use.
var foldTable struct {
	once   sync.Once
	bmp    []rune        // bmp[r] for r < 0x10000
	astral map[rune]rune // the others that change
}

func loadFold() {
	t := &foldTable
	t.bmp = make([]rune, 0x10000)
	for r := range t.bmp {
		t.bmp[r] = rune(r)
	}
	t.astral = map[rune]rune{}
	cc, err := opencc.New("t2s")
	if err != nil {
		return // folding then changes nothing; the Segmenter reports this error
	}
	one := func(r rune) rune {
		rs := []rune{r}
		for _, g := range cc.DictChains {
			text.ConvertInPlace(g, rs)
		}
		return rs[0]
	}
	// The CJK blocks (radicals, ideographs and their extensions,
	// compatibility ideographs).
	for _, rg := range [][2]rune{{0x2E80, 0x2FDF}, {0x3400, 0x4DBF}, {0x4E00, 0x9FFF}, {0xF900, 0xFAFF}, {0x20000, 0x323AF}} {
		for r := rg[0]; r <= rg[1]; r++ {
			if f := one(r); f != r {
				if r < 0x10000 {
					t.bmp[r] = f
				} else {
					t.astral[r] = f
				}
			}
		}
	}
	// Make the mapping idempotent: a character mapped to one that maps on
	// goes to the end of the chain.
	get := func(r rune) rune {
		if r < 0x10000 {
			return t.bmp[r]
		}
		if f, ok := t.astral[r]; ok {
			return f
		}
		return r
	}
	final := func(r rune) rune {
		for range 8 {
			f := get(r)
			if f == r {
				break
			}
			r = f
		}
		return r
	}
	for r := range t.bmp {
		t.bmp[r] = final(rune(r))
	}
	for r := range t.astral {
		t.astral[r] = final(r)
	}
}

// foldRune returns r's simplified form under OpenCC t2s (r itself if it
// has none).
func foldRune(r rune) rune {
	foldTable.once.Do(loadFold)
	if r >= 0 && r < 0x10000 {
		return foldTable.bmp[r]
	}
	if f, ok := foldTable.astral[r]; ok {
		return f
	}
	return r
}

// foldString returns s with every character folded (s itself when none
// changes) and whether every byte offset of s is the same in the result.
func foldString(s string) (string, bool) {
	foldTable.once.Do(loadFold)
	bmp := foldTable.bmp
	i := 0
	for i < len(s) {
		if s[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r < 0x10000 {
			if bmp[r] != r {
				break
			}
		} else if _, ok := foldTable.astral[r]; ok {
			break
		}
		i += n
	}
	if i == len(s) {
		return s, true
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	same := true
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		f := foldRune(r)
		switch {
		case f == r || r == utf8.RuneError:
			b.WriteString(s[i : i+n]) // as written, invalid bytes included
		default:
			if utf8.RuneLen(f) != n {
				same = false
			}
			b.WriteRune(f)
		}
		i += n
	}
	return b.String(), same
}
