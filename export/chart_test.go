package export

import (
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"testing"
)

var (
	red   = color.NRGBA{0xff, 0, 0, 0xff}
	green = color.NRGBA{0, 0xff, 0, 0xff}
	blue  = color.NRGBA{0, 0, 0xff, 0xff}
)

func sameColor(a, b color.Color) bool {
	r1, g1, b1, a1 := a.RGBA()
	r2, g2, b2, a2 := b.RGBA()
	return r1 == r2 && g1 == g2 && b1 == b2 && a1 == a2
}

// extent finds the bounding box of the pixels of colour c.
func extent(img image.Image, c color.Color) image.Rectangle {
	var r image.Rectangle
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if sameColor(img.At(x, y), c) {
				r = r.Union(image.Rect(x, y, x+1, y+1))
			}
		}
	}
	return r
}

// ink counts the pixels of r that are not the background (white).
func ink(img image.Image, r image.Rectangle) int {
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if !sameColor(img.At(x, y), color.White) {
				n++
			}
		}
	}
	return n
}

func TestBarChartProportional(t *testing.T) {
	bars := []Bar{{Label: "北京市", Value: 10, Color: red}, {Label: "上海", Value: 20, Color: green}, {Label: "广州", Value: 40, Color: blue}}
	for _, tt := range []struct {
		name     string
		vertical bool
	}{{"horizontal", false}, {"vertical", true}} {
		t.Run(tt.name, func(t *testing.T) {
			img := BarChart("城市 cities", bars, ChartOptions{Width: 640, Height: 400, Vertical: tt.vertical})
			if got := img.Bounds().Size(); got != (image.Point{640, 400}) {
				t.Fatalf("size = %v, want 640x400", got)
			}
			var sizes []int
			for _, b := range bars {
				r := extent(img, b.Color)
				if r.Empty() {
					t.Fatalf("no %s bar drawn", b.Label)
				}
				if tt.vertical {
					sizes = append(sizes, r.Dy())
				} else {
					sizes = append(sizes, r.Dx())
				}
			}
			// One scale for all (from the longest bar, the most precise).
			scale := float64(sizes[2]) / bars[2].Value
			for i, b := range bars {
				want := b.Value * scale
				if math.Abs(float64(sizes[i])-want) > 1 {
					t.Errorf("bar %s is %d pixels long, want %.1f (sizes %v)", b.Label, sizes[i], want, sizes)
				}
			}
			if sizes[2] < 100 {
				t.Errorf("the longest bar is %d pixels, want most of the plot", sizes[2])
			}
		})
	}
}

// TestBarChartChinese: labels are drawn with the CJK font — ink where the
// label goes, and two different characters draw differently (not the same
// missing-glyph box).
func TestBarChartChinese(t *testing.T) {
	draw := func(label string) image.Image {
		return BarChart("", []Bar{{Label: label, Value: 5, Color: red}}, ChartOptions{Width: 400, Height: 120})
	}
	labelArea := func(img image.Image) image.Rectangle {
		bar := extent(img, red)
		return image.Rect(0, bar.Min.Y-4, bar.Min.X-1, bar.Max.Y+4)
	}
	// Pairs of characters: a glyph each, and not the same missing-glyph
	// box (the CJK font has no Latin letters or digits: Go Regular draws them).
	for _, pair := range [][2]string{{"北", "京"}, {"臺", "灣"}, {"A", "B"}, {"1", "7"}} {
		a, b := draw(pair[0]), draw(pair[1])
		area := labelArea(a)
		if n := ink(a, area); n < 10 {
			t.Errorf("label %s drew %d pixels in %v, want a glyph", pair[0], n, area)
		}
		diff := 0
		for y := area.Min.Y; y < area.Max.Y; y++ {
			for x := area.Min.X; x < area.Max.X; x++ {
				if !sameColor(a.At(x, y), b.At(x, y)) {
					diff++
				}
			}
		}
		if diff < 10 {
			t.Errorf("%s and %s differ in %d pixels, want different glyphs", pair[0], pair[1], diff)
		}
	}
}

func TestBarChartEdgeCases(t *testing.T) {
	for _, tt := range []struct {
		name string
		bars []Bar
		opts ChartOptions
	}{
		{"no bars", nil, ChartOptions{}},
		{"zeros", []Bar{{Label: "a"}, {Label: "b"}}, ChartOptions{}},
		{"negative and NaN", []Bar{{Label: "a", Value: -3}, {Label: "b", Value: math.NaN()}, {Label: "c", Value: math.Inf(1)}}, ChartOptions{Vertical: true}},
		{"tiny", []Bar{{Label: "一个很长很长的标签名字", Value: 1e9}}, ChartOptions{Width: 1, Height: 1}},
		{"many", make([]Bar, 500), ChartOptions{}},
		{"fractions", []Bar{{Label: "x", Value: 0.25}, {Label: "y", Value: 0.5}}, ChartOptions{Vertical: true}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			img := BarChart("标题", tt.bars, tt.opts)
			if s := img.Bounds().Size(); s.X < 80 || s.Y < 60 {
				t.Errorf("size = %v, want at least 80x60", s)
			}
		})
	}
	// Height 0: as high as the rows need.
	small := BarChart("t", make([]Bar, 2), ChartOptions{})
	big := BarChart("t", make([]Bar, 20), ChartOptions{})
	if small.Bounds().Dy() >= big.Bounds().Dy() {
		t.Errorf("auto height: 2 bars %d px, 20 bars %d px; want more rows taller", small.Bounds().Dy(), big.Bounds().Dy())
	}
}

func TestNiceScale(t *testing.T) {
	for _, tt := range []struct {
		max, step, top float64
	}{
		{0, 1, 1}, {1, 1, 1}, {7, 2, 8}, {10, 2, 10}, {40, 10, 40}, {45, 10, 50}, {999, 200, 1000}, {0.3, 0.1, 0.3},
	} {
		step, top := niceScale(tt.max)
		if math.Abs(step-tt.step) > 1e-9 || math.Abs(top-tt.top) > 1e-9 {
			t.Errorf("niceScale(%v) = %v, %v; want %v, %v", tt.max, step, top, tt.step, tt.top)
		}
	}
}

var formatValueTests = []struct {
	v    float64
	want string
}{
	{0, "0"}, {7, "7"}, {1234, "1,234"}, {1234567, "1,234,567"}, {-1234, "-1,234"}, {0.5, "0.5"}, {12.345, "12.35"}, {2.10, "2.1"},
}

func TestFormatValue(t *testing.T) {
	for _, tt := range formatValueTests {
		if got := FormatValue(tt.v); got != tt.want {
			t.Errorf("FormatValue(%v) = %q, want %q", tt.v, got, tt.want)
		}
	}
}

func FuzzBarChart(f *testing.F) {
	for _, tt := range formatValueTests {
		f.Add("标签", tt.v, 200, 100, false)
	}
	f.Add("", math.NaN(), 0, 0, true)
	f.Fuzz(func(t *testing.T, label string, v float64, w, h int, vertical bool) {
		w, h = w%2000, h%2000
		img := BarChart(label, []Bar{{Label: label, Value: v}, {Label: "x", Value: 1}}, ChartOptions{Width: w, Height: h, Vertical: vertical})
		if img.Bounds().Empty() {
			t.Fatal("empty image")
		}
		FormatValue(v)
	})
}

func TestWriteChartPNG(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "chart.png")
	img := BarChart("标注", []Bar{{Label: "PER", Value: 3}}, ChartOptions{Width: 300, Height: 200})
	for range 2 { // the second write replaces the first
		if err := WriteChartPNG(path, img); err != nil {
			t.Fatal(err)
		}
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := png.Decode(f)
	if err != nil {
		t.Fatalf("the PNG does not decode: %v", err)
	}
	if got.Bounds().Size() != (image.Point{300, 200}) {
		t.Errorf("decoded size = %v, want 300x200", got.Bounds().Size())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("folder holds %d files, want only chart.png (no temporary left)", len(entries))
	}
	if err := WriteChartPNG(dir, img); err == nil {
		t.Error("writing over a folder succeeded")
	}
	if err := WriteChartPNG(filepath.Join(dir, "missing", "c.png"), img); err == nil {
		t.Error("writing into a missing folder succeeded")
	}
}
