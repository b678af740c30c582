package app

import (
	"bytes"
	"image"
	"image/color"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"

	"github.com/biaozhu/biaozhu/assets"
)

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
