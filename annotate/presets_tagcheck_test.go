package annotate

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// tagcheckPreset is the part of a POS preset file this test reads.
type tagcheckPreset struct {
	Name string `json:"name"`
	Tags []struct {
		Name        string `json:"name"`
		Description string `json:"description"`
	} `json:"tags"`
}

const (
	tagcheckPresetPath = "../assets/schemas/pos-gse.json"
	tagcheckSharedDir  = "../../shared"
	tagcheckGoldPath   = "../../shared/gold/ud-gsd/zh_gsd-ud-test.conllu"
)

// TestPOSPresetCoversSegmenter checks that the gse POS preset names every
// tag the Segmenter emits on the UD Chinese GSD test sentences.
func TestPOSPresetCoversSegmenter(t *testing.T) {
	if _, err := os.Stat(tagcheckSharedDir); os.IsNotExist(err) {
		t.Skipf("%s (the project's test data) is absent", tagcheckSharedDir)
	}
	data, err := os.ReadFile(tagcheckPresetPath)
	if err != nil {
		t.Fatalf("read preset: %v", err)
	}
	var preset tagcheckPreset
	if err := json.Unmarshal(data, &preset); err != nil {
		t.Fatalf("parse %s: %v", tagcheckPresetPath, err)
	}
	have := make(map[string]bool, len(preset.Tags))
	for _, tag := range preset.Tags {
		if tag.Name == "" || tag.Description == "" {
			t.Errorf("%s: tag %q has an empty name or description", tagcheckPresetPath, tag.Name)
		}
		if have[tag.Name] {
			t.Errorf("%s: tag %q listed twice", tagcheckPresetPath, tag.Name)
		}
		have[tag.Name] = true
	}

	texts := tagcheckTexts(t, tagcheckGoldPath)
	if len(texts) == 0 {
		t.Fatalf("%s: no \"# text = \" lines", tagcheckGoldPath)
	}
	seg := segmenterForTest(t)
	missing := map[string]string{} // tag -> first word seen with it
	emitted := map[string]bool{}
	for _, text := range texts {
		for _, tok := range seg.Segment(text) {
			emitted[tok.POS] = true
			if !have[tok.POS] {
				if _, ok := missing[tok.POS]; !ok {
					missing[tok.POS] = tok.Text
				}
			}
		}
	}
	t.Logf("%d sentences: segmenter emitted %d distinct tags; preset %q has %d", len(texts), len(emitted), preset.Name, len(have))
	if len(missing) > 0 {
		tags := make([]string, 0, len(missing))
		for tag := range missing {
			tags = append(tags, tag)
		}
		sort.Strings(tags)
		for _, tag := range tags {
			t.Errorf("segmenter emitted POS %q (e.g. on %q), not in %s", tag, missing[tag], tagcheckPresetPath)
		}
	}
}

// tagcheckTexts returns the "# text = " lines of a CoNLL-U file.
func tagcheckTexts(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(filepath.Clean(path))
	if os.IsNotExist(err) {
		t.Skipf("gold file %s not found: ../shared (the project's test data) is absent", path)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for sc.Scan() {
		if s, ok := strings.CutPrefix(sc.Text(), "# text = "); ok {
			out = append(out, s)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	return out
}

// TestPresetGlosses checks that every tag of the POS presets, and each
// preset itself, has a gloss in every language of the user interface, and
// that Gloss.In picks the language asked for.
func TestPresetGlosses(t *testing.T) {
	for _, name := range []string{"gse", "upos"} {
		ts, err := POSPreset(name)
		if err != nil {
			t.Fatal(err)
		}
		set, tags, err := PresetGlosses(name)
		if err != nil {
			t.Fatal(err)
		}
		for what, g := range map[string]Gloss{"the tagset": set} {
			if g.En == "" || g.Hans == "" || g.Hant == "" {
				t.Errorf("%s: %s: gloss %+v lacks a language", name, what, g)
			}
		}
		for _, tag := range ts.Tags {
			g, ok := tags[tag.Name]
			if !ok || g.En == "" || g.Hans == "" || g.Hant == "" {
				t.Errorf("%s: tag %s: gloss %+v lacks a language", name, tag.Name, g)
			}
		}
	}
	g := Gloss{En: "noun", Hans: "名词", Hant: "名詞"}
	for lang, want := range map[string]string{"en": "noun", "zh-Hans": "名词", "zh_Hans": "名词", "zh-Hant": "名詞", "zh-TW": "名詞", "zh-CN": "名词", "zh": "名词", "fr": "noun", "": "noun"} {
		if got := g.In(lang); got != want {
			t.Errorf("In(%q) = %q, want %q", lang, got, want)
		}
	}
}
