package assets

import "embed"

// Translations holds the UI translations for fyne.io/fyne/v2/lang, as
// translations/<lang>.json (en.json, zh_Hans.json) plus
// translations/fyne.zh_Hans.json, a verbatim copy of Fyne's own
// Simplified Chinese strings (BSD-3, see translations/LICENSE-fyne): the
// app reloads it so that switching back from Traditional restores them.
// Load it with lang.AddTranslationsFS(Translations, "translations"); the
// files load in name order, so ours override Fyne's.
//
// It holds no zh_Hant file on purpose: see TranslationsHant.
//
//go:embed translations/*.json
var Translations embed.FS

// TranslationsHant is the Traditional Chinese translation (Taiwan usage):
// our strings and Fyne's, converted from the Simplified files with OpenCC
// s2twp and reviewed by hand (regenerate it with
// `go test ./app -run TestTranslationsHant -args -update-hant`). Fyne 2.7.1's
// lang reduces every Chinese locale to "zh", which selects zh-Hans, so the
// app loads this file in place of the zh-Hans messages instead of adding
// it under its own tag.
//
//go:embed hant/zh_Hant.json
var TranslationsHant []byte

// FyneLicense is the licence of Fyne's strings in Translations and
// TranslationsHant.
//
//go:embed translations/LICENSE-fyne
var FyneLicense string
