package export

import (
	"cmp"
	"io"
	"strconv"
	"unicode"

	"github.com/biaozhu/biaozhu/annotate"
	"github.com/biaozhu/biaozhu/annotate/text"
)

// The Hugging Face token classification format (what
// datasets.load_dataset("json") reads, shaped like conll2003), one record
// per line:
//
//	{"id":"1","tokens":["焦作市","很","好"],"pos_tags":["ns","d","a"],"ner_tags":["B-LOC","O","O"]}
//
// Word level (the default): tokens are the record's words, pos_tags their
// POS. Character level (Options.Level char, as Chinese NER corpora
// usually are): tokens are the characters that are not white space, and
// pos_tags is left out. Tags are BIO or BIOES (Options.Scheme), given by
// Job.Tags with its rules for overlapping spans and span edges inside
// tokens (each dropped span warned). The first layer written gives
// ner_tags; every other layer L gives "L_tags" (in schema order; a name
// that would clash with id, tokens, pos_tags or ner_tags becomes
// "span_L_tags"). "id" is the record's key ("12" or "12-3").
//
// The format has no offsets: each span is proven by reading the tags back
// (SpansFromTags) and checking the text between the first unit's start and
// the last unit's end against the span.

func init() {
	Register(&Format{Name: "hf", Ext: ".jsonl", Write: writeHF,
		Description: `Hugging Face token classification JSONL: {"id","tokens","pos_tags","ner_tags"}, word or character level, BIO or BIOES`})
}

func writeHF(j *Job, w io.Writer) error {
	out := newJSONLines(w)
	level := cmp.Or(j.Opts.Level, LevelWord)
	scheme := cmp.Or(j.Opts.Scheme, SchemeBIO)
	layers := j.Layers()
	keys := hfKeys(layers)
	var b []byte
	err := j.Each(func(d *Doc) error {
		// A document without tokens is tagged by character at word level
		// too (its pos_tags empty strings, so every line has the same keys).
		lv := j.TagLevel(d)
		for _, rec := range j.Records(d) {
			b = append(b[:0], `{"id":`...)
			b = appendJSONString(b, rec.Key())
			var units []text.Token
			tagLists := make([][]string, len(layers))
			for i, layer := range layers {
				var tags []string
				units, tags = j.Tags(rec, lv, layer, scheme)
				if err := proveTags(j, rec, units, tags, layer); err != nil {
					return err
				}
				tagLists[i] = tags
			}
			if len(layers) == 0 {
				units = Units(rec, lv)
			}
			b = append(b, `,"tokens":`...)
			b = appendJSONStrings(b, len(units), func(i int) string { return d.Text(units[i].Start, units[i].End) })
			if level != LevelChar {
				b = append(b, `,"pos_tags":`...)
				b = appendJSONStrings(b, len(units), func(i int) string { return units[i].POS })
			}
			for i, tags := range tagLists {
				b = append(b, ',')
				b = appendJSONString(b, keys[i])
				b = append(b, ':')
				b = appendJSONStrings(b, len(tags), func(k int) string { return tags[k] })
			}
			b = append(b, "}\n"...)
			if _, err := out.bw.Write(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return out.flush()
}

// hfKeys names the tag list of each layer: ner_tags for the first, L_tags
// for the others.
func hfKeys(layers []string) []string {
	keys := make([]string, len(layers))
	used := map[string]bool{"id": true, "tokens": true, "pos_tags": true, "ner_tags": true}
	for i, l := range layers {
		if i == 0 {
			keys[i] = "ner_tags"
			continue
		}
		k := l + "_tags"
		if used[k] {
			k = "span_" + l + "_tags"
		}
		used[k] = true
		keys[i] = k
	}
	return keys
}

func appendJSONStrings(b []byte, n int, at func(i int) string) []byte {
	b = append(b, '[')
	for i := range n {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, at(i))
	}
	return append(b, ']')
}

// proveTags reads the spans back from tags over units and checks each
// against the span of layer it stands for. At character level white space
// is not a unit, so a span that starts or ends with white space comes back
// without it: it is matched trimmed, with a warning.
func proveTags(j *Job, rec Record, units []text.Token, tags []string, layer string) error {
	d := rec.Doc
	decoded, _ := SpansFromTags(tags)
	if len(decoded) == 0 {
		return nil
	}
	type key struct {
		start, end int
		label      string
	}
	exact := map[key]annotate.Span{}
	var trimmed map[key]annotate.Span // built on the first miss
	for _, sp := range rec.Spans {
		k := key{sp.Start, sp.End, sp.Label}
		if _, dup := exact[k]; sp.Layer == layer && !dup {
			exact[k] = sp
		}
	}
	for _, ts := range decoded {
		s, e := units[ts.First].Start, units[ts.Last-1].End
		got := d.Text(s, e)
		k := key{s, e, ts.Label}
		sp, ok := exact[k]
		if !ok {
			if trimmed == nil {
				trimmed = map[key]annotate.Span{}
				for _, sp := range rec.Spans {
					ts, te := trimSpaceRange(d.Runes, sp.Start, sp.End)
					tk := key{ts, te, sp.Label}
					if _, dup := trimmed[tk]; sp.Layer == layer && !dup {
						trimmed[tk] = sp
					}
				}
			}
			if sp, ok = trimmed[k]; !ok {
				return &SpanError{Format: j.Format, Doc: d.Name, Got: got, Want: "a span " + ts.Label + " [" + strconv.Itoa(s) + "," + strconv.Itoa(e) + ")"}
			}
			j.Warn(d, sp.ID, "%s [%d,%d) starts or ends with white space, which has no tag: written as [%d,%d)", sp.Label, sp.Start, sp.End, s, e)
			sp.Start, sp.End = s, e
		}
		if err := j.Check(d, sp, rec.Start, s-rec.Start, e-rec.Start, UnitCodePoint, false, got); err != nil {
			return err
		}
	}
	return nil
}

// trimSpaceRange narrows [start, end) of runes to leave out white space at
// either end.
func trimSpaceRange(runes []rune, start, end int) (int, int) {
	for start < end && unicode.IsSpace(runes[start]) {
		start++
	}
	for end > start && unicode.IsSpace(runes[end-1]) {
		end--
	}
	return start, end
}
