package export

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"

	"github.com/biaozhu/biaozhu/assets"
)

// Bar is one bar of a BarChart: its label (drawn beside it, any script),
// its value, and its colour (nil: ChartOptions.BarColor). Text, when not
// empty, is drawn at the end of the bar instead of the value.
type Bar struct {
	Label string
	Value float64
	Color color.Color
	Text  string
}

// ChartOptions sets a BarChart's size and look. Zero fields take the
// defaults: 800 pixels wide, as high as the bars need (Height 0), 14-pixel
// text, white background, dark grey text, blue bars.
type ChartOptions struct {
	Width, Height int
	// Vertical draws the bars upwards from a baseline with the labels
	// under them; the default draws them left to right, one row each,
	// with the labels on the left (long labels stay readable).
	Vertical   bool
	FontSize   float64 // pixels
	Background color.Color
	Foreground color.Color
	BarColor   color.Color
	GridColor  color.Color
}

// Chart geometry, in units of the font size.
const (
	chartRowEm    = 2.0 // a horizontal chart's row height
	chartMarginEm = 1.0
	chartTitleEm  = 1.3 // the title's size
)

// maxChartSide bounds a chart's width and height in pixels.
const maxChartSide = 16384

// BarChart draws bars as a bar chart with a title, value gridlines and each
// bar's value, with the bundled CJK font (and Go Regular for Latin letters
// and digits, which it lacks) so Chinese labels are drawn. Bar
// lengths are proportional to the values (negative and non-finite values
// count as 0);
// labels too long for their place are cut with "…". It never fails: with
// no bars the chart says so.
func BarChart(title string, bars []Bar, opts ChartOptions) image.Image {
	o := chartDefaults(opts, len(bars))
	img := image.NewRGBA(image.Rect(0, 0, o.Width, o.Height))
	draw.Draw(img, img.Bounds(), image.NewUniform(o.Background), image.Point{}, draw.Src)
	face := chartFace(o.FontSize)
	titleFace := chartFace(o.FontSize * chartTitleEm)
	em := int(math.Round(o.FontSize))
	margin := int(math.Round(o.FontSize * chartMarginEm))

	// Title, centred.
	top := margin
	if title != "" {
		t := fitText(titleFace, title, o.Width-2*margin)
		w := font.MeasureString(titleFace, t).Ceil()
		drawText(img, titleFace, t, (o.Width-w)/2, top, o.Foreground)
		top += lineHeight(titleFace) + em/2
	}
	if len(bars) == 0 {
		msg := "no data"
		w := font.MeasureString(face, msg).Ceil()
		drawText(img, face, msg, (o.Width-w)/2, (top+o.Height)/2, o.Foreground)
		return img
	}
	bars = slices.Clone(bars)
	maxV := 0.0
	for i, b := range bars {
		if b.Value < 0 || math.IsNaN(b.Value) || math.IsInf(b.Value, 0) {
			bars[i].Value = 0
		}
		maxV = math.Max(maxV, bars[i].Value)
	}
	step, scaleMax := niceScale(maxV)
	texts := make([]string, len(bars))
	for i, b := range bars {
		texts[i] = b.Text
		if texts[i] == "" {
			texts[i] = FormatValue(b.Value)
		}
	}
	if o.Vertical {
		drawVertical(img, face, o, bars, texts, top, margin, step, scaleMax)
	} else {
		drawHorizontal(img, face, o, bars, texts, top, margin, step, scaleMax)
	}
	return img
}

// drawHorizontal draws one row per bar: label, bar, value.
func drawHorizontal(img *image.RGBA, face font.Face, o ChartOptions, bars []Bar, texts []string, top, margin int, step, scaleMax float64) {
	lh := lineHeight(face)
	labelW := 0
	for _, b := range bars {
		labelW = max(labelW, font.MeasureString(face, b.Label).Ceil())
	}
	labelW = min(labelW, o.Width*2/5)
	valueW := 0
	for _, t := range texts {
		valueW = max(valueW, font.MeasureString(face, t).Ceil())
	}
	x0 := margin + labelW + margin/2
	x1 := o.Width - margin - valueW - margin/2
	if x1-x0 < 20 {
		x1 = x0 + 20
	}
	axisH := lh + 4 // tick labels under the plot
	rows := len(bars)
	plotTop := top
	rowH := float64(o.Height-plotTop-margin-axisH) / float64(rows)
	plotBottom := plotTop + int(rowH*float64(rows))
	length := func(v float64) int {
		if v <= 0 || scaleMax <= 0 {
			return 0
		}
		return int(math.Round(v / scaleMax * float64(x1-x0)))
	}
	// Gridlines and tick labels.
	for v := 0.0; v <= scaleMax+step/2 && step > 0; v += step {
		x := x0 + length(v)
		fillRect(img, x, plotTop, x+1, plotBottom, o.GridColor)
		t := FormatValue(v)
		w := font.MeasureString(face, t).Ceil()
		drawText(img, face, t, x-w/2, plotBottom+4, o.Foreground)
	}
	fillRect(img, x0-1, plotTop, x0, plotBottom, o.Foreground) // the axis
	for i, b := range bars {
		y := plotTop + int(rowH*float64(i))
		barH := max(2, int(rowH*0.7))
		by := y + (int(rowH)-barH)/2
		c := b.Color
		if c == nil {
			c = o.BarColor
		}
		l := length(b.Value)
		fillRect(img, x0, by, x0+l, by+barH, c)
		ty := y + (int(rowH)-lh)/2
		label := fitText(face, b.Label, labelW)
		w := font.MeasureString(face, label).Ceil()
		drawText(img, face, label, x0-margin/2-w, ty, o.Foreground)
		drawText(img, face, texts[i], x0+l+margin/3, ty, o.Foreground)
	}
}

// drawVertical draws the bars upwards, the labels under them.
func drawVertical(img *image.RGBA, face font.Face, o ChartOptions, bars []Bar, texts []string, top, margin int, step, scaleMax float64) {
	lh := lineHeight(face)
	tickW := 0
	for v := 0.0; v <= scaleMax+step/2 && step > 0; v += step {
		tickW = max(tickW, font.MeasureString(face, FormatValue(v)).Ceil())
	}
	x0 := margin + tickW + margin/2
	x1 := o.Width - margin
	plotTop := top + lh + 4 // room for the tallest bar's value
	baseline := o.Height - margin - lh - 4
	if baseline-plotTop < 20 {
		baseline = plotTop + 20
	}
	height := func(v float64) int {
		if v <= 0 || scaleMax <= 0 {
			return 0
		}
		return int(math.Round(v / scaleMax * float64(baseline-plotTop)))
	}
	for v := 0.0; v <= scaleMax+step/2 && step > 0; v += step {
		y := baseline - height(v)
		fillRect(img, x0, y, x1, y+1, o.GridColor)
		t := FormatValue(v)
		w := font.MeasureString(face, t).Ceil()
		drawText(img, face, t, x0-margin/2-w, y-lh/2, o.Foreground)
	}
	fillRect(img, x0, baseline, x1, baseline+1, o.Foreground) // the axis
	slot := float64(x1-x0) / float64(len(bars))
	for i, b := range bars {
		sx := x0 + int(slot*float64(i))
		barW := max(2, int(slot*0.6))
		bx := sx + (int(slot)-barW)/2
		c := b.Color
		if c == nil {
			c = o.BarColor
		}
		h := height(b.Value)
		fillRect(img, bx, baseline-h, bx+barW, baseline, c)
		t := fitText(face, texts[i], int(slot))
		w := font.MeasureString(face, t).Ceil()
		drawText(img, face, t, sx+(int(slot)-w)/2, baseline-h-lh-2, o.Foreground)
		label := fitText(face, b.Label, int(slot)-2)
		w = font.MeasureString(face, label).Ceil()
		drawText(img, face, label, sx+(int(slot)-w)/2, baseline+4, o.Foreground)
	}
}

// chartDefaults fills in the zero fields of o for n bars.
func chartDefaults(o ChartOptions, n int) ChartOptions {
	if o.FontSize <= 0 || math.IsNaN(o.FontSize) {
		o.FontSize = 14
	}
	o.FontSize = math.Round(min(o.FontSize, 200)*2) / 2 // few cached faces
	if o.Width <= 0 {
		o.Width = 800
	}
	if o.Height <= 0 {
		fs := o.FontSize
		if o.Vertical {
			o.Height = int(fs * 24)
		} else {
			// margins, title, rows, tick labels
			o.Height = int(fs*(2*chartMarginEm+chartTitleEm*1.4+0.5+1.6) + fs*chartRowEm*float64(max(n, 1)))
		}
	}
	o.Width, o.Height = min(max(o.Width, 80), maxChartSide), min(max(o.Height, 60), maxChartSide)
	if o.Background == nil {
		o.Background = color.White
	}
	if o.Foreground == nil {
		o.Foreground = color.NRGBA{0x33, 0x33, 0x33, 0xff}
	}
	if o.BarColor == nil {
		o.BarColor = color.NRGBA{0x42, 0x7f, 0xc4, 0xff}
	}
	if o.GridColor == nil {
		o.GridColor = color.NRGBA{0xdd, 0xdd, 0xdd, 0xff}
	}
	return o
}

// niceScale picks gridline steps of 1, 2 or 5 times a power of ten for
// values up to maxV: the step and the top of the scale (a multiple of it,
// at least maxV).
func niceScale(maxV float64) (step, top float64) {
	if maxV <= 0 || math.IsInf(maxV, 0) || math.IsNaN(maxV) {
		return 1, 1
	}
	raw := maxV / 5
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	switch f := raw / p; {
	case f <= 1:
		step = p
	case f <= 2:
		step = 2 * p
	case f <= 5:
		step = 5 * p
	default:
		step = 10 * p
	}
	if maxV >= 1 && step < 1 {
		step = 1 // counts: no fractional gridlines
	}
	top = math.Ceil(maxV/step) * step
	return step, top
}

// FormatValue writes a chart value: whole numbers with thousands
// separators (12,345), others with up to two decimals.
func FormatValue(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		s := strconv.FormatInt(int64(math.Abs(v)), 10)
		var b strings.Builder
		if v < 0 {
			b.WriteByte('-')
		}
		for i, c := range s {
			if i > 0 && (len(s)-i)%3 == 0 {
				b.WriteByte(',')
			}
			b.WriteRune(c)
		}
		return b.String()
	}
	return strings.TrimRight(strings.TrimRight(strconv.FormatFloat(v, 'f', 2, 64), "0"), ".")
}

var (
	chartFontOnce sync.Once
	chartCJK      *opentype.Font // the bundled CJK font (no Latin letters or digits)
	chartLatin    *opentype.Font // Go Regular, for what the CJK font lacks
	chartFontErr  error
	chartFacesMu  sync.Mutex
	chartFaces    = map[float64]font.Face{}
)

// chartFace is the chart font at size pixels: the bundled CJK font, with
// Go Regular for the characters it lacks (Latin letters, digits,
// punctuation). Cached, and safe for concurrent use.
func chartFace(size float64) font.Face {
	chartFontOnce.Do(func() {
		chartCJK, chartFontErr = opentype.Parse(assets.Font)
		if chartFontErr == nil {
			chartLatin, chartFontErr = opentype.Parse(goregular.TTF)
		}
	})
	chartFacesMu.Lock()
	defer chartFacesMu.Unlock()
	if f, ok := chartFaces[size]; ok {
		return f
	}
	if chartFontErr != nil {
		// The embedded fonts are checked by the tests; never fail a chart for them.
		return fallbackFace{}
	}
	fo := &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull}
	cjk, err := opentype.NewFace(chartCJK, fo)
	if err != nil {
		return fallbackFace{}
	}
	latin, err := opentype.NewFace(chartLatin, fo)
	if err != nil {
		return fallbackFace{}
	}
	f := &mixedFace{cjk: cjk, latin: latin, has: map[rune]bool{}}
	chartFaces[size] = f
	return f
}

// mixedFace draws each character with the CJK face if the CJK font has
// it, else with the Latin face. Its methods lock: charts may be drawn on
// several goroutines at once, and faces keep glyph buffers.
type mixedFace struct {
	mu         sync.Mutex
	cjk, latin font.Face
	buf        sfnt.Buffer
	has        map[rune]bool // whether the CJK font has the rune
}

func (f *mixedFace) face(r rune) font.Face {
	has, ok := f.has[r]
	if !ok {
		x, err := chartCJK.GlyphIndex(&f.buf, r)
		has = err == nil && x != 0
		if !has {
			if y, err := chartLatin.GlyphIndex(&f.buf, r); err != nil || y == 0 {
				has = true // neither has it: the CJK font's missing-glyph box
			}
		}
		f.has[r] = has
	}
	if has {
		return f.cjk
	}
	return f.latin
}

func (f *mixedFace) Close() error { return nil }

func (f *mixedFace) Glyph(dot fixed.Point26_6, r rune) (image.Rectangle, image.Image, image.Point, fixed.Int26_6, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	dr, mask, mp, adv, ok := f.face(r).Glyph(dot, r)
	if ok && mask != nil {
		// The mask is the face's buffer, reused by its next call: copy it.
		m := image.NewAlpha(mask.Bounds())
		draw.Draw(m, m.Bounds(), mask, mask.Bounds().Min, draw.Src)
		mask = m
	}
	return dr, mask, mp, adv, ok
}

func (f *mixedFace) GlyphBounds(r rune) (fixed.Rectangle26_6, fixed.Int26_6, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.face(r).GlyphBounds(r)
}

func (f *mixedFace) GlyphAdvance(r rune) (fixed.Int26_6, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.face(r).GlyphAdvance(r)
}

func (f *mixedFace) Kern(r0, r1 rune) fixed.Int26_6 {
	f.mu.Lock()
	defer f.mu.Unlock()
	if a := f.face(r0); a == f.face(r1) {
		return a.Kern(r0, r1)
	}
	return 0
}

// Metrics are the taller of the two faces'.
func (f *mixedFace) Metrics() font.Metrics {
	f.mu.Lock()
	defer f.mu.Unlock()
	m, l := f.cjk.Metrics(), f.latin.Metrics()
	m.Ascent, m.Descent, m.Height = max(m.Ascent, l.Ascent), max(m.Descent, l.Descent), max(m.Height, l.Height)
	return m
}

// fallbackFace draws nothing (only if the embedded font failed to parse).
type fallbackFace struct{}

func (fallbackFace) Close() error { return nil }
func (fallbackFace) Glyph(fixed.Point26_6, rune) (image.Rectangle, image.Image, image.Point, fixed.Int26_6, bool) {
	return image.Rectangle{}, nil, image.Point{}, 0, false
}
func (fallbackFace) GlyphBounds(rune) (fixed.Rectangle26_6, fixed.Int26_6, bool) {
	return fixed.Rectangle26_6{}, fixed.I(8), true
}
func (fallbackFace) GlyphAdvance(rune) (fixed.Int26_6, bool) { return fixed.I(8), true }
func (fallbackFace) Kern(rune, rune) fixed.Int26_6           { return 0 }
func (fallbackFace) Metrics() font.Metrics {
	return font.Metrics{Height: fixed.I(14), Ascent: fixed.I(11), Descent: fixed.I(3)}
}

func lineHeight(face font.Face) int {
	m := face.Metrics()
	return (m.Ascent + m.Descent).Ceil()
}

// drawText draws s with its top-left corner at (x, y).
func drawText(img *image.RGBA, face font.Face, s string, x, y int, c color.Color) {
	d := font.Drawer{Dst: img, Src: image.NewUniform(c), Face: face,
		Dot: fixed.Point26_6{X: fixed.I(x), Y: fixed.I(y) + face.Metrics().Ascent}}
	d.DrawString(s)
}

// fitText cuts s with "…" so that it is at most w pixels wide.
func fitText(face font.Face, s string, w int) string {
	if font.MeasureString(face, s).Ceil() <= w {
		return s
	}
	rs := []rune(s)
	for n := len(rs) - 1; n > 0; n-- {
		t := string(rs[:n]) + "…"
		if font.MeasureString(face, t).Ceil() <= w {
			return t
		}
	}
	if utf8.RuneCountInString(s) > 0 && w > 0 {
		return "…"
	}
	return ""
}

func fillRect(img *image.RGBA, x0, y0, x1, y1 int, c color.Color) {
	draw.Draw(img, image.Rect(x0, y0, x1, y1), image.NewUniform(c), image.Point{}, draw.Over)
}

// WriteChartPNG writes img as a PNG file at path: a temporary file beside
// it, renamed onto path only once complete. path must not be a folder.
func WriteChartPNG(path string, img image.Image) error {
	if isDir(path) {
		return fmt.Errorf("export: %s is a folder: choose a file name for the chart", path)
	}
	return writeFile(path, "", func(w io.Writer) error { return png.Encode(w, img) })
}
