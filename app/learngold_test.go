package app

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2/lang"
)

// TestWorkspaceLearnGold: Corpus → Learn from a gold corpus… offers a file
// chooser; a gold corpus (text with spaces between words) is learnt, the
// result is shown, the project's segmenter segments as it taught, and the
// corpus is in the project file; the same corpus again adds nothing; a
// cancelled learning stores nothing; a bad file is an error naming it.
func TestWorkspaceLearnGold(t *testing.T) {
	f := newWSFixture(t)
	ws := f.ws
	ws.loadSegmenter()
	waitDict(t, ws) // segmentProbe asks for it on the test's goroutine
	dir := t.TempDir()
	gold := filepath.Join(dir, "gold.txt")
	if err := os.WriteFile(gold, []byte("马冬梅  说话  。\n昨天  马冬梅  来  了\n\n马冬梅  的  书\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	probe := "我看见马冬梅了"
	segmentProbe := func() []string {
		t.Helper()
		l, err := ws.learner(context.Background(), func(float64, string) {})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, tk := range l.Segment(probe) {
			out = append(out, tk.Text)
		}
		return out
	}
	if got := segmentProbe(); slices.Contains(got, "马冬梅") {
		t.Fatalf("before learning, %q is segmented %v: the dictionary already has 马冬梅, the test tests nothing", probe, got)
	}

	// The menu item opens a file chooser.
	var item *command
	for _, g := range ws.menu.groups {
		for _, c := range g {
			if c != nil && c.label == lang.L("Learn from a gold corpus…") {
				item = c
			}
		}
	}
	if item == nil {
		t.Fatal("the Corpus menu has no Learn from a gold corpus…")
	}
	item.action()
	if ws.win.Canvas().Overlays().Top() == nil {
		t.Fatal("Learn from a gold corpus… showed no file chooser")
	}
	ws.win.Canvas().Overlays().Top().Hide()

	if err := wait(t, "learn", func(then func(error)) { ws.learnGold(gold, then) }); err != nil {
		t.Fatal(err)
	}
	shown := overlayText(ws.win)
	for _, want := range []string{"Learnt gold.txt.\n", "\n3\n", "\n10\n"} { // its sentences and words
		if !strings.Contains(shown, want) {
			t.Errorf("the result dialog says:\n%s\nwant %q in it", shown, want)
		}
	}
	tapOverlayButton(t, ws.win, "Close")
	if got := segmentProbe(); !slices.Contains(got, "马冬梅") {
		t.Errorf("after learning gold.txt, %q is segmented %v, want 马冬梅 a word", probe, got)
	}
	corpora, err := ws.proj.GoldCorpora()
	if err != nil || len(corpora) != 1 || corpora[0].Name != "gold.txt" || corpora[0].Sentences != 3 || corpora[0].Tokens != 10 {
		t.Fatalf("GoldCorpora() = %+v, %v; want gold.txt with 3 sentences, 10 words", corpora, err)
	}

	// The same corpus again (another file name) adds nothing.
	again := filepath.Join(dir, "again.txt")
	data, _ := os.ReadFile(gold)
	if err := os.WriteFile(again, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := wait(t, "learn again", func(then func(error)) { ws.learnGold(again, then) }); err != nil {
		t.Fatal(err)
	}
	if shown := overlayText(ws.win); !strings.Contains(shown, "again.txt was learnt before (as gold.txt): nothing was added.") {
		t.Errorf("learning the same corpus again, the dialog says:\n%s", shown)
	}
	tapOverlayButton(t, ws.win, "Close")

	// Cancelled at once: nothing is stored.
	big := filepath.Join(dir, "big.txt")
	if err := os.WriteFile(big, []byte(strings.Repeat("北京  大学  的  学生  在  上海  工作  。\n", 20000)), 0o644); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	ws.learnGold(big, func(err error) { done <- err })
	tapOverlayButton(t, ws.win, "Cancel")
	if err := recv(t, "the cancelled learning", done); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled learning: error %v, want context.Canceled", err)
	}
	if cs, _ := ws.proj.GoldCorpora(); len(cs) != 1 {
		t.Errorf("after a cancelled learning, the project has %d gold corpora, want 1", len(cs))
	}

	// A bad CoNLL-U file: an error naming the file and line.
	bad := filepath.Join(dir, "bad.conllu")
	if err := os.WriteFile(bad, []byte("# text = 北京\n1\t北京\n\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	err = wait(t, "learn a bad file", func(then func(error)) { ws.learnGold(bad, then) })
	if err == nil || !strings.Contains(err.Error(), "bad.conllu:2") || ws.lastErr != err {
		t.Errorf("learning a bad file: error %v (shown: %v), want one naming bad.conllu:2, shown", err, ws.lastErr)
	}
	if cs, _ := ws.proj.GoldCorpora(); len(cs) != 1 {
		t.Errorf("after a bad file, the project has %d gold corpora, want 1", len(cs))
	}
}
