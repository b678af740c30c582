package app

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"strings"
	"testing"
	"time"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/biaozhu/biaozhu/annotate"
	"github.com/biaozhu/biaozhu/assets"
)

// waitDone waits for the screen to finish loading, failing the test after
// timeout.
func waitDone(t *testing.T, s *screen, timeout time.Duration) {
	t.Helper()
	select {
	case <-s.done:
	case <-time.After(timeout):
		t.Fatalf("screen still loading after %v", timeout)
	}
}

// gated returns load made to wait until open is called: Fyne's test
// driver runs fyne.Do at once on the calling goroutine, so the test must
// finish setting up the window before the loader may hand back a result.
func gated(load loader) (_ loader, open func()) {
	gate := make(chan struct{})
	return func(status func(string)) (*annotate.Document, error) {
		<-gate
		return load(status)
	}, func() { close(gate) }
}

// texts returns the text of every canvas.Text and widget.Label laid out
// under o.
func texts(o fyne.CanvasObject) []string {
	var out []string
	for _, obj := range test.LaidOutObjects(o) {
		switch x := obj.(type) {
		case *canvas.Text:
			out = append(out, x.Text)
		case *widget.Label:
			out = append(out, x.Text)
		}
	}
	return out
}

func TestNewShowsDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the segmentation dictionary")
	}
	a := test.NewTempApp(t)
	w := a.NewWindow("demo")
	load, open := gated(loadDemo)
	s := newScreen(a, w, assets.DemoName, load)
	w.SetContent(s.root)
	w.Resize(fyne.NewSize(1000, 700))

	if got := strings.Join(texts(s.root), "|"); !strings.Contains(got, strLoadingDict) {
		t.Errorf("first content = %q, want the loading message %q", got, strLoadingDict)
	}
	open()
	waitDone(t, s, 2*time.Minute)
	if s.err != nil {
		t.Fatalf("loading the demo: %v", s.err)
	}

	tags := map[string]string{}
	var words strings.Builder
	for _, it := range s.view.body.items {
		if _, ok := tags[it.word.Text]; !ok {
			tags[it.word.Text] = it.tag.Text
		}
		if it.tag.Text == "" || it.tag.Text == noTag {
			t.Errorf("token %q has no POS tag", it.word.Text)
		}
		words.WriteString(it.word.Text)
	}
	for _, tt := range []struct{ word, tag string }{
		{"疫情", "n"},
		{"防控", "vn"},
	} {
		t.Run(tt.word, func(t *testing.T) {
			got, ok := tags[tt.word]
			if !ok {
				t.Fatalf("no token %q in the demo view", tt.word)
			}
			if got != tt.tag {
				t.Errorf("tag of %q = %q, want %q", tt.word, got, tt.tag)
			}
		})
	}
	// The words shown are the whole clean text but its white space.
	text := strings.Map(func(r rune) rune {
		switch {
		case unicode.IsSpace(r):
			return -1
		case r == unicode.ReplacementChar:
			return lostGlyph
		}
		return r
	}, string(s.view.model.text))
	if got := words.String(); got != text {
		t.Errorf("words shown = %q,\nwant the clean text %q", got, text)
	}

	shown := strings.Join(texts(s.root), "|")
	for _, want := range []string{assets.DemoName, "疫情", "防控"} {
		if !strings.Contains(shown, want) {
			t.Errorf("window content does not show %q", want)
		}
	}
	if h := s.view.body.Size().Height; h < 500 {
		t.Errorf("body height = %v, want the whole article laid out (> 500)", h)
	}
}

func TestNewShowsError(t *testing.T) {
	tests := []struct {
		name string
		load loader
		want string
	}{
		{"error", func(func(string)) (*annotate.Document, error) {
			return nil, errors.New("annotate: dictionary broken")
		}, "annotate: dictionary broken"},
		{"panic", func(func(string)) (*annotate.Document, error) {
			panic("boom")
		}, "app: 样例.txt: loading: boom"},
		{"nil document", func(func(string)) (*annotate.Document, error) {
			return nil, nil
		}, "app: 样例.txt: loading: no document"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := test.NewTempApp(t)
			w := a.NewWindow("error")
			load, open := gated(tt.load)
			s := newScreen(a, w, "样例.txt", load)
			w.SetContent(s.root)
			open()
			waitDone(t, s, 10*time.Second)
			if s.err == nil || s.err.Error() != tt.want {
				t.Fatalf("err = %v, want %q", s.err, tt.want)
			}
			shown := strings.Join(texts(s.root), "|")
			if !strings.Contains(shown, strFailed) || !strings.Contains(shown, tt.want) {
				t.Errorf("window shows %q, want %q and %q", shown, strFailed, tt.want)
			}
		})
	}
}

func TestThemeFont(t *testing.T) {
	a := test.NewTempApp(t)
	a.Settings().SetTheme(newTheme())
	th := a.Settings().Theme()
	for _, tt := range []struct {
		name  string
		style fyne.TextStyle
	}{
		{"regular", fyne.TextStyle{}},
		{"bold", fyne.TextStyle{Bold: true}},
		{"italic", fyne.TextStyle{Italic: true}},
		{"bold italic", fyne.TextStyle{Bold: true, Italic: true}},
		{"monospace", fyne.TextStyle{Monospace: true}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := th.Font(tt.style)
			if got.Name() != assets.FontName || !bytes.Equal(got.Content(), assets.Font) {
				t.Errorf("Font(%+v) = %q (%d bytes), want the bundled %q (%d bytes)",
					tt.style, got.Name(), len(got.Content()), assets.FontName, len(assets.Font))
			}
		})
	}
}

// inked returns the bounding box of the pixels of img that differ clearly
// from its top-left pixel (the background), and how many there are.
func inked(img image.Image) (image.Rectangle, int) {
	b := img.Bounds()
	bg := color.NRGBAModel.Convert(img.At(b.Min.X, b.Min.Y)).(color.NRGBA)
	var box image.Rectangle
	n := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
			if absDiff(c.R, bg.R)+absDiff(c.G, bg.G)+absDiff(c.B, bg.B) > 120 {
				box = box.Union(image.Rect(x, y, x+1, y+1))
				n++
			}
		}
	}
	return box, n
}

func absDiff(a, b uint8) int {
	if a > b {
		return int(a - b)
	}
	return int(b - a)
}

// TestChineseRenders draws single characters with the theme and checks
// that each leaves ink and that they differ from each other: a missing
// glyph would be drawn as the same box (tofu) or as nothing.
func TestChineseRenders(t *testing.T) {
	a := test.NewTempApp(t)
	a.Settings().SetTheme(newTheme())
	render := func(s string, style fyne.TextStyle) image.Image {
		text := canvas.NewText(s, color.Black)
		text.TextSize = 40
		text.TextStyle = style
		w := test.NewTempWindow(t, container.NewStack(canvas.NewRectangle(color.White), text))
		w.Resize(fyne.NewSize(80, 80))
		return w.Canvas().Capture()
	}
	for _, style := range []fyne.TextStyle{{}, {Bold: true}, {Italic: true}, {Monospace: true}} {
		seen := map[string]string{}
		for _, ch := range []string{"标", "注", "疫", "顯", "鏈"} {
			img := render(ch, style)
			box, n := inked(img)
			if n < 40 || box.Dx() < 15 || box.Dy() < 15 {
				t.Errorf("%q in %+v: %d inked pixels in %v, want a drawn glyph", ch, style, n, box)
				continue
			}
			sig := signature(img, box)
			if other, ok := seen[sig]; ok {
				t.Errorf("%q and %q in %+v render the same image, want distinct glyphs (tofu?)", ch, other, style)
			}
			seen[sig] = ch
		}
	}
}

// signature is a coarse fingerprint of the inked part of img.
func signature(img image.Image, box image.Rectangle) string {
	var sb strings.Builder
	sb.WriteString(box.String())
	for y := box.Min.Y; y < box.Max.Y; y += 2 {
		for x := box.Min.X; x < box.Max.X; x += 2 {
			r, _, _, _ := img.At(x, y).RGBA()
			if r < 0x8000 {
				sb.WriteByte('#')
			} else {
				sb.WriteByte('.')
			}
		}
	}
	return sb.String()
}
