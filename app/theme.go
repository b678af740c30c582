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
// The bundled font (assets.Font: Droid Sans Fallback with the CJK symbols,
// enclosed numbers and ideographs it lacked merged in) has CJK glyphs but
// no Latin letters or digits; for those Fyne falls back to its own font of
// the same style, so Latin text stays bold, italic or monospace where
// asked. TestFontCoverage checks that the two together draw every
// character of Chinese corpus text. Colours and sizes are the
// default theme's, asked afresh each time so that the light or dark variant
// the user chose in the settings (or the system) is followed.
//
// Fyne 2.7 has no setter for the light or dark variant (it comes from the
// system), so a theme that is told a variant (Force) ignores the one Fyne
// asks for. (Zoom is the document view's own: it scales only the text
// being annotated.)
type biaozhuTheme struct {
	Variant fyne.ThemeVariant
	Force   bool // use Variant instead of the system's
}

var _ fyne.Theme = biaozhuTheme{}

// newTheme returns the application theme, following the system's variant.
func newTheme() fyne.Theme { return biaozhuTheme{} }

// themeFor returns the theme for a theme preference: "light", "dark", or
// anything else for the system's.
func themeFor(pref string) biaozhuTheme {
	switch pref {
	case "light":
		return biaozhuTheme{Variant: theme.VariantLight, Force: true}
	case "dark":
		return biaozhuTheme{Variant: theme.VariantDark, Force: true}
	}
	return biaozhuTheme{}
}

// Color returns the default theme's colour for the variant Fyne asks for,
// or the forced one.
func (t biaozhuTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if t.Force {
		v = t.Variant
	}
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
