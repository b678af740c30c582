package app

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"text/template"

	"fyne.io/fyne/v2/lang"
	"github.com/longbridgeapp/opencc"

	"github.com/biaozhu/biaozhu/annotate"
)

var (
	flagMissing = flag.Bool("missing", false,
		"TestTranslationsComplete: print the keys missing from the translations as JSON, to paste into assets/translations/zh_Hans.json and en.json")
	flagUpdateHant = flag.Bool("update-hant", false,
		"TestTranslationsHant: regenerate assets/hant/zh_Hant.json (and the copy of Fyne's zh_Hans strings)")
)

// The translation files, from the package directory.
const (
	i18nEnFile       = "../assets/translations/en.json"
	i18nHansFile     = "../assets/translations/zh_Hans.json"
	i18nFyneHansFile = "../assets/translations/fyne.zh_Hans.json"
	i18nHantFile     = "../assets/hant/zh_Hant.json"
)

// dynamicKeys are the keys the code translates from an expression
// (lang.L(cmd)), which the scan of the source cannot read: by the
// expression as written in the call, the values it can have.
func dynamicKeys() map[string][]string {
	cmds := slices.Sorted(maps.Values(annotate.ReservedKeys)) // schemaeditor.go
	return map[string][]string{
		"cmd": slices.Compact(cmds),
		"string(sp.Origin)": { // panels.go
			string(annotate.OriginManual), string(annotate.OriginSuggested), string(annotate.OriginImported),
		},
	}
}

// hantTerms are the reviewed corrections of OpenCC's s2twp output applied
// to every string, in order: mainland words it keeps, and the glossary in
// i18n.go. hantFixes then replace whole messages, by key.
var hantTerms = []struct{ from, to, notAfter string }{
	{"快捷鍵", "快速鍵", ""},
	{"示例", "範例", ""},
	{"分詞", "斷詞", "拆"}, // segmentation, not 拆分詞 (split a token)
	{"撤銷", "復原", ""},
	{"自定義", "自訂", ""},
	{"選區", "選取範圍", ""},
	{"新建", "新增", ""},
	{"拖動", "拖曳", ""},
	{"雙擊", "按兩下", ""},
	{"單擊", "按一下", ""},
	{"擴充套件", "擴展", ""}, // s2twp takes 扩展 for a browser extension
	{"“", "「", ""}, {"”", "」", ""}, {"‘", "『", ""}, {"’", "』", ""},
}

// hantFixes are the reviewed translations, by key, where OpenCC and
// hantTerms are not enough. TestTranslationsHant fails when a fix is for a
// key that no longer exists.
var hantFixes = map[string]string{
	"Apply label":      "套用標籤",
	"Apply label…":     "套用標籤…",
	"Name column":      "名稱欄",
	"Text column":      "文字欄",
	"Layer for labels": "標籤所在層",
	// Fyne's strings
	"Advanced":      "進階",
	"Create Folder": "建立資料夾",
	"Favourites":    "我的最愛",
	"Quit":          "結束",
	"Redo":          "取消復原",
	"file.parent":   "上層資料夾",
	// ours
	"Apply":                "套用",
	"Help":                 "說明",
	"Extend the selection": "延伸選取範圍",
	"Leave character mode / collapse the selection": "離開單字模式 / 取消選取",
	"Nothing to redo": "沒有可取消復原的操作",
	"One character: typing it applies the label":   "單一字元：按下此鍵即套用此標籤",
	"Open or create a project first":               "請先開啟或建立專案",
	"POS column":                                   "詞性欄",
	"Select characters inside tokens":              "選取詞內的字",
	"Select some text first":                       "請先選取文字",
	"Select the span":                              "選取片段",
	"Select tokens":                                "選取詞",
	"Select two or more tokens to merge (Shift+→)": "請先選取兩個以上的詞再合併（Shift+→）",
	"Space":         "空白鍵",
	"space":         "空白鍵",
	"This document": "目前文件",
	"Redone: %s":    "已取消復原：%s",
}

// i18nKey is a translation key used in the code.
type i18nKey struct {
	plural  bool   // used with lang.N or lang.XN
	english string // the English text: the key, or lang.X's fallback
	pos     string // where it is first used
}

// sourceKeys scans the package's non-test files for calls of lang.L, X, N
// and XN (and their long names) and returns their keys, and the places
// whose key is not a literal string, with the key's expression.
func sourceKeys(t *testing.T) (map[string]i18nKey, map[string]string) {
	t.Helper()
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	keys := map[string]i18nKey{}
	dynamic := map[string]string{} // where: the expression
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatalf("parsing %s: %v", name, err)
		}
		local := "" // the name the file imports lang under
		for _, imp := range f.Imports {
			if p, _ := strconv.Unquote(imp.Path.Value); p == "fyne.io/fyne/v2/lang" {
				local = "lang"
				if imp.Name != nil {
					local = imp.Name.Name
				}
			}
		}
		if local == "" {
			continue
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if id, ok := sel.X.(*ast.Ident); !ok || id.Name != local {
				return true
			}
			var plural, keyed bool
			switch sel.Sel.Name {
			case "L", "Localize":
			case "X", "LocalizeKey":
				keyed = true
			case "N", "LocalizePlural":
				plural = true
			case "XN", "LocalizePluralKey":
				plural, keyed = true, true
			default:
				return true
			}
			pos := fset.Position(call.Pos())
			where := fmt.Sprintf("%s:%d", pos.Filename, pos.Line)
			key, ok := i18nStringLit(call.Args[0])
			if !ok {
				dynamic[where] = types.ExprString(call.Args[0])
				return true
			}
			english := key
			if keyed && len(call.Args) > 1 {
				if fb, ok := i18nStringLit(call.Args[1]); ok {
					english = fb
				}
			}
			k, seen := keys[key]
			if !seen {
				k = i18nKey{english: english, pos: where}
			}
			k.plural = k.plural || plural
			keys[key] = k
			return true
		})
	}
	return keys, dynamic
}

// i18nStringLit is the value of a string literal, or of literals joined with +.
func i18nStringLit(e ast.Expr) (string, bool) {
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(e.Value)
		return s, err == nil
	case *ast.BinaryExpr:
		if e.Op != token.ADD {
			return "", false
		}
		x, ok1 := i18nStringLit(e.X)
		y, ok2 := i18nStringLit(e.Y)
		return x + y, ok1 && ok2
	case *ast.ParenExpr:
		return i18nStringLit(e.X)
	}
	return "", false
}

// allKeys are the keys of the code and of dynamicKeys, and the calls
// whose key the scan cannot read and dynamicKeys does not list.
func allKeys(t *testing.T) (map[string]i18nKey, []string) {
	t.Helper()
	keys, dynamic := sourceKeys(t)
	known := dynamicKeys()
	var unknown []string
	for _, where := range slices.Sorted(maps.Keys(dynamic)) {
		values, ok := known[dynamic[where]]
		if !ok {
			unknown = append(unknown, fmt.Sprintf("%s: lang.L(%s)", where, dynamic[where]))
		}
		for _, k := range values {
			if _, ok := keys[k]; !ok {
				keys[k] = i18nKey{english: k, pos: where}
			}
		}
	}
	return keys, unknown
}

// i18nReserved are the words go-i18n reserves in message files (compared
// in lower case): a key that is one of them must hold an object,
// {"other": "..."}, not a string, or the whole file fails to load.
var i18nReserved = map[string]bool{
	"id": true, "description": true, "hash": true, "leftdelim": true, "rightdelim": true,
	"zero": true, "one": true, "two": true, "few": true, "many": true, "other": true, "translation": true,
}

// readMessages reads a translation file: key to a string, or to plural
// forms ({"one": ..., "other": ...}).
func readMessages(t *testing.T, path string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]any{}
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	for k, v := range m {
		switch v := v.(type) {
		case string:
			if i18nReserved[strings.ToLower(k)] {
				t.Errorf(`%s: %q is a word go-i18n reserves: write it as {"other": %q}`, path, k, v)
			}
		case map[string]any:
			for form, s := range v {
				if _, ok := s.(string); !ok {
					t.Errorf("%s: %q: form %q is not a string", path, k, form)
				}
			}
		default:
			t.Errorf("%s: %q is neither a string nor plural forms", path, k)
		}
	}
	return m
}

// hansMessages are the zh-Hans messages the app loads: Fyne's, then ours.
func hansMessages(t *testing.T) map[string]any {
	t.Helper()
	m := readMessages(t, i18nFyneHansFile)
	for k, v := range readMessages(t, i18nHansFile) {
		m[k] = v
	}
	return m
}

// messageTexts are the strings of a message: itself, or its plural forms.
func messageTexts(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case map[string]any:
		var out []string
		for _, form := range slices.Sorted(maps.Keys(v)) {
			if s, ok := v[form].(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// hasTranslation says whether a message has a non-empty text (its "other"
// form, for plural forms).
func hasTranslation(v any) bool {
	switch v := v.(type) {
	case string:
		return v != ""
	case map[string]any:
		s, _ := v["other"].(string)
		return s != ""
	}
	return false
}

// TestTranslationsComplete checks that every key the code uses has a
// Simplified and a Traditional translation, and English plural forms when
// it is used with lang.N. With -missing it prints the missing keys as JSON.
func TestTranslationsComplete(t *testing.T) {
	keys, unknown := allKeys(t)
	for _, call := range unknown {
		t.Errorf("%s: the key is not a literal string: use one, or list the values of the expression in dynamicKeys in i18n_test.go (and never pass a string that is translated already)", call)
	}
	en := readMessages(t, i18nEnFile)
	hans := hansMessages(t)
	hant := readMessages(t, i18nHantFile)

	var missEn, missHans, missHant []string
	for k, m := range keys {
		if k == "translation" {
			t.Errorf(`%s: go-i18n cannot load the key "translation": use lang.X with another key`, m.pos)
		}
		if m.plural {
			forms, _ := en[k].(map[string]any)
			if forms["one"] == nil || forms["other"] == nil {
				missEn = append(missEn, k)
			}
		}
		if !hasTranslation(hans[k]) {
			missHans = append(missHans, k)
		}
		if !hasTranslation(hant[k]) {
			missHant = append(missHant, k)
		}
	}
	sort.Strings(missEn)
	sort.Strings(missHans)
	sort.Strings(missHant)

	list := func(ks []string) string {
		var b strings.Builder
		for _, k := range ks {
			fmt.Fprintf(&b, "\n\t%q (%s)", k, keys[k].pos)
		}
		return b.String()
	}
	const hint = "go test ./app -run TestTranslationsComplete -args -missing prints them as JSON"
	if len(missHans) > 0 {
		t.Errorf("%s lacks %d keys (%s):%s", i18nHansFile, len(missHans), hint, list(missHans))
	}
	if len(missEn) > 0 {
		t.Errorf("%s lacks the plural forms (one, other) of %d keys used with lang.N (%s):%s", i18nEnFile, len(missEn), hint, list(missEn))
	}
	if len(missHant) > 0 {
		t.Errorf("%s lacks %d keys (translate them in zh_Hans.json, then go test ./app -run TestTranslationsHant -args -update-hant):%s",
			i18nHantFile, len(missHant), list(missHant))
	}

	if *flagMissing {
		hansSkel := map[string]any{}
		for _, k := range missHans {
			hansSkel[k] = ""
		}
		enSkel := map[string]any{}
		for _, k := range missEn {
			enSkel[k] = map[string]string{"one": keys[k].english, "other": keys[k].english}
		}
		fmt.Printf("\n// missing from %s (translate; keep the {{.Placeholders}})\n%s", i18nHansFile, encodeMessages(t, hansSkel))
		if len(enSkel) > 0 {
			fmt.Printf("// missing from %s (plural forms)\n%s", i18nEnFile, encodeMessages(t, enSkel))
		}
	}

	// Unused keys do no harm (and may be on their way), so they are only
	// logged.
	fyne := readMessages(t, i18nFyneHansFile)
	for _, f := range []string{i18nHansFile, i18nEnFile} {
		for _, k := range slices.Sorted(maps.Keys(readMessages(t, f))) {
			if _, used := keys[k]; !used && k != "language.tag" && fyne[k] == nil {
				t.Logf("%s: %q is not used by the code", f, k)
			}
		}
	}
}

var (
	i18nPlaceholderRE = regexp.MustCompile(`\{\{-?\s*(.*?)\s*-?\}\}`)
	i18nVerbRE        = regexp.MustCompile(`%(\[\d+\])?[-+# 0]*\d*(\.\d+)?[a-zA-Z%]`)
)

// msgPlaceholders are the template actions of s, sorted, without duplicates,
// and its fmt verbs (for the keys used with fmt.Sprintf) in order, as
// "%d"; with explicit argument indexes ("%[2]s") in argument order, so
// that a translation may reorder them.
func msgPlaceholders(s string) []string {
	var out []string
	for _, m := range i18nPlaceholderRE.FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	sort.Strings(out)
	out = slices.Compact(out)
	var verbs []string
	indexed := false
	for _, m := range i18nVerbRE.FindAllStringSubmatch(s, -1) {
		if m[0] == "%%" {
			continue
		}
		indexed = indexed || m[1] != ""
		verbs = append(verbs, m[1]+strings.Replace(m[0], m[1], "", 1))
	}
	if indexed {
		// "%[2]s" sorts by its index; unindexed verbs follow the previous one
		n := 0
		keyed := make([]string, len(verbs))
		for i, v := range verbs {
			if strings.HasPrefix(v, "[") {
				n, _ = strconv.Atoi(v[1:strings.Index(v, "]")])
				v = v[strings.Index(v, "]")+1:]
			} else {
				n++
			}
			keyed[i] = fmt.Sprintf("%03d%s", n, v)
		}
		sort.Strings(keyed)
		for i, k := range keyed {
			verbs[i] = k[3:]
		}
	}
	return append(out, verbs...)
}

// TestTranslationsPlaceholders checks that every translation parses as a
// template and uses the placeholders of its English text.
func TestTranslationsPlaceholders(t *testing.T) {
	keys, _ := allKeys(t)
	for _, f := range []string{i18nEnFile, i18nHansFile, i18nFyneHansFile, i18nHantFile} {
		for k, v := range readMessages(t, f) {
			english := k
			if m, ok := keys[k]; ok {
				english = m.english
			}
			want := msgPlaceholders(english)
			for _, s := range messageTexts(v) {
				if _, err := template.New(k).Parse(s); err != nil {
					t.Errorf("%s: %q: %v", f, k, err)
					continue
				}
				got := msgPlaceholders(s)
				if f == i18nEnFile { // the "one" form may say "1" instead of {{.Count}}
					for _, p := range got {
						if !slices.Contains(want, p) {
							t.Errorf("%s: %q: %q has {{%s}}, which %q lacks", f, k, s, p, english)
						}
					}
					continue
				}
				if !slices.Equal(got, want) {
					t.Errorf("%s: %q: %q has placeholders %q, want %q", f, k, s, got, want)
				}
			}
		}
	}
}

// encodeMessages is the JSON of a translation file: sorted keys, four
// spaces, no HTML escapes, a final newline; a key go-i18n reserves holds
// {"other": text}.
func encodeMessages(t *testing.T, m map[string]any) []byte {
	t.Helper()
	m = maps.Clone(m)
	for k, v := range m {
		if s, ok := v.(string); ok && i18nReserved[strings.ToLower(k)] {
			m[k] = map[string]any{"other": s}
		}
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "    ")
	if err := enc.Encode(m); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// generateHant is zh_Hant.json as zh_Hans.json and Fyne's strings give it:
// converted with OpenCC s2twp, then hantFixes.
func generateHant(t *testing.T) map[string]any {
	t.Helper()
	conv := hantConverter(t)
	out := map[string]any{}
	for k, v := range hansMessages(t) {
		switch v := v.(type) {
		case string:
			out[k] = conv(v)
		case map[string]any:
			forms := map[string]any{}
			for form, s := range v {
				forms[form] = conv(s.(string))
			}
			out[k] = forms
		}
	}
	for k, fix := range hantFixes {
		if _, ok := out[k]; !ok {
			t.Errorf("hantFixes: %q is in neither %s nor %s", k, i18nHansFile, i18nFyneHansFile)
			continue
		}
		out[k] = fix
	}
	out["language.tag"] = "zh-Hant"
	return out
}

// hantConverter converts simplified Chinese as the translations are: with
// OpenCC s2twp, then hantTerms.
func hantConverter(t *testing.T) func(string) string {
	t.Helper()
	cc, err := opencc.New("s2twp")
	if err != nil {
		t.Fatal(err)
	}
	return func(s string) string {
		out, err := cc.Convert(s)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range hantTerms {
			out = replaceTerm(out, r.from, r.to, r.notAfter)
		}
		return out
	}
}

// presetFile is a POS preset file (assets/schemas/pos-*.json), in the
// order of its fields.
type presetFile struct {
	Name        string         `json:"name"`
	Description string         `json:"description,omitempty"`
	Gloss       annotate.Gloss `json:"gloss"`
	Tags        []struct {
		Name        string         `json:"name"`
		Description string         `json:"description,omitempty"`
		Gloss       annotate.Gloss `json:"gloss"`
	} `json:"tags"`
}

// TestPresetGlossesHant checks that the traditional glosses of the POS
// presets are what their simplified ones give, converted as the
// translations are (so that 繁體中文 shows no simplified characters);
// -update-hant rewrites them.
func TestPresetGlossesHant(t *testing.T) {
	conv := hantConverter(t)
	files, err := filepath.Glob("../assets/schemas/pos-*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no preset files: %v", err)
	}
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var f presetFile
		if err := json.Unmarshal(data, &f); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		check := func(what string, g *annotate.Gloss) {
			want := conv(g.Hans)
			if g.Hant != want && !*flagUpdateHant {
				t.Errorf("%s: %s: zh_Hant gloss %q, want %q (go test ./app -run TestPresetGlossesHant -args -update-hant)", path, what, g.Hant, want)
			}
			g.Hant = want
		}
		check("the tagset", &f.Gloss)
		for i := range f.Tags {
			check(f.Tags[i].Name, &f.Tags[i].Gloss)
		}
		if *flagUpdateHant {
			var b bytes.Buffer
			enc := json.NewEncoder(&b)
			enc.SetEscapeHTML(false)
			enc.SetIndent("", "  ")
			if err := enc.Encode(f); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// entityFile is the entity preset (assets/schemas/entities.json), in the
// order of its fields.
type entityFile struct {
	Name        string         `json:"name"`
	Overlap     string         `json:"overlap"`
	Description string         `json:"description"`
	Gloss       annotate.Gloss `json:"gloss"`
	Labels      []struct {
		Name        string         `json:"name"`
		Color       string         `json:"color,omitempty"`
		Key         string         `json:"key,omitempty"`
		Description string         `json:"description,omitempty"`
		Gloss       annotate.Gloss `json:"gloss"`
		POS         []string       `json:"pos,omitempty"`
	} `json:"labels"`
}

// TestEntityGlossesHant checks that the entity preset's layer and labels
// have a gloss in English and simplified Chinese, and that their
// traditional glosses are what the simplified ones give, converted as the
// translations are; -update-hant rewrites them.
func TestEntityGlossesHant(t *testing.T) {
	const path = "../assets/schemas/entities.json"
	conv := hantConverter(t)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var f entityFile
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields() // a field entityFile lacks would be lost by -update-hant
	if err := dec.Decode(&f); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	check := func(what string, g *annotate.Gloss) {
		if g.En == "" || g.Hans == "" {
			t.Errorf("%s: %s: gloss %+v lacks English or simplified Chinese", path, what, *g)
		}
		want := conv(g.Hans)
		if g.Hant != want && !*flagUpdateHant {
			t.Errorf("%s: %s: zh_Hant gloss %q, want %q (go test ./app -run TestEntityGlossesHant -args -update-hant)", path, what, g.Hant, want)
		}
		g.Hant = want
	}
	check("the layer", &f.Gloss)
	for i := range f.Labels {
		check(f.Labels[i].Name, &f.Labels[i].Gloss)
	}
	if *flagUpdateHant {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(f); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// replaceTerm replaces each from in s by to, except where it follows
// notAfter (when not "").
func replaceTerm(s, from, to, notAfter string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, from)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		if notAfter != "" && strings.HasSuffix(b.String()+s[:i], notAfter) {
			b.WriteString(from)
		} else {
			b.WriteString(to)
		}
		s = s[i+len(from):]
	}
}

// TestTranslationsHant checks that zh_Hant.json is what zh_Hans.json,
// Fyne's strings and hantFixes give; -update-hant rewrites it.
func TestTranslationsHant(t *testing.T) {
	gen := generateHant(t)
	want := encodeMessages(t, gen)
	if *flagUpdateHant {
		if err := os.WriteFile(i18nHantFile, want, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s: review its diff", i18nHantFile)
		return
	}
	got, err := os.ReadFile(i18nHantFile)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(got, want) {
		return
	}
	cur := readMessages(t, i18nHantFile)
	var diff []string
	for _, k := range slices.Sorted(maps.Keys(gen)) {
		if g, w := fmt.Sprint(cur[k]), fmt.Sprint(gen[k]); g != w {
			diff = append(diff, fmt.Sprintf("\n\t%q: file has %q, generated %q", k, g, w))
		}
	}
	for k := range cur {
		if _, ok := gen[k]; !ok {
			diff = append(diff, fmt.Sprintf("\n\t%q: not in zh_Hans.json any more", k))
		}
	}
	t.Errorf("%s is out of date (go test ./app -run TestTranslationsHant -args -update-hant, then review the diff):%s",
		i18nHantFile, strings.Join(diff, ""))
}

// TestTranslationsFyneCopy checks that our copy of Fyne's zh_Hans strings
// is the one of the Fyne version we build with (switching back from
// Traditional restores Fyne's strings from it). -update-hant refreshes it.
func TestTranslationsFyneCopy(t *testing.T) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "fyne.io/fyne/v2").Output()
	dir := strings.TrimSpace(string(out))
	if err != nil || dir == "" {
		t.Skipf("cannot locate fyne.io/fyne/v2 in the module cache: %v", err)
	}
	want, err := os.ReadFile(filepath.Join(dir, "lang", "translations", "base.zh_Hans.json"))
	if err != nil {
		t.Skipf("Fyne's base.zh_Hans.json: %v", err)
	}
	if *flagUpdateHant {
		if err := os.WriteFile(i18nFyneHansFile, want, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(i18nFyneHansFile)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from %s's (a new Fyne?): run go test ./app -run 'TestTranslations(FyneCopy|Hant)' -args -update-hant and review",
			i18nFyneHansFile, dir)
	}
}

// clearLocaleEnv restores the locale environment after the test and
// clears it for it, LANG=lang.
func clearLocaleEnv(t *testing.T, langEnv string) {
	t.Helper()
	for _, v := range []string{"LANGUAGE", "LC_ALL", "LC_MESSAGES"} {
		t.Setenv(v, "")
	}
	t.Setenv("LANG", langEnv)
	// Cleanups run last first: this one before the environment is restored.
	t.Cleanup(func() {
		if err := useLanguage("en"); err != nil {
			t.Errorf("restoring English: %v", err)
		}
	})
}

func TestUseLanguage(t *testing.T) {
	clearLocaleEnv(t, "C.UTF-8")
	tests := []struct {
		tag                                        string
		folder, cancel, undo, addLayer, tags, desc string
	}{
		{"en", "Folder", "Cancel", "Undo", "Add layer", "3 tags", "Description"},
		{"zh-Hans", "文件夹", "取消", "撤销", "添加层", "3 个标记", "说明"},
		{"zh-Hant", "資料夾", "取消", "復原", "新增層", "3 個標記", "說明"},
		{"en", "Folder", "Cancel", "Undo", "Add layer", "3 tags", "Description"},
		{"zh-Hant", "資料夾", "取消", "復原", "新增層", "3 個標記", "說明"},
		{"zh-Hans", "文件夹", "取消", "撤销", "添加层", "3 个标记", "说明"},
		{"zh-Hant", "資料夾", "取消", "復原", "新增層", "3 個標記", "說明"},
		{"en", "Folder", "Cancel", "Undo", "Add layer", "3 tags", "Description"},
	}
	for i, tt := range tests {
		t.Run(fmt.Sprintf("%d-%s", i, tt.tag), func(t *testing.T) {
			if err := useLanguage(tt.tag); err != nil {
				t.Fatal(err)
			}
			if got := currentLanguage(); got != tt.tag {
				t.Errorf("currentLanguage() = %q, want %q", got, tt.tag)
			}
			for _, c := range []struct{ key, got, want string }{
				{"Folder", lang.L("Folder"), tt.folder},
				{"Cancel", lang.L("Cancel"), tt.cancel},
				{"Undo", lang.L("Undo"), tt.undo},
				{"Add layer", lang.L("Add layer"), tt.addLayer},
				{"{{.Count}} tags", lang.L("{{.Count}} tags", map[string]any{"Count": 3}), tt.tags},
				{"Description", lang.L("Description"), tt.desc}, // a go-i18n reserved word
				{"joinList", joinList([]string{"POS", "BOM", "UTF-16"}), map[string]string{"en": "POS, BOM, UTF-16"}[tt.tag] + map[bool]string{true: "POS、BOM、UTF-16"}[tt.tag != "en"]},
			} {
				if c.got != c.want {
					t.Errorf("lang.L(%q) = %q, want %q", c.key, c.got, c.want)
				}
			}
		})
	}
}

func TestUseLanguageSystem(t *testing.T) {
	for _, env := range []string{"C.UTF-8", "C", "POSIX", "", "zh_TW.UTF-8", "zh_CN.UTF-8", "fr_FR.UTF-8"} {
		t.Run("LANG="+env, func(t *testing.T) {
			clearLocaleEnv(t, env)
			want := map[string]string{"zh_TW.UTF-8": "zh-Hant", "zh_CN.UTF-8": "zh-Hans"}[env]
			if want == "" {
				want = "en"
			}
			if got := languageFor(systemLocale()); got != want {
				t.Errorf("languageFor(systemLocale()) = %q, want %q", got, want)
			}
			// useLanguage("") uses the snapshot taken at start.
			if err := useLanguage(""); err != nil {
				t.Fatal(err)
			}
			if got := currentLanguage(); got != systemLanguage {
				t.Errorf("currentLanguage() = %q, want the system's %q", got, systemLanguage)
			}
		})
	}
}

func TestUseLanguageErrors(t *testing.T) {
	clearLocaleEnv(t, "C.UTF-8")
	if err := useLanguage("fr"); err == nil {
		t.Error(`useLanguage("fr") = nil, want an error`)
	}
	if got := currentLanguage(); got != systemLanguage {
		t.Errorf(`after useLanguage("fr"), currentLanguage() = %q, want the system's %q`, got, systemLanguage)
	}
	t.Setenv("LC_ALL", "C") // hides LANGUAGE from lang
	if err := useLanguage("zh-Hans"); err == nil {
		t.Error(`useLanguage("zh-Hans") under LC_ALL=C = nil, want an error`)
	}
	if got := currentLanguage(); got != "en" {
		t.Errorf("currentLanguage() = %q, want %q", got, "en")
	}
}

func TestLanguageFor(t *testing.T) {
	tests := []struct{ locale, want string }{
		{"zh_TW", "zh-Hant"},
		{"zh_TW.UTF-8", "zh-Hant"},
		{"zh-TW", "zh-Hant"},
		{"zh_HK", "zh-Hant"},
		{"zh_HK.Big5-HKSCS", "zh-Hant"},
		{"zh_MO", "zh-Hant"},
		{"zh-Hant", "zh-Hant"},
		{"zh_Hant", "zh-Hant"},
		{"zh-Hant-CN", "zh-Hant"},
		{"zh-Hant_TW", "zh-Hant"}, // go-locale's form of zh_Hant_TW
		{"zh-TW-Hant", "zh-Hant"}, // not BCP 47
		{"yue", "zh-Hant"},
		{"zh_CN", "zh-Hans"},
		{"zh_CN.UTF-8", "zh-Hans"},
		{"zh_SG", "zh-Hans"},
		{"zh", "zh-Hans"},
		{"zh-Hans", "zh-Hans"},
		{"zh-Hans-HK", "zh-Hans"},
		{"zh_CN@pinyin", "zh-Hans"},
		{"fr", "en"},
		{"fr_FR.UTF-8", "en"},
		{"en", "en"},
		{"en_US", "en"},
		{"ja_JP", "en"},
		{"C", "en"},
		{"POSIX", "en"},
		{"", "en"},
		{"x", "en"},
	}
	for _, tt := range tests {
		t.Run(tt.locale, func(t *testing.T) {
			if got := languageFor(tt.locale); got != tt.want {
				t.Errorf("languageFor(%q) = %q, want %q", tt.locale, got, tt.want)
			}
		})
	}
}

func TestLanguageName(t *testing.T) {
	clearLocaleEnv(t, "C.UTF-8")
	want := map[string][]string{
		"en":      {"System", "English", "简体中文", "繁體中文"},
		"zh-Hans": {"跟随系统", "English", "简体中文", "繁體中文"},
		"zh-Hant": {"跟隨系統", "English", "简体中文", "繁體中文"},
	}
	for _, tag := range []string{"en", "zh-Hans", "zh-Hant"} {
		if err := useLanguage(tag); err != nil {
			t.Fatal(err)
		}
		for i, l := range languages {
			if got := languageName(l); got != want[tag][i] {
				t.Errorf("in %s: languageName(%q) = %q, want %q", tag, l, got, want[tag][i])
			}
		}
	}
}
