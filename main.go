// Command biaozhu is Biaozhu (标注), a desktop annotation tool for Chinese
// text. With no arguments it opens the workspace on the demo document; the
// subcommands clean, segment and segeval run the text pipeline headless.
//
//	biaozhu                                   open the window
//	biaozhu clean [-report json] FILE         clean text to stdout, report to stderr
//	biaozhu segment [-format jsonl|conllu] FILE
//	biaozhu segeval GOLD.conllu               word P/R/F1 against gold segmentation
//
// Errors are one line on stderr with exit status 1; usage errors exit 2.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"github.com/biaozhu/biaozhu/annotate"
	"github.com/biaozhu/biaozhu/app"
	"github.com/biaozhu/biaozhu/assets"
	"github.com/biaozhu/biaozhu/export"
	_ "github.com/biaozhu/biaozhu/internal/quietlocale"
)

const usage = `usage:
  biaozhu                                      open the window
  biaozhu clean [-report text|json] FILE       clean FILE: text to stdout, report to stderr
  biaozhu segment [-format jsonl|conllu] FILE  clean, split, segment and tag FILE
  biaozhu segeval GOLD.conllu                  score segmentation against gold: P R F1
`

// errUsage marks errors that exit with status 2.
var errUsage = errors.New("usage")

func main() {
	if len(os.Args) < 2 {
		if err := runGUI(); err != nil {
			fmt.Fprintln(os.Stderr, "biaozhu:", err)
			os.Exit(1)
		}
		return
	}
	switch os.Args[1] {
	case "-h", "-help", "--help", "help":
		fmt.Print(usage)
		return
	}
	cmds := map[string]func([]string) error{"clean": cmdClean, "segment": cmdSegment, "segeval": cmdSegEval}
	cmd, ok := cmds[os.Args[1]]
	if !ok {
		fmt.Fprintf(os.Stderr, "biaozhu: unknown command %q\n%s", os.Args[1], usage)
		os.Exit(2)
	}
	if err := cmd(os.Args[2:]); err != nil {
		fmt.Fprintln(os.Stderr, "biaozhu:", err)
		if errors.Is(err, errUsage) {
			fmt.Fprint(os.Stderr, usage)
			os.Exit(2)
		}
		os.Exit(1)
	}
}

func runGUI() error {
	if hasDisplayServer() && os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
		return errors.New("no display to open the window on (DISPLAY is not set); the commands clean, segment and segeval work without one")
	}
	a := fyneapp.NewWithID("io.github.biaozhu")
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon))
	w := a.NewWindow("Biaozhu 标注")
	w.SetContent(app.New(a, w))
	w.Resize(fyne.NewSize(1100, 760))
	w.ShowAndRun()
	return nil
}

// hasDisplayServer reports whether windows on this system need an X11 or
// Wayland display named in the environment.
func hasDisplayServer() bool {
	switch runtime.GOOS {
	case "linux", "freebsd", "openbsd", "netbsd", "dragonfly":
		return true
	}
	return false
}

// parse parses a subcommand's flags and wants exactly one file argument.
func parse(fs *flag.FlagSet, args []string) (string, error) {
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		return "", fmt.Errorf("%s: %v: %w", fs.Name(), err, errUsage)
	}
	if fs.NArg() != 1 {
		return "", fmt.Errorf("%s: want one file, got %d: %w", fs.Name(), fs.NArg(), errUsage)
	}
	return fs.Arg(0), nil
}

// process reads and runs the pipeline over one file.
func process(path string) (*annotate.Document, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	seg, err := annotate.NewSegmenter()
	if err != nil {
		return nil, err
	}
	return annotate.Process(path, data, seg, annotate.DefaultCleanOptions())
}

func cmdClean(args []string) error {
	fs := flag.NewFlagSet("clean", flag.ContinueOnError)
	report := fs.String("report", "text", "report format on stderr: text or json")
	path, err := parse(fs, args)
	if err != nil {
		return err
	}
	if *report != "text" && *report != "json" {
		return fmt.Errorf("clean: -report %q: want text or json: %w", *report, errUsage)
	}
	doc, err := process(path)
	if err != nil {
		return err
	}
	if _, err := io.WriteString(os.Stdout, doc.Text+"\n"); err != nil {
		return err
	}
	if *report == "json" {
		enc := json.NewEncoder(os.Stderr)
		enc.SetIndent("", "  ")
		return enc.Encode(doc.Report)
	}
	return doc.Report.WriteText(os.Stderr)
}

func cmdSegment(args []string) error {
	fs := flag.NewFlagSet("segment", flag.ContinueOnError)
	format := fs.String("format", "jsonl", "output format: jsonl or conllu")
	path, err := parse(fs, args)
	if err != nil {
		return err
	}
	write := map[string]func(io.Writer, string, string, []annotate.Sentence, []annotate.Token) error{
		"jsonl": export.WriteSentencesJSONL, "conllu": export.WriteCoNLLU}[*format]
	if write == nil {
		return fmt.Errorf("segment: -format %q: want jsonl or conllu: %w", *format, errUsage)
	}
	doc, err := process(path)
	if err != nil {
		return err
	}
	return write(os.Stdout, doc.Name, doc.Text, doc.Sentences, doc.Tokens)
}

func cmdSegEval(args []string) error {
	fs := flag.NewFlagSet("segeval", flag.ContinueOnError)
	path, err := parse(fs, args)
	if err != nil {
		return err
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sents, err := export.ReadCoNLLU(path, f)
	if err != nil {
		return err
	}
	seg, err := annotate.NewSegmenter()
	if err != nil {
		return err
	}
	var score annotate.SegScore
	for _, s := range sents {
		gold := make([]string, len(s.Words))
		for i, w := range s.Words {
			gold[i] = w.Form
		}
		text := s.Text
		if text == "" {
			text = strings.Join(gold, "")
		}
		var pred []string
		for _, t := range seg.Segment(text) {
			pred = append(pred, t.Text)
		}
		score.Add(gold, pred)
	}
	fmt.Printf("%s: %d sentences, %d gold words, %d predicted, %d correct\n", path, len(sents), score.Gold, score.Pred, score.Correct)
	fmt.Println(score)
	return nil
}
