package app

import (
	"fmt"
	"os"
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"github.com/jeandeaual/go-locale"
	"golang.org/x/text/language"

	"github.com/biaozhu/biaozhu/assets"
)

// Translating the user interface.
//
// Every string the UI shows goes through fyne.io/fyne/v2/lang, and the key
// is the English text itself:
//
//	widget.NewButton(lang.L("Add layer"), ...)
//	lang.L("Delete layer {{.Name}} and its labels?", map[string]any{"Name": name})
//	lang.N("{{.Count}} spans", n, map[string]any{"Count": n})
//
// lang.L(key, data...) and lang.N(key, count, data...) use only the first
// data argument: a map[string]any (or a struct with exported fields) whose
// fields the text/template placeholders {{.Field}} name. Pass the data even
// to lang.N: without it {{.Count}} prints "<no value>" (the only field is
// then {{.PluralCount}}). Use lang.N, not lang.L, when the English changes
// with the count ("1 span" / "2 spans"): en.json then carries
// {"one": "{{.Count}} span", "other": "{{.Count}} spans"}; Chinese has one
// form, a plain string. lang.X(key, english) is for the rare key that is
// not the English text (one English word with two meanings).
// fmt.Sprintf(lang.L("%d spans"), n) also works, and the tests check that
// each translation keeps the key's verbs (a translation may reorder them
// with %[2]s), but prefer named placeholders: the translator sees what
// each one is.
//
// Keys are literal strings, so that TestTranslationsComplete finds them. A
// key computed at run time (lang.L(cmd)) must have its values listed in
// dynamicKeys in i18n_test.go; never pass a string that is already
// translated. Never build a sentence from translated pieces: word order
// differs, so give the translator the whole sentence with placeholders.
// Names the user typed (documents, layers, labels) are never translated.
// go-i18n reserves the keys id, description, hash, leftdelim, rightdelim,
// zero, one, two, few, many, other and translation (in any case): in the
// JSON files such a key ("Description") holds {"other": "..."}, not a
// string; the tests say so, and generated files do it themselves.
//
// Files: assets/translations/en.json (only what differs from the key: the
// plural forms), assets/translations/zh_Hans.json (every key, written by
// hand), assets/translations/fyne.zh_Hans.json (a copy of Fyne's own, do
// not edit), assets/hant/zh_Hant.json (generated from the two zh_Hans
// files with OpenCC s2twp plus the reviewed hantTerms and hantFixes in
// i18n_test.go; do not edit it by hand). To add a string:
//
//  1. write lang.L("English text") in the code;
//  2. go test ./app -run TestTranslationsComplete -args -missing
//     fails listing the missing keys and prints them as JSON; paste them
//     into zh_Hans.json (plural keys also into en.json), translate them
//     with the glossary below, keeping the placeholders as they are;
//  3. go test ./app -run TestTranslationsHant -args -update-hant
//     regenerates zh_Hant.json; read its diff (git diff), and where
//     OpenCC kept a mainland word, add a term to hantTerms or a whole
//     message to hantFixes and run it again;
//  4. go test ./app -run 'Translation|Language' passes.
//
// Glossary (English, Simplified, Traditional as used in Taiwan). Use these
// words and no synonyms:
//
//	Project         项目            專案
//	Document        文档            文件
//	File            文件            檔案
//	Folder          文件夹          資料夾
//	Token           词              詞
//	Character       字              字
//	Sentence        句              句
//	Span            片段            片段
//	Layer           层              層
//	Label           标签            標籤
//	Schema          标注方案        標註方案
//	Tag (POS tag)   标记            標記
//	Tagset          标记集          標記集
//	Annotation      标注            標註
//	Suggestion      建议            建議
//	POS             词性            詞性
//	Segmentation    分词            斷詞
//	Split / Merge   拆分 / 合并     拆分 / 合併
//	Note            备注            備註
//	Status          状态            狀態
//	Key (shortcut)  快捷键          快速鍵
//	Colour          颜色            顏色
//	Add / Delete    添加 / 删除     新增 / 刪除
//	Undo / Redo     撤销 / 重做     復原 / 取消復原
//	Import / Export 导入 / 导出     匯入 / 匯出
//	Save / Open     保存 / 打开     儲存 / 開啟
//	Preferences     偏好设置        偏好設定
//	Font            字体            字型
//	Information     信息            資訊
//	Search          搜索            搜尋
//	Default         默认            預設
//	Dictionary      词典            詞典
//	Annotator       标注者          標註者
//	Status "new"    未开始          未開始
//	Character mode  单字模式        單字模式
//	Select          选择            選取
//	Selection       选区            選取範圍
//	Cursor, caret   光标            游標
//	Click / Double-click / Drag
//	                单击 / 双击 / 拖动   按一下 / 按兩下 / 拖曳
//	New (create)    新建            新增 (建立 for "create")
//	Apply           应用            套用
//	Custom          自定义          自訂
//	Demo            示例            範例
//	Column          列              欄 (列 is a row in Taiwan)
//	Help            帮助            說明
//	Quit            退出            結束
//	Quotes          “”              「」
//
// Fyne's own strings (Cancel, Open, Folder...) come from Fyne's
// translations; zh_Hans.json overrides the few whose wording does not
// match the glossary (Fyne has 撤消, we use 撤销).
//
// Fyne 2.7.1's lang has no setter and cannot select Traditional Chinese
// (every zh-* locale matches plain "zh", which go-i18n resolves to
// zh-Hans). useLanguage therefore points LANGUAGE (and LC_MESSAGES, unless
// LC_ALL is set) at "en" or "zh", re-adds the translations, which makes
// lang match the locale again, and for Traditional overwrites the zh-Hans
// messages with zh_Hant.json. The environment stays changed (child
// processes inherit it; harmless).

// languages are the languages offered in Preferences: "" follows the
// system.
var languages = []string{"", "en", "zh-Hans", "zh-Hant"}

// languageName is the name Preferences shows for a language tag of
// languages, each in its own script; "" is "System", translated.
func languageName(tag string) string {
	switch tag {
	case "":
		return lang.L("System")
	case "en":
		return "English"
	case "zh-Hans":
		return "简体中文"
	case "zh-Hant":
		return "繁體中文"
	}
	return tag
}

var (
	// systemLanguage is the language of the system locale, taken before
	// useLanguage changes the environment.
	systemLanguage = languageFor(systemLocale())

	langMu      sync.Mutex
	langCurrent string // set by useLanguage
)

// useLanguage switches the UI language to tag, one of languages ("" is the
// system's). Strings already on screen keep their language: rebuild the
// window content and the main menu afterwards; Fyne's dialogs use the new
// language the next time they open. Call it on the Fyne goroutine, before
// building the UI. It fails when the tag is unknown (a stale preference:
// it then uses the system's language) or when the environment forbids the
// choice (LC_ALL=C); currentLanguage() says which language is in effect.
func useLanguage(tag string) error {
	want := tag
	var unknown error
	switch want {
	case "en", "zh-Hans", "zh-Hant":
	case "":
		want = systemLanguage
	default:
		want = systemLanguage
		unknown = fmt.Errorf("app: unknown language %q; using the system's, %s", tag, want)
	}
	env := "en"
	if strings.HasPrefix(want, "zh") {
		env = "zh"
	}
	// Set LANGUAGE first: with it set, lang no longer logs "Error parsing
	// user locale C" on each re-match under LANG=C.UTF-8.
	_ = os.Setenv("LANGUAGE", env)
	if os.Getenv("LC_ALL") == "" {
		_ = os.Setenv("LC_MESSAGES", env) // so that LANG=C does not hide LANGUAGE
	}
	err := loadTranslations(want == "zh-Hant")
	// Each file names its language under this key, so it tells which one
	// lang actually matched.
	got := lang.X("language.tag", "en")
	langMu.Lock()
	langCurrent = got
	langMu.Unlock()
	if err == nil {
		err = unknown
	}
	if err == nil && got != want {
		err = fmt.Errorf("app: language %s could not be selected (LC_ALL=%q); the interface is in %s",
			want, os.Getenv("LC_ALL"), languageName(got))
	}
	return err
}

// loadTranslations adds the translations again, which makes lang match
// the environment again, and with hant overwrites the zh-Hans messages
// with the Traditional ones.
func loadTranslations(hant bool) error {
	if err := lang.AddTranslationsFS(assets.Translations, "translations"); err != nil {
		return fmt.Errorf("app: translations: %w", err)
	}
	if !hant {
		return nil
	}
	if err := lang.AddTranslationsForLocale(assets.TranslationsHant, fyne.Locale("zh-Hans")); err != nil {
		return fmt.Errorf("app: translations: hant/zh_Hant.json: %w", err)
	}
	return nil
}

// currentLanguage is the language in effect ("en", "zh-Hans" or
// "zh-Hant") after the last useLanguage; before the first, it is the
// system's, the one useLanguage("") selects.
func currentLanguage() string {
	langMu.Lock()
	defer langMu.Unlock()
	if langCurrent == "" {
		return systemLanguage
	}
	return langCurrent
}

// systemLocale is the user's preferred locale as lang sees it (on Unix:
// the first entry of LANGUAGE, unless LC_ALL, LC_MESSAGES or LANG is C or
// POSIX, else that variable), or "" when there is none.
func systemLocale() string {
	all, err := locale.GetLocales()
	if err != nil {
		fyne.LogError("app: reading the system locale", err)
		return ""
	}
	for _, l := range all {
		if l != "" {
			return l
		}
	}
	return ""
}

// languageFor maps a locale ("zh_TW.UTF-8", "zh-Hant-HK", "fr", "C") to
// one of our languages: Chinese in the Traditional script (Taiwan, Hong
// Kong, Macao, or Hant named) is "zh-Hant", other Chinese "zh-Hans",
// anything else "en".
func languageFor(loc string) string {
	loc, _, _ = strings.Cut(loc, ".")
	loc, _, _ = strings.Cut(loc, "@")
	loc = strings.ReplaceAll(loc, "_", "-")
	if t, err := language.Parse(loc); err == nil {
		b, _ := t.Base()
		if b.String() != "zh" && b.String() != "yue" {
			return "en"
		}
		if s, _ := t.Script(); s.String() == "Hant" {
			return "zh-Hant"
		}
		return "zh-Hans"
	}
	// Not BCP 47 (for example "zh-TW-Hant"): look at the parts.
	parts := strings.Split(strings.ToLower(loc), "-")
	if parts[0] != "zh" {
		return "en"
	}
	for _, p := range parts[1:] {
		switch p {
		case "hans":
			return "zh-Hans"
		case "hant", "tw", "hk", "mo":
			return "zh-Hant"
		}
	}
	return "zh-Hans"
}

// joinList joins names for a sentence of the UI with the language's list
// separator: ", " in English, "、" in Chinese.
func joinList(names []string) string { return strings.Join(names, lang.L(", ")) }
