package assets

import _ "embed"

// Font is the bundled CJK font, Biaozhu Sans CJK: Droid Sans Fallback
// (full) with the glyphs it lacks for Chinese corpus text (〈 〉, ①, the
// newest ideographs of U+4E00–U+9FFF, …) merged in from Noto Sans CJK SC,
// Noto Sans and LXGW WenKai, all from Debian's font packages, by
// fonts/mergefont.py (make font). Fyne's own fonts have no Chinese glyphs,
// so the app theme draws every text style with this one.
//
//go:embed fonts/BiaozhuSansCJK.ttf
var Font []byte

// FontName is the file name of Font.
const FontName = "BiaozhuSansCJK.ttf"

// FontLicense is the licence of Font: its sources, their copyright notices
// and the full texts of the SIL Open Font License 1.1 and the Apache
// License 2.0.
//
//go:embed fonts/LICENSE.txt
var FontLicense string

// Icon is the application icon, a 512x512 PNG.
//
//go:embed icon.png
var Icon []byte

// IconName is the file name of Icon.
const IconName = "icon.png"
