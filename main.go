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
//	biaozhu segeval [-p P.biaozhu] GOLD.conllu   word P/R/F1 against gold segmentation
//	biaozhu learn -p P.biaozhu GOLD...        teach the project's segmenter a gold corpus
//	biaozhu import -p P.biaozhu [-glob PATTERN] [-f text] FILE|DIR...
//	biaozhu import -p P.biaozhu -f FORMAT FILE|-... annotated files, one transaction
//	biaozhu ls -p P.biaozhu                   the project's documents
//	biaozhu export -p P.biaozhu -f FORMAT -o OUT|-
//	biaozhu kwic -p P.biaozhu [-regex|-word|-word-regex] [-pos TAG] [-label L] QUERY
//	biaozhu freq -p P.biaozhu -by word|pos|label|label-word
//	biaozhu assign -p MAIN.biaozhu -annotators A,B [-overlap K] -o DIR
//	biaozhu agree [-layer L] [-format text|json|csv] A.biaozhu B.biaozhu…
//	biaozhu merge -o GOLD.biaozhu [-accept agreed|majority|none] A.biaozhu B.biaozhu…
//	biaozhu relations -p P.biaozhu [-type T] [-from W] [-to W]
//
// biaozhu COMMAND -h prints that command's usage and flags. Errors are
// one line on stderr with exit status 1; usage errors exit 2.
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
  biaozhu segeval [-p P.biaozhu] GOLD.conllu   score segmentation against gold: P R F1
        (with -p: the project's learnt segmenter, else the dictionary alone)
  biaozhu learn -p P.biaozhu GOLD.conllu|GOLD.txt...   teach the project's segmenter
        gold segmentation (CoNLL-U, or one sentence a line with spaces between
        words, as SIGHAN's gold files), kept in the project; -list, -forget ID
  biaozhu import -p P.biaozhu [-glob PATTERN] [-f text] FILE|DIR...
        import text files into project P.biaozhu, creating it if missing:
        each FILE, and the files of each DIR and its subdirectories whose
        name matches PATTERN (default *.txt; hidden files are skipped), in
        UTF-8, UTF-16 (with BOM), GB18030 or Big5; each is cleaned,
        segmented and tagged (FILE - is standard input, up to 256 MiB: a
        document named stdin). A file already imported (same bytes) is left
        unchanged. Progress on stderr, summary on stdout; exit status 1 if
        a file failed, after importing the others
  biaozhu import -p P.biaozhu -f FORMAT [-layer L] [-skip-bad] [-level word|char]
        [-offsets codepoint|utf16] [-column NAME] [-id-column NAME] FILE...
        import annotated files in FORMAT (doccano, labelstudio, cluener,
        conll, conllu, brat, csv, xlsx, prodigy; spacy is prodigy's old
        name): all of them in one transaction, or nothing (FILE - is
        standard input, but for brat); labels and layers the schema lacks are
        added to it. Spans go to the layer the file names, else to the
        layer that has the label; spans that overlap in a layer that
        forbids it go to LAYER-nested, which allows it (reported).
        -layer L puts every span in layer L (a new name creates a layer
        that allows overlaps; an existing one keeps its rule)
  biaozhu export -p P.biaozhu -f FORMAT -o OUT [-docs all|done|1,2]
        [-layers L1,L2] [-suggestions] [-records document|sentence]
        [-split 8/1/1 -seed N] [-level word|char] [-scheme BIO|BIOES]
        [-bom|-excel] [-offsets codepoint|utf16] [-pos] [-predictions] [-overwrite]
        write the project for NLP training and other programs: csv-tokens,
        csv-spans (-excel: for spreadsheet apps), csv-relations, xlsx,
        doccano, prodigy (old name spacy), spacy-docbin (spacy train), hf,
        cluener, conll, conllu, brat (a folder, or OUT.zip), labelstudio;
        relations go out in brat, doccano, labelstudio, conllu (trees),
        csv-relations and xlsx. Every span is
        checked against the text before the output is renamed into place
        (OUT - is stdout for the text formats, not for xlsx, spacy-docbin,
        brat or -split; a device or FIFO is written to); warnings (spans a
        format cannot carry) on stderr, the files written on stdout. brat
        into the folder of an earlier export replaces only that export's
        files, and refuses if one was edited since unless -overwrite
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
  biaozhu relations -p P.biaozhu [-doc ID] [-layer L] [-type T] [-from WORD]
        [-to WORD] [-limit N]
        the relations whose layer, type, source text (a dependency's head)
        and target text are those given, in the project or document ID: one
        line each, "DOC  FROM —TYPE→ TO  offsets"; -limit lines (default
        100). The count goes to stderr
  biaozhu freq -p P.biaozhu [-by word|pos|label|label-word] [-doc ID] [-fold]
        [-limit N] [-o OUT.csv|OUT.xlsx [-bom]]
        frequency list of words (default), POS tags, span labels, or labels
        with their texts: count, documents, share; over the project or one
        document; -limit rows (default 0: all)
  biaozhu assign -p MAIN.biaozhu -annotators NAME1,NAME2... [-overlap K]
        [-docs all|1,2] [-seed N] [-suggestions] -o DIR
        hand the project out: one copy per annotator, DIR/MAIN-NAME.biaozhu,
        with the same schema and each document given to K annotators
        (default all), balanced and shuffled with the seed; statuses new,
        suggestions left out unless -suggestions, the annotator's name
        recorded in the copy. An existing copy is never replaced
  biaozhu agree [-layer L] [-format text|json|csv] A.biaozhu B.biaozhu...
        inter-annotator agreement of the annotators' copies of one corpus
        (documents matched by the SHA-256 of their clean text): per layer
        and label Cohen's κ (per pair and mean), Fleiss' κ, Krippendorff's
        α (token level, or character level when the tokens differ), αu
        (unitizing), P/R/F1 per pair (spans matched one to one, exactly
        and by overlap) and the confusion of labels; a measure that cannot
        be computed is — (null in json) with the reason in the notes
  biaozhu merge -o GOLD.biaozhu [-accept agreed|majority|none] A.biaozhu B.biaozhu...
        the curation project: every document once, each annotator's spans
        in a layer LAYER@NAME (their relations in RELATIONS@NAME), and the
        curated layers holding what all the annotators who worked on a
        document agree on (agreed, the default), what most of them chose
        (majority), or nothing (none); the rest are open decisions. Its
        exports write the curated layers unless -layers names others
  biaozhu COMMAND -h                           that command's usage and flags
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
		"import": cmdImport, "ls": cmdLs, "export": cmdExport, "kwic": cmdKwic, "freq": cmdFreq,
		"agree": cmdAgree, "assign": cmdAssign, "merge": cmdMerge, "relations": cmdRelations, "learn": cmdLearn}
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
	if he := (*helpError)(nil); errors.As(err, &he) {
		fmt.Print(he.text) // COMMAND -h: its usage, asked for
		return
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
