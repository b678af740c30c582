package assets

import _ "embed"

// Font is the bundled CJK font, Droid Sans Fallback (full), from Debian's
// fonts-droid-fallback package. Fyne's own fonts have no Chinese glyphs,
// so the app theme draws every text style with this one.
//
//go:embed fonts/DroidSansFallbackFull.ttf
var Font []byte

// FontName is the file name of Font.
const FontName = "DroidSansFallbackFull.ttf"

// FontLicense is the licence of Font: its source, copyright notice and the
// full text of the Apache License 2.0.
//
//go:embed fonts/LICENSE.txt
var FontLicense string

// Icon is the application icon, a 512x512 PNG.
//
//go:embed icon.png
var Icon []byte

// IconName is the file name of Icon.
const IconName = "icon.png"
