package app

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"github.com/biaozhu/biaozhu/assets"
)

// fontResource is the bundled CJK font as a Fyne resource. It is one value
// for the life of the program so that Fyne's font cache keys stay stable.
var fontResource = fyne.NewStaticResource(assets.FontName, assets.Font)

// biaozhuTheme is Fyne's default theme with the bundled CJK font for every
// text style, so that Chinese never depends on the fonts of the system.
//
// Droid Sans Fallback has CJK glyphs but no Latin letters or digits; for
// those Fyne falls back to its own font of the same style, so Latin text
// stays bold, italic or monospace where asked. Colours and sizes are the
// default theme's, asked afresh each time so that the light or dark variant
// the user chose in the settings (or the system) is followed.
type biaozhuTheme struct{}

var _ fyne.Theme = biaozhuTheme{}

// newTheme returns the application theme.
func newTheme() fyne.Theme { return biaozhuTheme{} }

// Color returns the default theme's colour for the variant Fyne asks for.
func (biaozhuTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	return theme.DefaultTheme().Color(n, v)
}

// Font returns the bundled CJK font for every text style except Symbol,
// which keeps Fyne's symbol font.
func (biaozhuTheme) Font(s fyne.TextStyle) fyne.Resource {
	if s.Symbol {
		return theme.DefaultTheme().Font(s)
	}
	return fontResource
}

// Icon returns the default theme's icon.
func (biaozhuTheme) Icon(n fyne.ThemeIconName) fyne.Resource {
	return theme.DefaultTheme().Icon(n)
}

// Size returns the default theme's size.
func (biaozhuTheme) Size(n fyne.ThemeSizeName) float32 {
	return theme.DefaultTheme().Size(n)
}
