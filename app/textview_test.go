package app

import (
	"fmt"
	"image/color"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"github.com/biaozhu/biaozhu/annotate"
	"github.com/biaozhu/biaozhu/annotate/text"
)

// tvLightTheme is the application theme forced to the light variant, for
// stable goldens (the test settings' variant is neither light nor dark).
type tvLightTheme struct{}

func (tvLightTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return newTheme().Color(n, theme.VariantLight)
}
func (tvLightTheme) Font(s fyne.TextStyle) fyne.Resource     { return newTheme().Font(s) }
func (tvLightTheme) Icon(n fyne.ThemeIconName) fyne.Resource { return newTheme().Icon(n) }
func (tvLightTheme) Size(n fyne.ThemeSizeName) float32       { return newTheme().Size(n) }

// tvDoc builds a document from a spec: parts separated by "|", each a
// token "text/POS" or, after "_", text outside tokens (white space, line
// breaks). A sentence ends after a token of "。！？" and at a line break.
func tvDoc(spec string) *annotate.Document {
	d := &annotate.Document{}
	var sb strings.Builder
	off, sentStart := 0, -1
	endSentence := func() {
		if sentStart >= 0 {
			d.Sentences = append(d.Sentences, text.Sentence{Start: sentStart, End: off})
			sentStart = -1
		}
	}
	for _, p := range strings.Split(spec, "|") {
		if gap, ok := strings.CutPrefix(p, "_"); ok {
			sb.WriteString(gap)
			if strings.Contains(gap, "\n") {
				endSentence()
			}
			off += utf8.RuneCountInString(gap)
			continue
		}
		word, pos, _ := strings.Cut(p, "/")
		n := utf8.RuneCountInString(word)
		if sentStart < 0 {
			sentStart = off
		}
		d.Tokens = append(d.Tokens, text.Token{Start: off, End: off + n, Text: word, POS: pos})
		sb.WriteString(word)
		off += n
		if strings.ContainsAny(word, "。！？") {
			endSentence()
		}
	}
	endSentence()
	d.Text = sb.String()
	return d
}

// tvSetup shows doc in a test window of the given size.
func tvSetup(t testing.TB, doc *annotate.Document, schema *annotate.Schema, w, h float32) (*textView, fyne.Window) {
	a := test.NewTempApp(t)
	a.Settings().SetTheme(tvLightTheme{})
	v := newTextView()
	win := test.NewTempWindow(t, v.Scroll())
	win.SetPadded(false)
	win.Resize(fyne.NewSize(w, h))
	if schema == nil {
		schema = annotate.DefaultSchema()
	}
	v.SetDocument(doc, schema)
	return v, win
}

// tvAt is the middle of token i's first fragment.
func tvAt(v *textView, i int) fyne.Position {
	l := &v.lay
	for li, ln := range l.lines {
		for _, f := range l.frags[ln.frag0:ln.frag1] {
			if int(f.tok) == i {
				return fyne.NewPos((f.x0+f.x1)/2, l.lines[li].y+l.m.textH/2)
			}
		}
	}
	panic(fmt.Sprintf("token %d not laid out", i))
}

// tvCharAt is the left edge of code point c (plus dx).
func tvCharAt(v *textView, c int, dx float32) fyne.Position {
	l := &v.lay
	return fyne.NewPos(l.charX[c]+dx, l.lines[l.lineOf(c)].y+l.m.textH/2)
}

// tvLines describes the layout: one string per line, fragments separated
// by "|".
func tvLines(v *textView) []string {
	l := &v.lay
	var out []string
	for _, ln := range l.lines {
		var parts []string
		for _, f := range l.frags[ln.frag0:ln.frag1] {
			parts = append(parts, string(v.runes[f.start:f.end]))
		}
		out = append(out, strings.Join(parts, "|"))
	}
	return out
}

const tvNews = "焦作市/ns|今天/t|发布/v|了/ul|《/x|城市建设发展规划纲要/n|》/x|，/x|Python/eng|_ |2021/m|年/q|版本/n|。/x|" +
	"_\n|市长/n|说/v|：/x|“/x|我们/r|要/v|努力/ad|。/x|”/x|_\n|internationalization/eng|_ |OK/eng|！/x"

func TestTextViewLayout(t *testing.T) {
	tests := []struct {
		name  string
		spec  string
		width float32
		pos   bool
		want  []string // nil: check the invariants only
	}{
		{"han wraps at characters", "城市建设发展规划纲要/n", 8*2 + 22*4.5, false, nil},
		{"latin kept whole", "abcdefghijkl/x|_ |internationalization/eng", 8*2 + 200, false, []string{"abcdefghijkl", "internationalization"}},
		{"line break starts a paragraph", "一/m|_\n|二/m", 400, false, []string{"一", "二"}},
		{"no tokens", "_没有分词的文本，也能显示。", 400, false, []string{"没有分词的文本，也能显示。"}},
	}
	for _, width := range []float32{90, 120, 150, 200, 260, 330, 500} {
		tests = append(tests, struct {
			name  string
			spec  string
			width float32
			pos   bool
			want  []string
		}{fmt.Sprintf("news at %v", width), tvNews, width, width > 200, nil})
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v, _ := tvSetup(t, tvDoc(tc.spec), nil, tc.width, 400)
			v.SetShowPOS(tc.pos)
			got := tvLines(v)
			if tc.want != nil && strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Fatalf("lines = %q, want %q", got, tc.want)
			}
			l := &v.lay
			maxX := tc.width - tvPad
			for li, ln := range l.lines {
				// nothing overflows, unless one piece is wider than a line
				for _, f := range l.frags[ln.frag0:ln.frag1] {
					if f.x1 > maxX+0.5 && f.x0 > tvPad+0.5 {
						t.Errorf("line %d %q: fragment %q ends at %.1f > %.1f", li, got[li], string(v.runes[f.start:f.end]), f.x1, maxX)
					}
				}
				if ln.frag1 == ln.frag0 {
					continue
				}
				first := v.runes[l.frags[ln.frag0].start]
				last := v.runes[l.frags[ln.frag1-1].end-1]
				if li > 0 && !ln.para && strings.ContainsRune(tvClosing, first) {
					t.Errorf("line %d %q starts with closing punctuation", li, got[li])
				}
				if li < len(l.lines)-1 && strings.ContainsRune(tvOpening, last) {
					t.Errorf("line %d %q ends with opening punctuation", li, got[li])
				}
			}
			// Tokens are never split, unless wider than a line (with the
			// punctuation kept with them)
			for ti, tok := range v.doc.Tokens {
				if tvWordWidth(v, tok) > tc.width-2*tvPad {
					continue
				}
				if a, b := l.lineOf(tok.Start), l.lineOf(tok.End-1); a != b {
					t.Errorf("token %d %q split over lines %d and %d", ti, tok.Text, a, b)
				}
			}
			// x grows along each line
			for li, ln := range l.lines {
				for c := ln.start + 1; c < ln.end; c++ {
					if l.charX[c] < l.charX[c-1] {
						t.Fatalf("line %d: x of %d (%.1f) < x of %d (%.1f)", li, c, l.charX[c], c-1, l.charX[c-1])
					}
				}
			}
		})
	}
	t.Run("han split", func(t *testing.T) {
		v, _ := tvSetup(t, tvDoc("城市建设发展规划纲要/n"), nil, 8*2+22*4.5, 400)
		v.SetShowPOS(false)
		if got := tvLines(v); len(got) < 2 {
			t.Errorf("lines = %q, want the token split over lines", got)
		}
	})
}

// tvWordWidth is the width of token tok with the punctuation kept with it
// on a line.
func tvWordWidth(v *textView, tok text.Token) float32 {
	l := &v.lay
	a, b := tok.Start, tok.End
	for a > 0 && l.flags[a]&fBreak == 0 {
		a--
	}
	for b < len(v.runes) && l.flags[b]&fBreak == 0 {
		b++
	}
	var w float32
	for c := a; c < b; c++ {
		w += l.adv[c]
	}
	return w
}

// tvDialogue is text the view was not tuned on: dialogue in traditional
// characters, a list of names, one-character spans side by side.
const tvDialogue = "「/x|我們/r|明天/t|去/v|塞維亞/ns|，/x|」/x|她/r|說/v|。/x|湯泉鎮/ns|的/uj|溫泉/n|很/d|有名/a|；/x|" +
	"王小明/nr|、/x|李大華/nr|和/c|陳美玲/nr|都/d|來/v|了/ul|。/x|_\n|王/nr|李/nr|趙/nr|問/v|：/x|「/x|國際化/n|？/x|」/x"

// TestTextViewWrapsAtTokens checks that lines wrap between tokens, not
// inside one that fits on a line (塞維|亞, 湯|泉 in issue 18), and that a
// span's tag is never cut ("LO"): at every width, each tag drawn is the
// label's whole name.
func TestTextViewWrapsAtTokens(t *testing.T) {
	doc := tvDoc(tvDialogue)
	id := int64(0)
	for _, tok := range doc.Tokens {
		label := map[string]string{"ns": "LOC", "nr": "PER", "n": "MISC"}[tok.POS]
		if label == "" {
			continue
		}
		id++
		origin := annotate.OriginManual
		if id%2 == 0 {
			origin = annotate.OriginSuggested
		}
		doc.Spans = append(doc.Spans, annotate.Span{ID: id, Layer: "entity", Label: label, Start: tok.Start, End: tok.End, Origin: origin})
	}
	for width := float32(70); width <= 520; width += 9 {
		for _, pos := range []bool{false, true} {
			t.Run(fmt.Sprintf("%v/pos=%v", width, pos), func(t *testing.T) {
				v, w := tvSetup(t, doc, nil, width, 2000)
				v.SetShowPOS(pos)
				w.Resize(fyne.NewSize(width, 2000))
				l := &v.lay
				for ti, tok := range doc.Tokens {
					if tvWordWidth(v, tok) > width-2*tvPad {
						continue
					}
					if a, b := l.lineOf(tok.Start), l.lineOf(tok.End-1); a != b {
						t.Errorf("token %d %q split over lines %d and %d: %q", ti, tok.Text, a, b, tvLines(v))
					}
				}
				labels := map[string]bool{}
				for _, sp := range doc.Spans {
					labels[sp.Label] = true
				}
				tags := 0
				for _, o := range test.WidgetRenderer(v).Objects() {
					txt, ok := o.(*canvas.Text)
					if !ok || txt.TextSize != l.m.tagSize || txt.Text == "" {
						continue
					}
					tags++
					if !labels[txt.Text] {
						t.Errorf("tag %q drawn: not a whole label name (lines %q)", txt.Text, tvLines(v))
					}
				}
				if tags != len(doc.Spans) {
					t.Errorf("%d tags drawn, want %d (one per span)", tags, len(doc.Spans))
				}
			})
		}
	}
}

// tvKey is one step of a key script: a key, with Shift (s) or Ctrl (c).
type tvKey struct {
	name fyne.KeyName
	mods string
}

func tvPress(v *textView, k tvKey) {
	shift := strings.Contains(k.mods, "s")
	if strings.Contains(k.mods, "c") {
		mod := fyne.KeyModifierShortcutDefault
		if shift {
			mod |= fyne.KeyModifierShift
		}
		v.TypedShortcut(&desktop.CustomShortcut{KeyName: k.name, Modifier: mod})
		return
	}
	if shift {
		v.KeyDown(&fyne.KeyEvent{Name: desktop.KeyShiftLeft})
	}
	v.TypedKey(&fyne.KeyEvent{Name: k.name})
	if shift {
		v.KeyUp(&fyne.KeyEvent{Name: desktop.KeyShiftLeft})
	}
}

func TestTextViewNavigation(t *testing.T) {
	// tokens: 0 焦作市 1 今天 2 发布 3 了 4 《 5 城市…纲要 6 》 7 ， 8 Python 9 2021 10 年 11 版本 12 。
	// 13 市长 14 说 15 ： 16 “ 17 我们 18 要 19 努力 20 。 21 ” 22 internationalization 23 OK 24 ！
	tests := []struct {
		name       string
		keys       []tvKey
		cursor     int
		first, end int // selected tokens [first, end]
	}{
		{"start", nil, 0, 0, 0},
		{"right", []tvKey{{fyne.KeyRight, ""}, {fyne.KeyRight, ""}}, 2, 2, 2},
		{"left stops at 0", []tvKey{{fyne.KeyLeft, ""}}, 0, 0, 0},
		{"shift extends", []tvKey{{fyne.KeyRight, ""}, {fyne.KeyRight, "s"}, {fyne.KeyRight, "s"}}, 3, 1, 3},
		{"shift back over the anchor", []tvKey{{fyne.KeyRight, ""}, {fyne.KeyRight, ""}, {fyne.KeyLeft, "s"}, {fyne.KeyLeft, "s"}}, 0, 0, 2},
		{"plain key collapses", []tvKey{{fyne.KeyRight, "s"}, {fyne.KeyRight, ""}}, 2, 2, 2},
		{"ctrl right: next sentence", []tvKey{{fyne.KeyRight, "c"}}, 13, 13, 13},
		{"ctrl right twice", []tvKey{{fyne.KeyRight, "c"}, {fyne.KeyRight, "c"}}, 21, 21, 21},
		{"ctrl left: sentence start", []tvKey{{fyne.KeyRight, "c"}, {fyne.KeyRight, ""}, {fyne.KeyLeft, "c"}}, 13, 13, 13},
		{"ctrl left at start: previous", []tvKey{{fyne.KeyRight, "c"}, {fyne.KeyLeft, "c"}}, 0, 0, 0},
		{"ctrl shift right extends", []tvKey{{fyne.KeyRight, "cs"}}, 13, 0, 13},
		{"ctrl end", []tvKey{{fyne.KeyEnd, "c"}}, 24, 24, 24},
		{"ctrl end, ctrl home", []tvKey{{fyne.KeyEnd, "c"}, {fyne.KeyHome, "c"}}, 0, 0, 0},
		{"right past the end", []tvKey{{fyne.KeyEnd, "c"}, {fyne.KeyRight, ""}}, 24, 24, 24},
		{"end of line", []tvKey{{fyne.KeyEnd, ""}}, 3, 3, 3},
		{"home of line", []tvKey{{fyne.KeyRight, ""}, {fyne.KeyRight, ""}, {fyne.KeyHome, ""}}, 0, 0, 0},
		{"shift end", []tvKey{{fyne.KeyEnd, "s"}}, 3, 0, 3},
		{"down", []tvKey{{fyne.KeyDown, ""}}, 4, 4, 4},
		{"down up", []tvKey{{fyne.KeyDown, ""}, {fyne.KeyUp, ""}}, 0, 0, 0},
		{"page down", []tvKey{{fyne.KeyPageDown, ""}}, -1, -1, -1},
		{"page down, page up", []tvKey{{fyne.KeyPageDown, ""}, {fyne.KeyPageUp, ""}}, 0, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// 190 wide: the first line holds tokens 0-3 (焦作市今天发布了): 《
			// does not end a line
			v, _ := tvSetup(t, tvDoc(tvNews), nil, 190, 120)
			v.SetShowPOS(false)
			if got := tvLines(v)[0]; got != "焦作市|今天|发布|了" {
				t.Fatalf("first line = %q; the test assumes 焦作市|今天|发布|了", got)
			}
			var changes int
			v.OnSelectionChanged = func(int, int) { changes++ }
			for _, k := range tc.keys {
				tvPress(v, k)
			}
			if tc.cursor < 0 { // page down: somewhere below, in view
				if v.Cursor() <= 5 {
					t.Errorf("cursor = %d after page down, want further down", v.Cursor())
				}
				ln := v.lay.lines[v.lay.lineOf(v.doc.Tokens[v.Cursor()].Start)]
				if top := v.scroll.Offset.Y; ln.y < top || ln.y+ln.h > top+v.scroll.Size().Height+0.5 {
					t.Errorf("cursor line at %.0f..%.0f, view %.0f..%.0f", ln.y, ln.y+ln.h, top, top+v.scroll.Size().Height)
				}
				return
			}
			if got := v.Cursor(); got != tc.cursor {
				t.Errorf("cursor = %d, want %d", got, tc.cursor)
			}
			s, e := v.Selection()
			toks := v.doc.Tokens
			if s != toks[tc.first].Start || e != toks[tc.end].End {
				t.Errorf("selection = [%d,%d), want tokens %d..%d = [%d,%d)", s, e, tc.first, tc.end, toks[tc.first].Start, toks[tc.end].End)
			}
			if len(tc.keys) > 0 && tc.cursor != 0 && changes == 0 {
				t.Error("OnSelectionChanged not called")
			}
		})
	}
}

func TestTextViewScrollsToCursor(t *testing.T) {
	v, _ := tvSetup(t, tvDoc(strings.Repeat(tvNews+"|_\n|", 20)), nil, 300, 150)
	tvPress(v, tvKey{fyne.KeyEnd, "c"})
	if v.scroll.Offset.Y == 0 {
		t.Fatal("view did not scroll to the end")
	}
	ln := v.lay.lines[v.lay.lineOf(v.doc.Tokens[v.Cursor()].Start)]
	if top := v.scroll.Offset.Y; ln.y < top || ln.y+ln.h > top+v.scroll.Size().Height+0.5 {
		t.Errorf("cursor line at %.0f..%.0f, view %.0f..%.0f", ln.y, ln.y+ln.h, top, top+v.scroll.Size().Height)
	}
	// what is drawn is what is in view
	for _, o := range test.WidgetRenderer(v).Objects() {
		if y := o.Position().Y; y+100 < v.scroll.Offset.Y { // a line partly in view is drawn whole
			t.Fatalf("object at y=%.0f drawn above the view at %.0f", y, v.scroll.Offset.Y)
		}
	}
	tvPress(v, tvKey{fyne.KeyHome, "c"})
	if v.scroll.Offset.Y != 0 {
		t.Errorf("offset = %v after ctrl+home, want 0", v.scroll.Offset.Y)
	}
}

func tvMouse(v *textView, p fyne.Position, mod fyne.KeyModifier) {
	v.MouseDown(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: p}, Button: desktop.MouseButtonPrimary, Modifier: mod})
	v.MouseUp(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: p}, Button: desktop.MouseButtonPrimary, Modifier: mod})
}

func tvSpansDoc() *annotate.Document {
	d := tvDoc(tvNews)
	// 焦作市 [0,3) LOC; 城市建设发展规划纲要 inside 《…》: [9,19) MISC;
	// a "topic" layer allowing overlap: [0,9) and nested [3,5) 今天
	d.Spans = []annotate.Span{
		{ID: 1, Layer: "entity", Label: "LOC", Start: 0, End: 3, Origin: annotate.OriginManual},
		{ID: 2, Layer: "topic", Label: "EVENT", Start: 0, End: 9, Origin: annotate.OriginManual},
		{ID: 3, Layer: "topic", Label: "TIME", Start: 3, End: 5, Origin: annotate.OriginManual},
		{ID: 4, Layer: "entity", Label: "MISC", Start: 9, End: 19, Origin: annotate.OriginSuggested},
	}
	return d
}

func tvSchema() *annotate.Schema {
	s := annotate.DefaultSchema()
	s.Layers = append(s.Layers, annotate.Layer{Name: "topic", Overlap: annotate.OverlapAllowed, Labels: []annotate.Label{
		{Name: "EVENT", Color: "#1f77b4"}, {Name: "TIME", Color: "#9467bd"},
	}})
	return s
}

func TestTextViewMouse(t *testing.T) {
	v, w := tvSetup(t, tvSpansDoc(), tvSchema(), 400, 300)
	toks := v.doc.Tokens
	var got [][2]int
	v.OnSelectionChanged = func(s, e int) { got = append(got, [2]int{s, e}) }

	tvMouse(v, tvAt(v, 2), 0)
	if w.Canvas().Focused() != v {
		t.Fatal("click did not focus the view")
	}
	if c := v.Cursor(); c != 2 {
		t.Fatalf("click: cursor = %d, want 2", c)
	}
	tvMouse(v, tvAt(v, 5), fyne.KeyModifierShift)
	if s, e := v.Selection(); s != toks[2].Start || e != toks[5].End {
		t.Errorf("shift+click: selection = [%d,%d), want [%d,%d)", s, e, toks[2].Start, toks[5].End)
	}
	// drag from token 8 to 10
	v.MouseDown(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: tvAt(v, 8)}, Button: desktop.MouseButtonPrimary})
	v.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: tvAt(v, 10)}})
	v.DragEnd()
	if s, e := v.Selection(); s != toks[8].Start || e != toks[10].End {
		t.Errorf("drag: selection = [%d,%d), want [%d,%d)", s, e, toks[8].Start, toks[10].End)
	}
	// double click on 今天 (token 1): the innermost span, TIME [3,5)
	v.lastDown = time.Time{}
	tvMouse(v, tvAt(v, 1), 0)
	tvMouse(v, tvAt(v, 1), 0)
	if id, ok := v.SelectedSpan(); !ok || id != 3 {
		t.Errorf("double click: span = %d, %v; want 3", id, ok)
	}
	if s, e := v.Selection(); s != 3 || e != 5 {
		t.Errorf("double click: selection = [%d,%d), want [3,5)", s, e)
	}
	// with the entities layer active, 焦作市's LOC wins over the longer EVENT
	v.SetActiveLayer("entity")
	v.lastDown = time.Time{}
	tvMouse(v, tvAt(v, 0), 0)
	tvMouse(v, tvAt(v, 0), 0)
	if id, ok := v.SelectedSpan(); !ok || id != 1 {
		t.Errorf("double click, entities active: span = %d, %v; want 1", id, ok)
	}
	// slow second click: no span
	v.SetActiveLayer("")
	tvMouse(v, tvAt(v, 2), 0)
	v.lastDown = time.Now().Add(-time.Second)
	tvMouse(v, tvAt(v, 2), 0)
	if s, e := v.Selection(); s != toks[2].Start || e != toks[2].End {
		t.Errorf("slow double click: selection = [%d,%d), want token 2", s, e)
	}
	// alt+drag: characters 城市建 [9,12) inside token 5
	v.MouseDown(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: tvCharAt(v, 9, 1)}, Button: desktop.MouseButtonPrimary, Modifier: fyne.KeyModifierAlt})
	v.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: tvCharAt(v, 12, 1)}})
	v.DragEnd()
	if s, e := v.Selection(); s != 9 || e != 12 {
		t.Errorf("alt+drag: selection = [%d,%d), want [9,12)", s, e)
	}
	if v.CharMode() {
		t.Error("alt+drag switched to character mode")
	}
	// a key goes back to tokens, on from the characters selected (the
	// cursor followed the mouse): the token after 城市建's
	tvPress(v, tvKey{fyne.KeyRight, ""})
	if s, e := v.Selection(); s != toks[6].Start || e != toks[6].End {
		t.Errorf("after alt+drag, right: selection = [%d,%d), want token 6 [%d,%d)", s, e, toks[6].Start, toks[6].End)
	}
	if len(got) < 6 {
		t.Errorf("OnSelectionChanged called %d times: %v", len(got), got)
	}
}

// TestTextViewAltDragThenKeys checks that the keyboard cursor follows a
// character selection made with the mouse: Shift+→ after Alt+drag extends
// from what was selected, not from where the cursor was before (issue 18:
// it jumped to [802,803) after Ctrl+End).
func TestTextViewAltDragThenKeys(t *testing.T) {
	v, _ := tvSetup(t, tvDoc(tvNews), nil, 400, 300)
	toks := v.doc.Tokens
	tvPress(v, tvKey{fyne.KeyEnd, "c"}) // the cursor at the end first
	tests := []struct {
		name       string
		from, to   int // characters dragged over, from → to
		key        tvKey
		start, end int // the selection after the key
	}{
		// 城市建 [9,12) inside token 5: Shift+→ takes token 5 and 6
		{"right", 9, 12, tvKey{fyne.KeyRight, "s"}, toks[5].Start, toks[6].End},
		// dragged leftwards over 设发 [13,11): Shift+← goes on leftwards
		{"left", 13, 11, tvKey{fyne.KeyLeft, "s"}, toks[4].Start, toks[5].End},
		// 今天发 [3,6) across tokens 1 and 2: → is the token after 发布
		{"across", 3, 6, tvKey{fyne.KeyRight, ""}, toks[3].Start, toks[3].End},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tvPress(v, tvKey{fyne.KeyEnd, "c"})
			v.MouseDown(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: tvCharAt(v, tt.from, 1)}, Button: desktop.MouseButtonPrimary, Modifier: fyne.KeyModifierAlt})
			v.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: tvCharAt(v, tt.to, 1)}})
			v.DragEnd()
			if s, e := v.Selection(); s != min(tt.from, tt.to) || e != max(tt.from, tt.to) {
				t.Fatalf("alt+drag: selection = [%d,%d), want [%d,%d)", s, e, min(tt.from, tt.to), max(tt.from, tt.to))
			}
			tvPress(v, tt.key)
			if s, e := v.Selection(); s != tt.start || e != tt.end {
				t.Errorf("then %v: selection = [%d,%d), want [%d,%d)", tt.key, s, e, tt.start, tt.end)
			}
		})
	}
}

func TestTextViewCharMode(t *testing.T) {
	v, _ := tvSetup(t, tvDoc(tvNews), nil, 400, 300)
	tvPress(v, tvKey{fyne.KeyRight, ""}) // token 1 今天 [3,5)
	v.SetCharMode(true)
	if !v.CharMode() || v.CaretOffset() != 3 {
		t.Fatalf("char mode: caret = %d, want 3", v.CaretOffset())
	}
	if s, e := v.Selection(); s != 3 || e != 3 {
		t.Errorf("caret selection = [%d,%d), want [3,3)", s, e)
	}
	tvPress(v, tvKey{fyne.KeyRight, ""})
	tvPress(v, tvKey{fyne.KeyRight, "s"})
	tvPress(v, tvKey{fyne.KeyRight, "s"})
	if s, e := v.Selection(); s != 4 || e != 6 || v.CaretOffset() != 6 {
		t.Errorf("shift+right twice: selection = [%d,%d) caret %d, want [4,6) caret 6", s, e, v.CaretOffset())
	}
	tvPress(v, tvKey{fyne.KeyLeft, ""})
	if s, e := v.Selection(); s != 5 || e != 5 {
		t.Errorf("left: selection = [%d,%d), want [5,5)", s, e)
	}
	tvPress(v, tvKey{fyne.KeyHome, ""})
	if c := v.CaretOffset(); c != 0 {
		t.Errorf("home: caret = %d, want 0", c)
	}
	tvPress(v, tvKey{fyne.KeyEnd, "c"})
	if c := v.CaretOffset(); c != len(v.runes) {
		t.Errorf("ctrl+end: caret = %d, want %d", c, len(v.runes))
	}
	tvPress(v, tvKey{fyne.KeyLeft, "c"})
	if c := v.CaretOffset(); c != v.doc.Sentences[len(v.doc.Sentences)-1].Start {
		t.Errorf("ctrl+left: caret = %d, want the last sentence's start %d", c, v.doc.Sentences[len(v.doc.Sentences)-1].Start)
	}
	// click places the caret between characters
	tvMouse(v, tvCharAt(v, 10, 2), 0)
	if c := v.CaretOffset(); c != 10 {
		t.Errorf("click on the left half of 10: caret = %d", c)
	}
	tvMouse(v, tvCharAt(v, 12, v.lay.charW[12]-2), fyne.KeyModifierShift)
	if s, e := v.Selection(); s != 10 || e != 13 {
		t.Errorf("shift+click: selection = [%d,%d), want [10,13)", s, e)
	}
	// leaving char mode: the token at the caret
	v.SetCharMode(false)
	if c := v.Cursor(); c != 5 {
		t.Errorf("token mode again: cursor = %d, want 5", c)
	}
}

func TestTextViewSelect(t *testing.T) {
	v, _ := tvSetup(t, tvSpansDoc(), tvSchema(), 400, 300)
	toks := v.doc.Tokens
	tests := []struct {
		name       string
		start, end int
		wantS      int
		wantE      int
		span       int64
		ok         bool
	}{
		{"exact span", 9, 19, 9, 19, 4, true},
		{"inside a token snaps out", 10, 11, toks[5].Start, toks[5].End, 4, true},
		{"over tokens", 1, 4, 0, 5, 3, true}, // cursor token 今天: innermost TIME
		{"exact EVENT", 0, 9, 0, 9, 2, true},
		{"no span", toks[13].Start, toks[13].End, toks[13].Start, toks[13].End, 0, false},
		{"empty range", 4, 4, 3, 5, 3, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v.Select(tc.start, tc.end)
			if s, e := v.Selection(); s != tc.wantS || e != tc.wantE {
				t.Errorf("selection = [%d,%d), want [%d,%d)", s, e, tc.wantS, tc.wantE)
			}
			if id, ok := v.SelectedSpan(); id != tc.span || ok != tc.ok {
				t.Errorf("SelectedSpan = %d, %v; want %d, %v", id, ok, tc.span, tc.ok)
			}
		})
	}
	if got := v.SpanAt(4); len(got) != 2 || got[0].ID != 2 || got[1].ID != 3 {
		t.Errorf("SpanAt(4) = %v, want EVENT and TIME", got)
	}
	if got := v.SpanAt(30); len(got) != 0 {
		t.Errorf("SpanAt(30) = %v, want none", got)
	}
	// edits: the document's spans change under the view
	v.Select(9, 19)
	v.doc.Spans = v.doc.Spans[:3]
	v.doc.Tokens = v.doc.Tokens[:10]
	v.DocumentChanged()
	if id, ok := v.SelectedSpan(); ok {
		t.Errorf("removed span still selected: %d", id)
	}
	if c := v.Cursor(); c != 5 {
		t.Errorf("cursor = %d after the edit, want 5", c)
	}
	// a change the view was not told about is picked up, not a panic
	v.doc.Tokens = v.doc.Tokens[:8]
	v.doc.Spans = v.doc.Spans[:1]
	v.Refresh()
	if c := v.Cursor(); c != 5 {
		t.Errorf("cursor = %d after an untold edit, want 5", c)
	}
	if got := len(v.SpanAt(0)); got != 1 {
		t.Errorf("SpanAt(0) after an untold edit: %d spans, want 1", got)
	}
	v.Select(1000, 2000)
	if c := v.Cursor(); c != 7 {
		t.Errorf("Select past the end: cursor = %d, want 7 (the last token)", c)
	}
	v.SetDocument(nil, nil)
	if s, e := v.Selection(); s != 0 || e != 0 || v.Cursor() != -1 {
		t.Errorf("empty view: selection [%d,%d), cursor %d", s, e, v.Cursor())
	}
	tvPress(v, tvKey{fyne.KeyRight, "s"}) // no panic
	tvMouse(v, fyne.NewPos(10, 10), 0)
}

func TestTextViewLanes(t *testing.T) {
	v, _ := tvSetup(t, tvSpansDoc(), tvSchema(), 600, 300)
	lane := func(id int64) int {
		for i, s := range v.doc.Spans {
			if s.ID == id {
				return v.lay.lanes[i]
			}
		}
		t.Fatalf("no span %d", id)
		return -1
	}
	// entities first (schema order): LOC and MISC share lane 0; topic: EVENT 1, nested TIME 2
	if got := [4]int{lane(1), lane(4), lane(2), lane(3)}; got != [4]int{0, 0, 1, 2} {
		t.Errorf("lanes LOC, MISC, EVENT, TIME = %v, want [0 0 1 2]", got)
	}
	if n := v.lay.lines[0].lanes; n != 3 {
		t.Errorf("first line has %d lanes, want 3", n)
	}
	v.SetActiveLayer("topic")
	if got := [4]int{lane(2), lane(3), lane(1), lane(4)}; got != [4]int{0, 1, 2, 2} {
		t.Errorf("topic active: lanes EVENT, TIME, LOC, MISC = %v, want [0 1 2 2]", got)
	}
	// a line without spans has no lanes; lanes compact per line
	v.doc.Spans = []annotate.Span{{ID: 9, Layer: "topic", Label: "TIME", Start: 40, End: 42}}
	v.DocumentChanged()
	li := v.lay.lineOf(40)
	for i, ln := range v.lay.lines {
		if want := map[bool]int{true: 1, false: 0}[i == li]; ln.lanes != want {
			t.Errorf("line %d: %d lanes, want %d", i, ln.lanes, want)
		}
	}
}

func TestTextViewKeysToCallbacks(t *testing.T) {
	v, w := tvSetup(t, tvDoc(tvNews), nil, 400, 300)
	var runes []rune
	var keys []fyne.KeyName
	var shortcuts []string
	v.OnTypedRune = func(r rune) { runes = append(runes, r) }
	v.OnTypedKey = func(ev *fyne.KeyEvent) bool { keys = append(keys, ev.Name); return ev.Name != fyne.KeyTab }
	v.OnTypedShortcut = func(s fyne.Shortcut) bool { shortcuts = append(shortcuts, s.ShortcutName()); return false }
	canvasHit := false
	w.Canvas().AddShortcut(&fyne.ShortcutUndo{}, func(fyne.Shortcut) { canvasHit = true })
	w.Canvas().Focus(v)
	test.Type(v, "1n?")
	for _, k := range []fyne.KeyName{fyne.KeyDelete, fyne.KeyReturn, fyne.KeyEscape, fyne.KeyF2, fyne.KeyRight} {
		v.TypedKey(&fyne.KeyEvent{Name: k})
	}
	v.TypedShortcut(&fyne.ShortcutUndo{})
	if string(runes) != "1n?" {
		t.Errorf("runes = %q", string(runes))
	}
	if fmt.Sprint(keys) != "[Delete Return Escape F2]" {
		t.Errorf("keys = %v; navigation keys must not be passed on", keys)
	}
	if fmt.Sprint(shortcuts) != "[Undo]" || !canvasHit {
		t.Errorf("shortcuts = %v, canvas handler called = %v", shortcuts, canvasHit)
	}
	if v.Cursor() != 1 {
		t.Errorf("cursor = %d after →, want 1", v.Cursor())
	}
	if !v.AcceptsTab() {
		t.Error("AcceptsTab = false with OnTypedKey set")
	}
}

// tvBig is a document of about n code points: news-like sentences with
// Latin words and numbers, a paragraph every 8 sentences, a span every
// few tokens.
func tvBig(n int) *annotate.Document {
	words := []string{"焦作市/ns", "今天/t", "发布/v", "了/ul", "《/x", "城市建设发展规划纲要/n", "》/x", "，/x",
		"Python/eng", "_ ", "2021/m", "年/q", "版本/n", "的/uj", "主要/b", "内容/n", "。/x"}
	var parts []string
	chars, sent := 0, 0
	for chars < n {
		for _, w := range words {
			parts = append(parts, w)
			text, _, _ := strings.Cut(strings.TrimPrefix(w, "_"), "/")
			chars += utf8.RuneCountInString(text)
		}
		if sent++; sent%8 == 0 {
			parts = append(parts, "_\n")
			chars++
		}
	}
	d := tvDoc(strings.Join(parts, "|"))
	for i := 0; i+6 < len(d.Tokens); i += 7 {
		d.Spans = append(d.Spans, annotate.Span{ID: int64(i + 1), Layer: "entity", Label: "LOC", Start: d.Tokens[i].Start, End: d.Tokens[i+1].End, Origin: annotate.OriginManual})
	}
	return d
}

func TestTextViewVirtualized(t *testing.T) {
	doc := tvBig(330_000)
	start := time.Now()
	v, _ := tvSetup(t, doc, nil, 900, 600)
	t.Logf("%d code points, %d tokens, %d spans, %d lines, height %.0f; opened in %v",
		len(v.runes), len(doc.Tokens), len(doc.Spans), len(v.lay.lines), v.lay.height, time.Since(start))
	objs := len(test.WidgetRenderer(v).Objects())
	if objs == 0 || objs > 2500 {
		t.Fatalf("objects = %d, want about a page's worth", objs)
	}
	tvPress(v, tvKey{fyne.KeyEnd, "c"})
	if n := len(test.WidgetRenderer(v).Objects()); n == 0 || n > 2500 {
		t.Fatalf("objects at the end = %d", n)
	}
	for range 20 {
		tvPress(v, tvKey{fyne.KeyPageUp, ""})
	}
	if n := len(test.WidgetRenderer(v).Objects()); n == 0 || n > 2500 {
		t.Fatalf("objects after page up = %d", n)
	}
	t.Logf("objects in view: %d", objs)
}

func TestTextViewGolden(t *testing.T) {
	doc := tvDoc("焦作市/ns|今天/t|发布/v|了/ul|《/x|城市建设发展规划纲要/n|》/x|，/x|Python/eng|_ |3.12/m|版/n|" +
		"将/d|于/p|2021年/t|实施/v|�/x|城/n|。/x|_\n|市长/n|说/v|：/x|“/x|我们/r|要/v|努力/ad|！/x|”/x")
	// damage: the lost character 16 (U+FFFD, drawn as ?)
	lost := strings.Index(doc.Text, "�")
	lostAt := utf8.RuneCountInString(doc.Text[:lost])
	doc.Report.Marks = []text.Mark{
		{Kind: text.MarkDamage, Start: lostAt, End: lostAt + 1, Cause: text.CauseLost},
		{Kind: text.MarkPinyinHint, Start: lostAt, End: lostAt + 1, Original: "jiao"},
	}
	sp := func(id int64, layer, label string, s, e int, o annotate.Origin) annotate.Span {
		return annotate.Span{ID: id, Layer: layer, Label: label, Start: s, End: e, Origin: o}
	}
	tk := doc.Tokens
	doc.Spans = []annotate.Span{
		sp(1, "entity", "LOC", tk[0].Start, tk[0].End, annotate.OriginManual),
		sp(2, "topic", "EVENT", tk[0].Start, tk[7].End, annotate.OriginManual),
		sp(3, "topic", "TIME", tk[1].Start, tk[1].End, annotate.OriginManual),
		sp(4, "entity", "MISC", tk[4].Start, tk[6].End, annotate.OriginSuggested),
		sp(5, "entity", "ORG", tk[8].Start, tk[10].End, annotate.OriginManual),
		sp(6, "entity", "TIME", tk[14].Start, tk[14].End, annotate.OriginManual),
		sp(7, "entity", "PER", tk[18].Start, tk[18].End, annotate.OriginManual),
	}
	v, w := tvSetup(t, doc, tvSchema(), 480, 240)
	v.SetShowPOS(true)
	v.SetShowBoundaries(true)
	v.Select(tk[2].Start, tk[3].End)
	w.Canvas().Focus(v)
	test.AssertImageMatches(t, "textview.png", w.Canvas().Capture())

	v.SetCharMode(true)
	v.SetShowPOS(false)
	v.SetShowBoundaries(false)
	v.Select(tk[5].Start+2, tk[5].Start+4)
	test.AssertImageMatches(t, "textview_chars.png", w.Canvas().Capture())
}

func BenchmarkTextViewLayout(b *testing.B) {
	doc := tvBig(330_000)
	v, _ := tvSetup(b, doc, nil, 900, 600)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		v.DocumentChanged()
	}
	b.ReportMetric(float64(len(v.lay.lines)), "lines")
}

func BenchmarkTextViewScroll(b *testing.B) {
	doc := tvBig(330_000)
	v, _ := tvSetup(b, doc, nil, 900, 600)
	r := test.WidgetRenderer(v)
	h := v.lay.height
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		v.scroll.ScrollToOffset(fyne.NewPos(0, float32(i%97)*h/97))
		r.Refresh()
	}
	b.ReportMetric(float64(len(r.Objects())), "objects")
}
