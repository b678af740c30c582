package app

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/biaozhu/biaozhu/annotate"
)

// tvLayoutState is what a layout shows: lines, fragments, positions,
// lanes and the per-line indexes.
type tvLayoutState struct {
	Lines                []tvLine
	Frags                []tvFrag
	CharX, CharW         []float32
	Lanes                []int
	SpanOff, Spans       []int32
	MarkOff, Marks       []int32
	Height               float32
	PosRow               bool
	SpanTag, Widen, Adv  []float32
	Flags                []uint8
	TokHint              map[int]string
	NToks, NSpans, Runes int
	SnapToks             []tvTokSnap
	LineArcs             [][]tvArc // nil for a line without arcs
	RelEnds              []tvRelEnds
}

func tvLayoutOf(v *textView) tvLayoutState {
	l := &v.lay
	return tvLayoutState{
		Lines: slices.Clone(l.lines), Frags: slices.Clone(l.frags),
		CharX: slices.Clone(l.charX), CharW: slices.Clone(l.charW),
		Lanes: slices.Clone(l.lanes[:len(v.doc.Spans)]), SpanOff: slices.Clone(l.lineSpanOff[:len(l.lines)+1]), Spans: slices.Clone(l.lineSpans[:l.lineSpanOff[len(l.lines)]]),
		MarkOff: slices.Clone(l.lineMarkOff[:len(l.lines)+1]), Marks: slices.Clone(l.lineMarks[:l.lineMarkOff[len(l.lines)]]),
		Height: l.height, PosRow: l.posRow,
		SpanTag: slices.Clone(l.spanTag), Widen: slices.Clone(l.widen), Adv: slices.Clone(l.adv), Flags: slices.Clone(l.flags),
		TokHint: maps.Clone(l.tokHint), NToks: l.ntoks, NSpans: l.nspans, Runes: len(v.runes), SnapToks: slices.Clone(l.snapToks),
		LineArcs: tvArcsOf(l), RelEnds: tvNilIfEmpty(slices.Clone(l.relEnds)),
	}
}

func tvNilIfEmpty[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s
}

// tvArcsOf is a copy of the arcs of each line, nil for a line without.
func tvArcsOf(l *tvLayout) [][]tvArc {
	out := make([][]tvArc, len(l.lineArcs))
	for i, a := range l.lineArcs {
		if len(a) > 0 {
			out[i] = slices.Clone(a)
		}
	}
	return out
}

// tvDiff names the first field where a and b differ.
func tvDiff(a, b tvLayoutState) string {
	va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
	for i := range va.NumField() {
		fa, fb := va.Field(i), vb.Field(i)
		if reflect.DeepEqual(fa.Interface(), fb.Interface()) {
			continue
		}
		name := va.Type().Field(i).Name
		if fa.Kind() == reflect.Slice && fb.Kind() == reflect.Slice {
			for k := range min(fa.Len(), fb.Len()) {
				if !reflect.DeepEqual(fa.Index(k).Interface(), fb.Index(k).Interface()) {
					return fmt.Sprintf("%s[%d]: incremental %+v, full %+v (lengths %d, %d)", name, k, fa.Index(k).Interface(), fb.Index(k).Interface(), fa.Len(), fb.Len())
				}
			}
			return fmt.Sprintf("%s: lengths %d, %d", name, fa.Len(), fb.Len())
		}
		return fmt.Sprintf("%s: incremental %+v, full %+v", name, fa.Interface(), fb.Interface())
	}
	return ""
}

// tvEdit makes a random edit of d as the workspace's do: a span added,
// removed or relabelled, a token split or two merged, a POS changed.
func tvEdit(rng *rand.Rand, d *annotate.Document, nextID *int64) string {
	labels := []string{"LOC", "PER", "X", "ORGANIZATION", "地名", "T"}
	layers := []string{"entity", "topic", "event"}
	poses := []string{"n", "v", "x", "nr", "ns", "vn", "eng", "a-very-long-tag"}
	switch k := rng.IntN(7); {
	case k <= 1 || len(d.Spans) == 0: // label a few tokens
		a := rng.IntN(len(d.Tokens))
		b := min(a+rng.IntN(3), len(d.Tokens)-1)
		*nextID++
		s := annotate.Span{ID: *nextID, Layer: layers[rng.IntN(len(layers))], Label: labels[rng.IntN(len(labels))],
			Start: d.Tokens[a].Start, End: d.Tokens[b].End, Origin: annotate.OriginManual}
		d.Spans = append(d.Spans, s)
		return fmt.Sprintf("label %+v", s)
	case k == 2: // remove a span
		i := rng.IntN(len(d.Spans))
		s := d.Spans[i]
		d.Spans = slices.Delete(d.Spans, i, i+1)
		return fmt.Sprintf("remove %+v", s)
	case k == 3: // relabel a span
		i := rng.IntN(len(d.Spans))
		d.Spans[i].Label = labels[rng.IntN(len(labels))]
		return fmt.Sprintf("relabel %+v", d.Spans[i])
	case k == 4: // split a token
		for range 20 {
			i := rng.IntN(len(d.Tokens))
			t := d.Tokens[i]
			if t.End-t.Start < 2 {
				continue
			}
			at := t.Start + 1 + rng.IntN(t.End-t.Start-1)
			rs := []rune(t.Text)
			a, b := t, t
			a.End, a.Text = at, string(rs[:at-t.Start])
			b.Start, b.Text = at, string(rs[at-t.Start:])
			d.Tokens = slices.Replace(d.Tokens, i, i+1, a, b)
			return fmt.Sprintf("split token %d at %d", i, at)
		}
		return "no split"
	case k == 5: // merge two adjacent tokens
		for range 20 {
			i := rng.IntN(len(d.Tokens) - 1)
			a, b := d.Tokens[i], d.Tokens[i+1]
			if a.End != b.Start {
				continue
			}
			a.End, a.Text = b.End, a.Text+b.Text
			d.Tokens = slices.Replace(d.Tokens, i, i+2, a)
			return fmt.Sprintf("merge tokens %d and %d", i, i+1)
		}
		return "no merge"
	default: // a POS
		i := rng.IntN(len(d.Tokens))
		d.Tokens[i].POS = poses[rng.IntN(len(poses))]
		return fmt.Sprintf("POS of token %d", i)
	}
}

// TestTextViewUpdateMatchesRelayout: after each of many random edits
// (labels, removals, relabels on three layers, splits, merges, POS
// changes), the view laid out again incrementally (DocumentChanged) is
// exactly the view laid out from scratch: lines, fragments, positions,
// lanes and indexes; on prose with paragraphs, on one long paragraph of
// Han text, on dialogue and a list, with and without POS and boundaries,
// at several widths.
func TestTextViewUpdateMatchesRelayout(t *testing.T) {
	long := strings.Repeat("城市建设/n|发展/v|规划纲要/n|，/x|", 60)
	docs := map[string]func() *annotate.Document{
		"news":          func() *annotate.Document { return tvBig(3000) },
		"one paragraph": func() *annotate.Document { return tvDoc(strings.TrimSuffix(long, "|")) },
		"dialogue, list": func() *annotate.Document {
			return tvDoc(strings.Repeat(tvDialogue+"|_\n|", 6) + "|1/m|._ |苹果/n|_\n|2/m|._ |梨/n")
		},
	}
	for name, mk := range docs {
		for _, opt := range []struct {
			width         float32
			pos, boundary bool
		}{{300, true, true}, {520, false, true}, {180, true, false}} {
			t.Run(fmt.Sprintf("%s/%g/pos=%v/boundaries=%v", name, opt.width, opt.pos, opt.boundary), func(t *testing.T) {
				d := mk()
				for i := range d.Tokens {
					d.Tokens[i].Text = string([]rune(d.Text)[d.Tokens[i].Start:d.Tokens[i].End])
				}
				v, _ := tvSetup(t, d, nil, opt.width, 400)
				v.SetShowPOS(opt.pos)
				v.SetShowBoundaries(opt.boundary)
				rng := rand.New(rand.NewPCG(uint64(len(name)), uint64(opt.width)))
				nextID := int64(1 << 20)
				var done []string
				for step := range 120 {
					done = append(done, tvEdit(rng, d, &nextID))
					v.DocumentChanged()
					got := tvLayoutOf(v)
					v.lay.dirty = true
					v.lay.relayout()
					want := tvLayoutOf(v)
					if diff := tvDiff(got, want); diff != "" {
						t.Fatalf("step %d, after %s:\n%s\n(edits: %s)", step, done[len(done)-1], diff, strings.Join(done, "; "))
					}
				}
			})
		}
	}
}

// TestTextViewUpdateIsLocal: a label on a document of one long paragraph
// (as the benchmark's: no line break in 30,000 characters) lays out again
// only a few lines around it, not the document; so do its removal, a
// token split and a POS change; a change of zoom lays out everything.
// (A change that pushes a word to the next line goes on down the
// paragraph until a line absorbs it: varied words, as in real text, stop
// it within a few lines.)
func TestTextViewUpdateIsLocal(t *testing.T) {
	vocab := []string{"中华人民共和国/ns", "的/uj", "在/p", "发展/v", "城市建设/n", "，/x", "。/x", "Python/eng", "2021/m", "年/q",
		"《/x", "规划纲要/n", "》/x", "我们/r", "要/v", "努力/ad", "焦作市/ns", "今天/t", "发布/v", "了/ul", "国际化/n"}
	rng := rand.New(rand.NewPCG(3, 4))
	var words []string
	for chars := 0; chars < 30000; {
		w := vocab[rng.IntN(len(vocab))]
		words = append(words, w)
		word, _, _ := strings.Cut(w, "/")
		chars += len([]rune(word))
	}
	d := tvDoc(strings.Join(words, "|"))
	v, _ := tvSetup(t, d, nil, 600, 400)
	n := len(v.runes)
	perLine := n / len(v.lay.lines)
	mid := len(d.Tokens) / 2
	for _, tc := range []struct {
		name string
		edit func()
	}{
		{"label", func() {
			d.Spans = append(d.Spans, annotate.Span{ID: 1, Layer: "entity", Label: "ORGANIZATION", Start: d.Tokens[mid].Start, End: d.Tokens[mid+1].End})
		}},
		{"remove the label", func() { d.Spans = d.Spans[:0] }},
		{"split a token", func() {
			for i := mid; ; i++ {
				if t := d.Tokens[i]; t.End-t.Start > 1 {
					a, b := t, t
					a.End, b.Start = t.Start+1, t.Start+1
					d.Tokens = slices.Replace(d.Tokens, i, i+1, a, b)
					return
				}
			}
		}},
		{"POS", func() { d.Tokens[100].POS = "a-very-long-tag" }},
	} {
		tc.edit()
		v.DocumentChanged()
		t.Logf("%s: %d of %d code points laid out again (%d a line)", tc.name, v.lay.rebroken, n, perLine)
		if got := v.lay.rebroken; got == 0 || got > 20*perLine {
			t.Errorf("%s: %d of %d code points laid out again, want some and at most 20 lines' worth (%d)", tc.name, got, n, 20*perLine)
		}
	}
	v.SetZoom(1.5)
	if got := v.lay.rebroken; got != n {
		t.Errorf("zoom: %d of %d code points laid out again, want all", got, n)
	}
}
