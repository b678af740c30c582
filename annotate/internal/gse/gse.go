// Copyright 2016 The go-ego Project Developers (github.com/go-ego/gse).
// Copyright 2026 The Biaozhu authors: the changes listed in the package
// comment.
//
// Licensed under the Apache License, Version 2.0 (LICENSE beside this file).

// Package gse is a small fork of github.com/go-ego/gse v0.80.3: the part
// Biaozhu uses — its embedded simplified dictionary (zh_s, data/zh_s.txt,
// byte for byte gse's data/dict/zh/s_1.txt), the shortest-path Segment, Find
// and the dictionary lookups — kept to gse's algorithm and results, loaded
// faster and held in less memory.
//
// Why a fork: gse keeps its trie and tokens unexported and loading its
// dictionary (LoadDictEmbed) does work Biaozhu never uses. Upstream
// LoadDictStr splits every dictionary entry into a slice of per-character
// byte slices copied from the text, and its CalcToken segments every one
// of the 352,275 entries again in search mode to store sub-segments for
// CutSearch: 44 % of the load time and about 28 MiB of heap that Segment
// never reads. Here an entry keeps its word as a string sliced from the
// embedded text (lower-cased only when it holds A–Z, as gse's keys are)
// with its number of gse "words" (characters, or runs of letters and
// digits), and no sub-segments are computed. Keys go into the same cedar
// trie (github.com/vcaesar/cedar, unchanged) in the same order with the same
// values, so every lookup, every entry, the total frequency and every
// segmentation are gse's: TestForkMatchesGse checks the whole dictionary
// and the segmentation of several corpora against the upstream module.
//
// Left out: search mode, HMM, the DAG cuts, stop words, user dictionaries
// and files, Japanese and traditional dictionaries, options (the fork is
// gse with its defaults: SkipLog, NotLoadHMM, AlphaNum off, ToLower on).
package gse

import (
	_ "embed"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/vcaesar/cedar"
)

//go:embed data/zh_s.txt
var zhS string

// minTokenFreq is gse's default MinTokenFreq: entries less frequent are not
// loaded.
const minTokenFreq = 2.0

// Text is one gse "word" of a text: a character, or a run of Latin letters
// and digits, lower-cased.
type Text []byte

// Token is a dictionary entry.
type Token struct {
	text     string  // the entry as the trie holds it (A–Z lower-cased)
	pos      string  // part of speech
	freq     float64 // frequency
	distance float32 // log2(total frequency / freq): the shortest path's cost
	words    int32   // the number of Texts text splits into
}

// Text returns the entry as gse holds it (A–Z lower-cased).
func (t *Token) Text() string { return t.text }

// Freq returns the entry's frequency.
func (t *Token) Freq() float64 { return t.freq }

// Pos returns the entry's part of speech.
func (t *Token) Pos() string { return t.pos }

// Segment is one word of a segmented text, with its byte offsets.
type Segment struct {
	start, end int
	token      *Token
}

// Start returns the segment's first byte in the text.
func (s *Segment) Start() int { return s.start }

// End returns the byte after the segment.
func (s *Segment) End() int { return s.end }

// Token returns the segment's dictionary entry, or a made-up one (frequency
// 1, POS "x") for a character the dictionary lacks.
func (s *Segment) Token() *Token { return s.token }

// Dictionary is the loaded dictionary: a cedar trie from each entry's key to
// its index in Tokens.
type Dictionary struct {
	trie        *cedar.Cedar
	maxTokenLen int
	// Tokens are the entries in the order they were loaded.
	Tokens    []Token
	totalFreq float64
}

// MaxTokenLen returns the number of Texts of the longest entry.
func (d *Dictionary) MaxTokenLen() int { return d.maxTokenLen }

// NumTokens returns the number of entries.
func (d *Dictionary) NumTokens() int { return len(d.Tokens) }

// TotalFreq returns the sum of the entries' frequencies.
func (d *Dictionary) TotalFreq() float64 { return d.totalFreq }

// LookupTokens puts into tokens every entry that is a prefix of words, from
// the shortest, and returns how many it put. tokens must hold
// MaxTokenLen entries.
func (d *Dictionary) LookupTokens(words []Text, tokens []*Token) (numOfTokens int) {
	var (
		id, value int
		err       error
	)
	for _, word := range words {
		id, err = d.trie.Jump(word, id)
		if err != nil {
			break
		}
		value, err = d.trie.Value(id)
		if err == nil {
			tokens[numOfTokens] = &d.Tokens[value]
			numOfTokens++
		}
	}
	return
}

// Find returns word's frequency and part of speech, and whether the trie
// holds it (as gse: a prefix of an entry that is not one is found with
// frequency 0).
func (d *Dictionary) Find(word []byte) (float64, string, bool) {
	id, err := d.trie.Jump(word, 0)
	if err != nil {
		return 0, "", false
	}
	value, err := d.trie.Value(id)
	if err != nil && id != 0 {
		return 0, "", true
	}
	if err != nil {
		return 0, "", false
	}
	t := &d.Tokens[value]
	return t.freq, t.pos, true
}

// Segmenter segments text with a dictionary by the shortest path, as gse's
// Segment does.
type Segmenter struct {
	Dict *Dictionary
}

// LoadDictEmbed loads the embedded dictionary name; only "zh_s" is
// embedded.
func (seg *Segmenter) LoadDictEmbed(name string) error {
	if name != "zh_s" {
		return fmt.Errorf("gse: no embedded dictionary %q", name)
	}
	return seg.loadDictStr(zhS)
}

// loadDictStr loads dictionary text as gse's LoadDictStr does (a line is
// "word frequency pos", split on single spaces; entries without a
// frequency or less frequent than minTokenFreq are skipped; one-character
// entries get frequency 2; the first of two entries with one key wins),
// then computes the distances as gse's CalcToken does.
func (seg *Segmenter) loadDictStr(dict string) error {
	d := seg.Dict
	if d == nil {
		d = &Dictionary{trie: cedar.New()}
		seg.Dict = d
	}
	if n := strings.Count(dict, "\n") + 1; cap(d.Tokens)-len(d.Tokens) < n {
		d.Tokens = append(make([]Token, 0, len(d.Tokens)+n), d.Tokens...)
	}
	var key []byte
	for rest := dict; rest != ""; {
		var line string
		line, rest, _ = strings.Cut(rest, "\n")
		f0, r, ok := strings.Cut(line, " ")
		if !ok {
			continue // one field: no frequency
		}
		f1, r, more := strings.Cut(r, " ")
		text := strings.TrimSpace(f0)
		freq, err := strconv.ParseFloat(strings.TrimSpace(f1), 64)
		if err != nil || freq < minTokenFreq {
			continue
		}
		if utf8.RuneCountInString(text) < 2 {
			freq = 2
		}
		pos := ""
		if more {
			f2, _, _ := strings.Cut(r, " ")
			pos = strings.TrimSpace(strings.Trim(f2, "\n"))
		}
		words, lower := countWords(text)
		key = append(key[:0], text...)
		if lower {
			for i, b := range key {
				if 'A' <= b && b <= 'Z' {
					key[i] = b - 'A' + 'a'
				}
			}
			text = string(key)
		}
		if err := d.add(key, Token{text: text, pos: pos, freq: freq, words: int32(words)}); err != nil {
			return fmt.Errorf("gse: load dictionary: %q: %w", text, err)
		}
	}
	logTotalFreq := float32(math.Log2(d.totalFreq))
	for i := range d.Tokens {
		t := &d.Tokens[i]
		t.distance = logTotalFreq - float32(math.Log2(t.freq))
	}
	return nil
}

// add adds a token under key unless the trie holds key already, as gse's
// AddToken does.
func (d *Dictionary) add(key []byte, t Token) error {
	if val, err := d.trie.Get(key); err == nil || val > 0 {
		return nil
	}
	if err := d.trie.Insert(key, len(d.Tokens)); err != nil {
		return err
	}
	d.Tokens = append(d.Tokens, t)
	d.totalFreq += t.freq
	if int(t.words) > d.maxTokenLen {
		d.maxTokenLen = int(t.words)
	}
	return nil
}

// isAlnum reports whether gse puts the character r, of size bytes, into a
// run of letters and digits.
func isAlnum(r rune, size int) bool {
	return size <= 2 && (unicode.IsLetter(r) || unicode.IsNumber(r))
}

// countWords returns the number of Texts splitTextToWords makes of text,
// and whether any run of letters and digits holds A–Z (which gse lower-cases).
func countWords(text string) (n int, upper bool) {
	inAlnum := true
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if isAlnum(r, size) {
			inAlnum = true
			if r >= 'A' && r <= 'Z' {
				upper = true
			}
		} else {
			if inAlnum && i != 0 {
				n++
			}
			inAlnum = false
			n++
		}
		i += size
	}
	if inAlnum && text != "" {
		n++
	}
	return n, upper
}

// splitTextToWords splits text as gse's SplitTextToWords does with its
// defaults: each character is a Text, except runs of letters and digits
// (of one or two bytes in UTF-8), which are one Text each, lower-cased.
func splitTextToWords(text []byte) []Text {
	output := make([]Text, 0, len(text)/3)
	current, alnumStart := 0, 0
	inAlnum := true
	for current < len(text) {
		r, size := utf8.DecodeRune(text[current:])
		if isAlnum(r, size) {
			if !inAlnum {
				alnumStart = current
				inAlnum = true
			}
		} else {
			if inAlnum {
				inAlnum = false
				if current != 0 {
					output = append(output, toLower(text[alnumStart:current]))
				}
			}
			output = append(output, text[current:current+size])
		}
		current += size
	}
	if inAlnum && current != 0 {
		output = append(output, toLower(text[alnumStart:current]))
	}
	return output
}

// toLower returns a copy of text with A–Z lower-cased.
func toLower(text []byte) []byte {
	output := make([]byte, len(text))
	for i, t := range text {
		if t >= 'A' && t <= 'Z' {
			output[i] = t - 'A' + 'a'
		} else {
			output[i] = t
		}
	}
	return output
}

// Find returns str's frequency and part of speech, and whether the
// dictionary holds it (see Dictionary.Find).
func (seg *Segmenter) Find(str string) (float64, string, bool) {
	return seg.Dict.Find([]byte(str))
}

// Segment segments text by the shortest path through the dictionary's
// entries, as gse's Segment does (not in search mode). The segments tile
// text in order.
func (seg *Segmenter) Segment(text []byte) []Segment {
	if len(text) == 0 || seg.Dict == nil {
		return nil
	}
	return seg.segmentWords(splitTextToWords(text))
}

type jumper struct {
	minDistance float32
	token       *Token
}

// segmentWords is gse's segmentWords with searchMode false.
func (seg *Segmenter) segmentWords(text []Text) []Segment {
	jumpers := make([]jumper, len(text))
	maxLen := seg.Dict.maxTokenLen
	tokens := make([]*Token, maxLen)
	var made []Token // the made-up tokens of characters the dictionary lacks
	for current := 0; current < len(text); current++ {
		var baseDistance float32
		if current > 0 {
			baseDistance = jumpers[current-1].minDistance
		}
		numTokens := seg.Dict.LookupTokens(text[current:min(current+maxLen, len(text))], tokens)
		for i := 0; i < numTokens; i++ {
			updateJumper(&jumpers[current+int(tokens[i].words)-1], baseDistance, tokens[i])
		}
		if numTokens == 0 || tokens[0].words > 1 {
			if made == nil {
				made = make([]Token, 0, len(text)-current)
			}
			made = append(made, Token{text: string(text[current]), words: 1, freq: 1, distance: 32, pos: "x"})
			updateJumper(&jumpers[current], baseDistance, &made[len(made)-1])
		}
	}
	numSeg := 0
	for index := len(text) - 1; index >= 0; index -= int(jumpers[index].token.words) {
		numSeg++
	}
	out := make([]Segment, numSeg)
	for index := len(text) - 1; index >= 0; index -= int(jumpers[index].token.words) {
		numSeg--
		out[numSeg].token = jumpers[index].token
	}
	b := 0
	for i := range out {
		out[i].start = b
		b += len(out[i].token.text)
		out[i].end = b
	}
	return out
}

func updateJumper(j *jumper, baseDistance float32, token *Token) {
	d := baseDistance + token.distance
	if j.minDistance == 0 || j.minDistance > d {
		j.minDistance = d
		j.token = token
	}
}
