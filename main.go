// Command biaozhu is Biaozhu (标注), a desktop annotation tool for Chinese
// text. With no arguments (or a P.biaozhu project) it opens the workspace;
// the subcommands clean, segment and segeval run the text pipeline
// headless, import and ls fill and list a project file, and export writes
// it in the formats NLP training reads.
//
//	biaozhu [P.biaozhu]                       open the window
//	biaozhu -version                          the version, build and platform
//	biaozhu clean [-report json] FILE         clean text to stdout, report to stderr
//	biaozhu segment [-format jsonl|conllu] FILE
//	biaozhu segeval GOLD.conllu               word P/R/F1 against gold segmentation
//	biaozhu import -p P.biaozhu [-glob PATTERN] [-f text] FILE|DIR...
//	biaozhu import -p P.biaozhu -f FORMAT FILE...   annotated files, one transaction
//	biaozhu ls -p P.biaozhu                   the project's documents
//	biaozhu export -p P.biaozhu -f FORMAT -o OUT
//	biaozhu kwic -p P.biaozhu [-regex|-word|-word-regex] [-pos TAG] [-label L] QUERY
//	biaozhu freq -p P.biaozhu -by word|pos|label|label-word
//
// Errors are one line on stderr with exit status 1; usage errors exit 2.
// import prints a line per file on stderr and its summary on stdout, and
// exits 1 when a file failed, after importing the others. Ctrl-C (SIGINT)
// or SIGTERM stops a command within a second with exit status 130: no file
// is left half-written (output on stdout stops where it was), an import
// keeps the files it finished. Names (of files, documents, labels) are
// printed quoted when they hold control or invisible characters.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	_ "github.com/biaozhu/biaozhu/internal/quietlocale"
)

// This file only wires: main runs a subcommand (each in its cmd_NAME.go,
// the helpers they share in cli.go) or opens the window (runGUI, in gui.go;
// a build with -tags nogui has no window: nogui.go).

const usage = `usage:
  biaozhu [P.biaozhu]                          open the window (on that project, or the last one)
  biaozhu -version                             the version, build and platform
  biaozhu clean [-report text|json] FILE       clean FILE: text to stdout, report to stderr
  biaozhu segment [-format jsonl|conllu] FILE  clean, split, segment and tag FILE
        (FILE is a text file, or - for standard input up to 256 MiB)
  biaozhu segeval GOLD.conllu                  score segmentation against gold: P R F1
  biaozhu import -p P.biaozhu [-glob PATTERN] [-f FORMAT] FILE|DIR...
        import text files into project P.biaozhu, creating it if missing:
        each FILE, and the files of each DIR and its subdirectories whose
        name matches PATTERN (default *.txt; hidden files are skipped), in
        UTF-8, UTF-16 (with BOM), GB18030 or Big5; each is cleaned,
        segmented and tagged. A file already imported (same bytes) is left
        unchanged. Progress on stderr, summary on stdout; exit status 1 if
        a file failed, after importing the others. FORMAT: text (the only
        one for now; more formats come).
  biaozhu import -p P.biaozhu -f FORMAT [-layer L] [-skip-bad] [-level word|char]
        [-offsets codepoint|utf16] [-column NAME] [-id-column NAME] FILE...
        import annotated files in FORMAT (doccano, labelstudio, cluener,
        conll, conllu, brat, csv, xlsx, spacy): all of them in one
        transaction, or nothing; labels and layers the schema lacks are
        added to it. Spans go to the layer the file names, else to the
        layer that has the label; spans that overlap in a layer that
        forbids it go to LAYER-nested, which allows it (reported).
        -layer L puts every span in layer L (a new name creates a layer
        that allows overlaps; an existing one keeps its rule)
  biaozhu export -p P.biaozhu -f FORMAT -o OUT [-docs all|done|1,2]
        [-layers L1,L2] [-suggestions] [-records document|sentence]
        [-split 8/1/1 -seed N] [-level word|char] [-scheme BIO|BIOES]
        [-bom] [-offsets codepoint|utf16] [-pos] [-predictions] [-overwrite]
        write the project for NLP training: csv-tokens, csv-spans, xlsx,
        doccano, spacy, hf, cluener, conll, conllu, brat, labelstudio.
        Every span is checked against the text before the output is
        renamed into place (OUT - is stdout; a device or FIFO is written
        to); warnings (spans a format cannot carry) on stderr, the files
        written on stdout. brat into the folder of an earlier export
        replaces only that export's files, and refuses if one was edited
        since unless -overwrite
  biaozhu ls -p P.biaozhu
        list the documents of project P.biaozhu: id, name, status,
        characters, tokens, spans
  biaozhu kwic -p P.biaozhu [-regex|-word|-word-regex] [-pos TAG] [-layer L]
        [-label L] [-label-text S] [-fold] [-doc ID]
        [-sort position|left1|left2|right1|right2|match] [-width N]
        [-limit N] [-o OUT.csv|OUT.xlsx [-bom]] [QUERY]
        concordance: every place QUERY occurs (a string of the text; with
        -regex a regular expression over the text, -word a token's text,
        -word-regex a regular expression a whole token matches), as
        aligned lines "document  left │ hit │ right" with N characters of
        context (default 10); the fields combine (-pos, -label… without
        QUERY are queries too). -fold ignores traditional/simplified.
        -limit lines (default 100; 0: all); -o writes the hits (all unless
        -limit is given) to a table instead. The count goes to stderr
  biaozhu freq -p P.biaozhu [-by word|pos|label|label-word] [-doc ID] [-fold]
        [-limit N] [-o OUT.csv|OUT.xlsx [-bom]]
        frequency list of words (default), POS tags, span labels, or labels
        with their texts: count, documents, share; over the project or one
        document; -limit rows (default 0: all)
`

// errUsage marks errors that exit with status 2.
var errUsage = errors.New("usage")

func main() {
	if len(os.Args) < 2 || len(os.Args) == 2 && strings.HasSuffix(os.Args[1], ".biaozhu") {
		if err := runGUI(); err != nil {
			fmt.Fprintln(os.Stderr, "biaozhu:", safeText(err.Error()))
			os.Exit(1)
		}
		return
	}
	switch os.Args[1] {
	case "-h", "-help", "--help", "help":
		fmt.Print(usage)
		return
	case "-version", "--version":
		fmt.Println(versionLine())
		return
	}
	cmds := map[string]func(context.Context, []string) error{"clean": cmdClean, "segment": cmdSegment, "segeval": cmdSegEval,
		"import": cmdImport, "ls": cmdLs, "export": cmdExport, "kwic": cmdKwic, "freq": cmdFreq}
	cmd, ok := cmds[os.Args[1]]
	if !ok {
		fmt.Fprintf(os.Stderr, "biaozhu: unknown command %q\n%s", os.Args[1], usage)
		os.Exit(2)
	}
	// A signal cancels ctx, which every long step watches; a second one
	// ends the process at once.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	context.AfterFunc(ctx, stop)
	err := cmd(ctx, os.Args[2:])
	interrupted := ctx.Err() != nil
	stop() // which cancels ctx too
	if err != nil && interrupted {
		if errors.Is(err, context.Canceled) {
			err = fmt.Errorf("%s: interrupted (%v)", os.Args[1], context.Cause(ctx))
		}
		fmt.Fprintln(os.Stderr, "biaozhu:", safeText(err.Error()))
		os.Exit(130)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "biaozhu:", safeText(err.Error()))
		if errors.Is(err, errUsage) {
			fmt.Fprint(os.Stderr, usage)
			os.Exit(2)
		}
		os.Exit(1)
	}
}
