package corpus

import (
	"cmp"
	"slices"
	"strings"

	"github.com/biaozhu/biaozhu/annotate"
)

// FreqBy is what a frequency list counts.
type FreqBy string

// The frequency lists of Index.Freq.
const (
	FreqWord      FreqBy = "word"       // tokens by their text
	FreqPOS       FreqBy = "pos"        // tokens by their POS tag
	FreqLabel     FreqBy = "label"      // spans by "layer/label"
	FreqLabelWord FreqBy = "label-word" // spans by "layer/label" and their text
)

// FreqBys lists every FreqBy.
var FreqBys = []FreqBy{FreqWord, FreqPOS, FreqLabel, FreqLabelWord}

// Valid reports whether b is one of FreqBys.
func (b FreqBy) Valid() bool { return slices.Contains(FreqBys, b) }

// FreqRow is one row of a frequency list: its key (a word, a POS tag or
// "layer/label"), Key2 (the span's text, for label-word), how often it
// occurs, in how many documents, and its share of all the list counts.
type FreqRow struct {
	Key, Key2 string
	Count     int
	Docs      int
	Share     float64
}

// Freq returns the frequency list by by, over document doc (0: the
// corpus), sorted by Count (highest first), then Key, then Key2. With fold,
// words and span texts are counted by their simplified form (OpenCC t2s,
// character by character), which is the row's key. Suggested spans are
// not counted. An unknown by gives no rows.
func (ix *Index) Freq(by FreqBy, doc int64, fold bool) []FreqRow {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	docs := ix.docs
	if doc != 0 {
		i, ok := ix.find(doc)
		if !ok {
			return nil
		}
		docs = ix.docs[i : i+1]
	}
	var rows []FreqRow
	switch by {
	case FreqWord, FreqPOS:
		n := len(ix.voc.strs)
		names := ix.voc.strs
		if by == FreqPOS {
			n, names = len(ix.pos.strs), ix.pos.strs
		}
		count := make([]int, n)
		ndocs := make([]int, n)
		last := make([]int32, n) // the last document counted, plus one
		for di, x := range docs {
			col := x.tokWord
			if by == FreqPOS {
				col = x.tokPOS
			}
			for _, id := range col {
				if by == FreqWord && fold {
					id = ix.voc.fold[id]
				}
				count[id]++
				if last[id] != int32(di)+1 {
					last[id] = int32(di) + 1
					ndocs[id]++
				}
			}
		}
		var ids []int32
		total := 0
		for id, c := range count {
			if c > 0 {
				ids = append(ids, int32(id))
				total += c
			}
		}
		if by == FreqWord {
			rank := ix.ranks(ix.voc.strs)
			slices.SortFunc(ids, func(a, b int32) int { return cmp.Or(cmp.Compare(count[b], count[a]), cmp.Compare(rank[a], rank[b])) })
		} else {
			slices.SortFunc(ids, func(a, b int32) int {
				return cmp.Or(cmp.Compare(count[b], count[a]), strings.Compare(names[a], names[b]))
			})
		}
		rows = make([]FreqRow, len(ids))
		for i, id := range ids {
			rows[i] = FreqRow{Key: names[id], Count: count[id], Docs: ndocs[id], Share: float64(count[id]) / float64(total)}
		}
		return rows
	case FreqLabel, FreqLabelWord:
		type key struct {
			label int32
			text  string
		}
		row := map[key]int{}
		var last []int32
		for di, x := range docs {
			for _, sp := range x.spans {
				if sp.suggested {
					continue
				}
				k := key{label: sp.key}
				if by == FreqLabelWord {
					k.text = display(x.spanText(sp, fold))
				}
				i, ok := row[k]
				if !ok {
					i = len(rows)
					row[k] = i
					layer, label, _ := strings.Cut(ix.keys.strs[k.label], "\x00")
					rows = append(rows, FreqRow{Key: layer + "/" + label, Key2: k.text})
					last = append(last, 0)
				}
				rows[i].Count++
				if last[i] != int32(di)+1 {
					last[i] = int32(di) + 1
					rows[i].Docs++
				}
			}
		}
	default:
		return nil
	}
	total := 0
	for _, r := range rows {
		total += r.Count
	}
	for i := range rows {
		rows[i].Share = float64(rows[i].Count) / float64(total)
	}
	slices.SortFunc(rows, func(a, b FreqRow) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), strings.Compare(a.Key, b.Key), strings.Compare(a.Key2, b.Key2))
	})
	return rows
}

// Stats is what the statistics view draws: documents, characters and
// tokens; tokens tagged by the annotator (Edited); spans per label
// ("layer/label"; suggestions counted apart) and documents by status.
type Stats struct {
	Docs, Chars, Tokens, Tagged int
	Spans                       map[string]int          // "layer/label" → spans, suggestions left out
	Suggested                   map[string]int          // "layer/label" → suggested spans
	Status                      map[annotate.Status]int // documents by status
}

// Stats counts the corpus.
func (ix *Index) Stats() Stats {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	s := Stats{Docs: len(ix.docs), Spans: map[string]int{}, Suggested: map[string]int{}, Status: map[annotate.Status]int{}}
	spans := make([]int, len(ix.keys.strs))
	sugg := make([]int, len(ix.keys.strs))
	for _, x := range ix.docs {
		s.Chars += x.chars
		s.Tokens += len(x.tokStart)
		s.Tagged += x.tagged
		s.Status[x.status]++
		for _, sp := range x.spans {
			if sp.suggested {
				sugg[sp.key]++
			} else {
				spans[sp.key]++
			}
		}
	}
	for id, k := range ix.keys.strs {
		name := strings.Replace(k, "\x00", "/", 1)
		if spans[id] > 0 {
			s.Spans[name] = spans[id]
		}
		if sugg[id] > 0 {
			s.Suggested[name] = sugg[id]
		}
	}
	return s
}
