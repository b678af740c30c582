// Command biaozhu is Biaozhu (标注), a desktop annotation tool for Chinese
// text. With no arguments (or a P.biaozhu project) it opens the workspace;
// the subcommands clean, segment and segeval run the text pipeline
// headless, import and ls fill and list a project file, and export writes
// it in the formats NLP training reads.
//
//	biaozhu [P.biaozhu]                       open the window
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
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"unicode"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"golang.org/x/text/width"

	"github.com/biaozhu/biaozhu/annotate"
	"github.com/biaozhu/biaozhu/app"
	"github.com/biaozhu/biaozhu/assets"
	"github.com/biaozhu/biaozhu/export"
	_ "github.com/biaozhu/biaozhu/internal/quietlocale"
)

const usage = `usage:
  biaozhu [P.biaozhu]                          open the window (on that project, or the last one)
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

func runGUI() error {
	if hasDisplayServer() && os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
		return errors.New("no display to open the window on (DISPLAY is not set); the commands clean, segment, segeval, import and ls work without one")
	}
	a := fyneapp.NewWithID("io.github.biaozhu")
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon))
	w := a.NewWindow("Biaozhu 标注")
	path := ""
	if len(os.Args) == 2 && strings.HasSuffix(os.Args[1], ".biaozhu") {
		path = os.Args[1]
	}
	w.Resize(fyne.NewSize(1280, 800)) // New restores the size the window had last time
	w.SetContent(app.New(a, w, path))
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

// maxStdin is how much standard input clean and segment read (the text
// pipeline takes some fifteen times its input in memory); a bigger text is
// read from a file.
const maxStdin = 256 << 20

// readInput reads the input of clean or segment: a regular file, as import
// reads (annotate.ReadText), or "-" for standard input up to maxStdin bytes.
func readInput(cmd, path string) ([]byte, error) {
	if path == "-" {
		data, err := io.ReadAll(io.LimitReader(os.Stdin, maxStdin+1))
		switch {
		case err != nil:
			return nil, fmt.Errorf("%s: standard input: %w", cmd, err)
		case len(data) > maxStdin:
			return nil, fmt.Errorf("%s: standard input: more than %d MiB; give the text as a file", cmd, maxStdin>>20)
		}
		return data, nil
	}
	return annotate.ReadText(path)
}

// process reads one input and runs the pipeline over it: decode and clean
// (with the dictionary as evidence) and, when segment is set, sentences,
// segmentation and tags.
func process(ctx context.Context, cmd, path string, segment bool) (*annotate.Document, error) {
	data, err := readInput(cmd, path)
	if err != nil {
		return nil, err
	}
	seg, err := segmenter(ctx)
	if err != nil {
		return nil, err
	}
	opts := annotate.DefaultCleanOptions()
	opts.Lexicon = seg
	if !segment {
		seg = nil // the dictionary is evidence for cleaning only
	}
	return annotate.ProcessContext(ctx, path, data, seg, opts)
}

// segmenter loads the segmentation dictionary (a second or two) and
// returns ctx's error as soon as ctx is done, leaving the load to finish
// unwatched: nothing is written meanwhile, so a command can stop there.
func segmenter(ctx context.Context) (*annotate.Segmenter, error) {
	type loaded struct {
		seg *annotate.Segmenter
		err error
	}
	c := make(chan loaded, 1)
	go func() {
		seg, err := annotate.NewSegmenter()
		c <- loaded{seg, err}
	}()
	select {
	case l := <-c:
		return l.seg, l.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func cmdClean(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("clean", flag.ContinueOnError)
	report := fs.String("report", "text", "report format on stderr: text or json")
	path, err := parse(fs, args)
	if err != nil {
		return err
	}
	if *report != "text" && *report != "json" {
		return fmt.Errorf("clean: -report %q: want text or json: %w", *report, errUsage)
	}
	doc, err := process(ctx, "clean", path, false)
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

func cmdSegment(ctx context.Context, args []string) error {
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
	doc, err := process(ctx, "segment", path, true)
	if err != nil {
		return err
	}
	return write(export.ContextWriter(ctx, os.Stdout), doc.Name, doc.Text, doc.Sentences, doc.Tokens)
}

func cmdSegEval(ctx context.Context, args []string) error {
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
	seg, err := segmenter(ctx)
	if err != nil {
		return err
	}
	var score annotate.SegScore
	for _, s := range sents {
		if err := ctx.Err(); err != nil {
			return err
		}
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
	fmt.Printf("%s: %d sentences, %d gold words, %d predicted, %d correct\n", quote(path), len(sents), score.Gold, score.Pred, score.Correct)
	fmt.Println(score)
	return nil
}

// cmdExport writes the project's documents in a format for NLP training.
func cmdExport(ctx context.Context, args []string) error {
	flags := flag.NewFlagSet("export", flag.ContinueOnError)
	flags.SetOutput(io.Discard)
	project := flags.String("p", "", "the project file")
	format := flags.String("f", "", "the format")
	out := flags.String("o", "", "the output file (a directory or .zip for brat)")
	docs := flags.String("docs", "all", "all, done, or document IDs (1,2,5)")
	layers := flags.String("layers", "", "span layers, comma-separated (default all)")
	sugg := flags.Bool("suggestions", false, "also write suggested spans")
	records := flags.String("records", "document", "document or sentence")
	split := flags.String("split", "", "train/dev/test ratios, e.g. 8/1/1")
	seed := flags.Uint64("seed", 1, "the split's shuffle seed")
	level := flags.String("level", "word", "hf, conll: word or char")
	scheme := flags.String("scheme", "BIO", "hf, conll: BIO or BIOES")
	bom := flags.Bool("bom", false, "csv: start with a UTF-8 byte order mark (for Excel)")
	offsets := flags.String("offsets", "codepoint", "doccano, labelstudio: codepoint or utf16")
	pos := flags.Bool("pos", false, "conll: write a POS column (doccano reads two columns only)")
	preds := flags.Bool("predictions", false, "labelstudio: results as predictions")
	overwrite := flags.Bool("overwrite", false, "brat: replace files of an earlier export edited since")
	if err := flags.Parse(args); err != nil {
		return fmt.Errorf("export: %v: %w", err, errUsage)
	}
	switch {
	case *project == "" || *format == "" || *out == "":
		return fmt.Errorf("export: -p PROJECT, -f FORMAT and -o OUT are required: %w", errUsage)
	case flags.NArg() > 0:
		return fmt.Errorf("export: unexpected arguments %q: %w", flags.Args(), errUsage)
	}
	if _, ok := export.Lookup(*format); !ok {
		var names []string
		for _, f := range export.Formats() {
			names = append(names, f.Name)
		}
		return fmt.Errorf("export: -f %q: want one of %s: %w", *format, strings.Join(names, ", "), errUsage)
	}
	opts := export.Options{Suggestions: *sugg, Records: export.Records(*records), Level: export.Level(*level),
		Scheme: export.Scheme(strings.ToUpper(*scheme)), BOM: *bom, Offsets: export.Unit(*offsets), POS: *pos, Predictions: *preds,
		Overwrite: *overwrite}
	switch *docs {
	case "all":
	case "done":
		opts.Docs.Status = annotate.StatusDone
	default:
		for f := range strings.SplitSeq(*docs, ",") {
			id, err := strconv.ParseInt(strings.TrimSpace(f), 10, 64)
			if err != nil {
				return fmt.Errorf("export: -docs %q: want all, done or IDs like 1,2,5: %w", *docs, errUsage)
			}
			opts.Docs.IDs = append(opts.Docs.IDs, id)
		}
	}
	if *layers != "" {
		for l := range strings.SplitSeq(*layers, ",") {
			opts.Layers = append(opts.Layers, strings.TrimSpace(l))
		}
	}
	if *split != "" {
		var v [3]float64
		parts := strings.Split(*split, "/")
		if len(parts) < 2 || len(parts) > 3 {
			return fmt.Errorf("export: -split %q: want train/dev/test ratios such as 8/1/1: %w", *split, errUsage)
		}
		for i, f := range parts {
			x, err := strconv.ParseFloat(f, 64)
			if err != nil || x < 0 {
				return fmt.Errorf("export: -split %q: %q is not a ratio: %w", *split, f, errUsage)
			}
			v[i] = x
		}
		opts.Split = export.Split{Train: v[0], Dev: v[1], Test: v[2], Seed: *seed}
	}
	if err := export.CheckOutput(*out, *project); err != nil {
		return err // before opening it; Export checks again
	}
	p, err := annotate.Open(*project, annotate.Options{ReadOnly: true})
	if err != nil {
		return err
	}
	defer p.Close()
	res, err := export.Export(ctx, p, *format, *out, opts)
	for _, w := range res.Warnings {
		fmt.Fprintln(os.Stderr, "warning:", safeText(w.String()))
	}
	if ce := (*export.ChangedError)(nil); errors.As(err, &ce) {
		return fmt.Errorf("%w (-overwrite replaces them)", err)
	}
	if err != nil {
		return err
	}
	for _, f := range res.Files {
		// The files written, not a stream (-, a device, a FIFO): that
		// may be stdout itself.
		if fi, err := os.Stat(f); err == nil && (fi.Mode().IsRegular() || fi.IsDir()) {
			fmt.Println(quote(f))
		}
	}
	fmt.Fprintf(os.Stderr, "exported %s to %s (%s)\n", plural(res.Docs, "document"), plural(len(res.Files), "file"), plural(len(res.Warnings), "warning"))
	return nil
}

func cmdImport(ctx context.Context, args []string) error {
	flags := flag.NewFlagSet("import", flag.ContinueOnError)
	flags.SetOutput(io.Discard)
	project := flags.String("p", "", "the project file, created if missing")
	glob := flags.String("glob", annotate.DefaultImportGlob, "the files of a directory to import, by base name")
	format := flags.String("f", "text", "the format of the files")
	layer := flags.String("layer", "", "the layer every span goes to")
	skipBad := flags.Bool("skip-bad", false, "skip bad records, reporting each, instead of failing")
	level := flags.String("level", "", "conll: word or char (default: detect)")
	offsets := flags.String("offsets", "", "doccano, labelstudio: codepoint (default) or utf16")
	column := flags.String("column", "", "csv, xlsx: the text column (default text)")
	idColumn := flags.String("id-column", "", "csv, xlsx: a column naming each document")
	if err := flags.Parse(args); err != nil {
		return fmt.Errorf("import: %v: %w", err, errUsage)
	}
	switch {
	case *project == "":
		return fmt.Errorf("import: -p PROJECT is required: %w", errUsage)
	case flags.NArg() == 0:
		return fmt.Errorf("import: no FILE or DIR to import: %w", errUsage)
	case *glob == "":
		return fmt.Errorf("import: -glob is empty: %w", errUsage)
	}
	if _, err := filepath.Match(*glob, ""); err != nil {
		return fmt.Errorf("import: -glob %q: %v: %w", *glob, err, errUsage)
	}
	formats := []string{"text"}
	for _, r := range export.Readers() {
		formats = append(formats, r.Name)
	}
	if !slices.Contains(formats, *format) {
		return fmt.Errorf("import: -f %q: want one of %s: %w", *format, strings.Join(formats, ", "), errUsage)
	}
	// Interrupt (Ctrl-C) stops the import: the files done are kept, each
	// complete.
	_, statErr := os.Lstat(*project)
	created := errors.Is(statErr, fs.ErrNotExist)
	existed := projectFiles(*project)
	p, err := annotate.OpenOrCreate(*project, annotate.Options{})
	if err != nil {
		if created {
			removeProject(*project, existed) // what a failed create (a full disk) left
		}
		return fmt.Errorf("import: %w", err)
	}
	defer p.Close()
	if w := p.Warning(); w != nil { // a full disk: no backup, or read-only
		fmt.Fprintf(os.Stderr, "biaozhu: warning: %s\n", safeText(w.Error()))
	}
	// discard leaves no project behind when the import made it and
	// imported nothing into it (it failed or was interrupted).
	discard := func() {
		if created {
			p.Close()
			removeProject(*project, existed)
		}
	}
	fmt.Fprintln(os.Stderr, "loading dictionary…")
	seg, err := segmenter(ctx)
	if err != nil {
		discard()
		if ctx.Err() != nil {
			return errors.New("import: interrupted: nothing was imported")
		}
		return fmt.Errorf("import: %w", err)
	}
	if *format != "text" {
		opts := export.ReadOptions{Layer: *layer, SkipBad: *skipBad, Level: export.Level(*level), Offsets: export.Unit(*offsets),
			Column: *column, IDCol: *idColumn}
		rep, err := export.ImportFiles(ctx, p, seg, *format, flags.Args(), opts)
		for _, w := range rep.Warnings {
			fmt.Fprintln(os.Stderr, "warning:", safeText(w))
		}
		for _, e := range rep.Skipped {
			fmt.Fprintln(os.Stderr, "skipped:", safeText(e.Error()))
		}
		if err != nil {
			discard()
			if ctx.Err() != nil {
				return errors.New("import: interrupted: nothing was imported")
			}
			return fmt.Errorf("%w (nothing was imported)", err) // *export.ImportError: "import: …"
		}
		for _, n := range rep.Nested {
			fmt.Fprintln(os.Stderr, "note:", safeText(n.String()))
		}
		if err := p.Close(); err != nil {
			return fmt.Errorf("import: %w", err)
		}
		if created {
			fmt.Fprintf(os.Stderr, "created project %s\n", quote(*project))
		}
		fmt.Printf("imported %s with %s", plural(rep.Docs, "document"), plural(rep.Spans, "span"))
		if len(rep.NewLayers) > 0 {
			fmt.Printf("; new layers: %s", strings.Join(quoteAll(rep.NewLayers), ", "))
		}
		if len(rep.NewLabels) > 0 {
			fmt.Printf("; new labels added to the schema: %s", strings.Join(quoteAll(rep.NewLabels), ", "))
		}
		if len(rep.Skipped) > 0 {
			fmt.Printf("; %s skipped", plural(len(rep.Skipped), "bad record"))
		}
		fmt.Println()
		return nil
	}
	sum, err := p.Import(ctx, seg, flags.Args(), annotate.ImportOptions{Glob: *glob, Progress: printImportResult})
	fmt.Println(importSummary(sum))
	cerr := p.Close()
	if created && sum.Imported == 0 {
		removeProject(*project, existed) // nothing in it: leave no empty project
	} else if created {
		fmt.Fprintf(os.Stderr, "created project %s\n", quote(*project))
	}
	switch {
	case errors.Is(err, context.Canceled) && len(sum.Results) == 0:
		discard()
		return errors.New("import: interrupted before the first file: nothing was imported")
	case errors.Is(err, context.Canceled):
		return fmt.Errorf("import: interrupted after %d of %d files (those are done)", len(sum.Results), sum.Results[0].Total)
	case err != nil:
		return fmt.Errorf("import: %w", err)
	case cerr != nil:
		return fmt.Errorf("import: %w", cerr)
	case sum.Failed > 0:
		return fmt.Errorf("import: %s of %d failed (the others were imported)", plural(sum.Failed, "file"), len(sum.Results))
	}
	return nil
}

// projectFiles lists the files SQLite and Open keep beside a project
// file (-wal, -shm, -journal, the .bak folder of backups) that exist at
// path now.
func projectFiles(path string) map[string]bool {
	have := map[string]bool{}
	for _, f := range []string{path + "-wal", path + "-shm", path + "-journal", path + ".bak"} {
		if _, err := os.Lstat(f); err == nil {
			have[f] = true
		}
	}
	return have
}

// removeProject removes the project file path, which an import created
// and could not fill, and the files beside it that the import made (not
// those in existed, listed by projectFiles before it began: a .bak folder
// left from an earlier project of that name is the user's): the import
// leaves nothing behind.
func removeProject(path string, existed map[string]bool) {
	os.Remove(path)
	for f := range projectFiles(path) {
		if !existed[f] {
			os.RemoveAll(f)
		}
	}
}

// printImportResult prints one file's line of an import on stderr.
func printImportResult(r annotate.ImportResult) {
	prefix := fmt.Sprintf("[%d/%d] %s %s", r.N, r.Total, r.Status, quote(r.Path))
	switch r.Status {
	case annotate.ImportImported:
		fmt.Fprintf(os.Stderr, "%s: %s, %s, %s\n", prefix, plural(r.Chars, "character"), plural(r.Tokens, "token"), plural(r.Damage, "damage mark"))
	case annotate.ImportUnchanged:
		if r.Name == filepath.Base(r.Path) {
			fmt.Fprintf(os.Stderr, "%s (document %d)\n", prefix, r.DocID)
		} else {
			fmt.Fprintf(os.Stderr, "%s (same bytes as document %d, %s)\n", prefix, r.DocID, quote(r.Name))
		}
	default:
		fmt.Fprintf(os.Stderr, "%s: %s\n", prefix, safeText(r.Err.Error()))
	}
}

// importSummary is the line import prints on stdout.
func importSummary(s annotate.ImportSummary) string {
	return fmt.Sprintf("imported %s (%s, %s, %s); %d unchanged; %d failed",
		plural(s.Imported, "document"), plural(s.Chars, "character"), plural(s.Tokens, "token"), plural(s.Damage, "damage mark"), s.Unchanged, s.Failed)
}

// plural is n with thousands separators and the noun, with an s unless n is 1.
func plural(n int, noun string) string {
	if n != 1 {
		noun += "s"
	}
	return thousands(n) + " " + noun
}

// thousands formats n with commas: 12,345.
func thousands(n int) string { return export.FormatValue(float64(n)) }

func cmdLs(_ context.Context, args []string) error {
	fs := flag.NewFlagSet("ls", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	project := fs.String("p", "", "the project file")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("ls: %v: %w", err, errUsage)
	}
	if *project == "" {
		return fmt.Errorf("ls: -p PROJECT is required: %w", errUsage)
	}
	if fs.NArg() != 0 {
		return fmt.Errorf("ls: unexpected argument %q: %w", fs.Arg(0), errUsage)
	}
	// Open, not OpenOrCreate: listing a project that is not there is an
	// error, not a new empty project. Read-only: ls writes nothing (no
	// backup either), and lists a read-only project file too.
	p, err := annotate.Open(*project, annotate.Options{ReadOnly: true})
	if err != nil {
		return err
	}
	defer p.Close()
	docs, err := p.Documents()
	if err != nil {
		return err // names the project
	}
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tSTATUS\tCHARS\tTOKENS\tSPANS")
	for _, d := range docs {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%d\t%d\t%d\n", d.ID, quote(d.Name), d.Status, d.Chars, d.Tokens, d.Spans)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	return p.Close()
}

// quote is a name (of a file, a document, a label) as the commands print
// it: as it is when it is plain (valid UTF-8, graphic characters only, not
// empty, no space at either end), else quoted like %q but keeping graphic
// characters (Han, ideographic spaces) as they are. So control characters,
// line breaks, escape sequences and invisible format characters in a name
// never reach the terminal, and never break a line or a column.
func quote(name string) string {
	plain := name != "" && utf8.ValidString(name) && strings.TrimSpace(name) == name &&
		!strings.ContainsFunc(name, func(r rune) bool { return !strconv.IsGraphic(r) })
	if plain {
		return name
	}
	return strconv.QuoteToGraphic(name)
}

// quoteAll is quote of every name.
func quoteAll(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = quote(n)
	}
	return out
}

// safeText is a message (an error's text, which may hold names) with the
// characters quote would escape escaped the same way, without quotes.
func safeText(msg string) string {
	if utf8.ValidString(msg) && !strings.ContainsFunc(msg, func(r rune) bool { return !strconv.IsGraphic(r) }) {
		return msg
	}
	q := strconv.QuoteToGraphic(msg)
	return strings.ReplaceAll(q[1:len(q)-1], `\"`, `"`)
}

// parseInterspersed parses args with fs allowing flags after the
// positional arguments (kwic QUERY -fold), which it returns.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// tableOut checks an -o file name: .csv or .xlsx, and not the project
// (before the work, which WriteTable checks again).
func tableOut(cmd, out, project string) error {
	switch strings.ToLower(filepath.Ext(out)) {
	case ".csv", ".xlsx":
		return export.CheckOutput(out, project)
	}
	return fmt.Errorf("%s: -o %q: want a file name ending in .csv or .xlsx: %w", cmd, out, errUsage)
}

// openIndex opens project read-only and indexes it, or only document doc
// when doc is not 0 (an error naming the project if it has no such
// document).
func openIndex(ctx context.Context, project string, doc int64) (*annotate.Index, error) {
	p, err := annotate.Open(project, annotate.Options{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer p.Close()
	if doc != 0 {
		d, err := p.Document(doc)
		if err != nil {
			return nil, err // names the project and the document
		}
		return annotate.NewIndex([]*annotate.Document{d}), nil
	}
	return annotate.BuildIndex(ctx, p, nil)
}

func cmdKwic(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("kwic", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	project := fs.String("p", "", "the project file")
	isRegex := fs.Bool("regex", false, "QUERY is a regular expression over the text")
	isWord := fs.Bool("word", false, "QUERY is a token's exact text")
	isWordRegex := fs.Bool("word-regex", false, "QUERY is a regular expression a whole token matches")
	pos := fs.String("pos", "", "a token's POS tag")
	layer := fs.String("layer", "", "a span's layer")
	label := fs.String("label", "", "a span's label")
	labelText := fs.String("label-text", "", "text the span holds")
	fold := fs.Bool("fold", false, "ignore traditional/simplified")
	doc := fs.Int64("doc", 0, "only this document")
	sortBy := fs.String("sort", "position", "position, left1, left2, right1, right2 or match")
	width := fs.Int("width", 10, "characters of context on each side")
	limit := fs.Int("limit", 100, "lines to print (0: all)")
	out := fs.String("o", "", "write the hits to OUT.csv or OUT.xlsx")
	bom := fs.Bool("bom", false, "csv: start with a UTF-8 byte order mark (for Excel)")
	rest, err := parseInterspersed(fs, args)
	if err != nil {
		return fmt.Errorf("kwic: %v: %w", err, errUsage)
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	kinds := 0
	for _, b := range []bool{*isRegex, *isWord, *isWordRegex} {
		if b {
			kinds++
		}
	}
	switch {
	case *project == "":
		return fmt.Errorf("kwic: -p PROJECT is required: %w", errUsage)
	case len(rest) > 1:
		return fmt.Errorf("kwic: want one QUERY, got %d (%q): quote a query with spaces: %w", len(rest), rest, errUsage)
	case kinds > 1:
		return fmt.Errorf("kwic: give one of -regex, -word and -word-regex: %w", errUsage)
	case kinds == 1 && len(rest) == 0:
		return fmt.Errorf("kwic: -regex, -word and -word-regex need a QUERY: %w", errUsage)
	case !slices.Contains(annotate.SortKeys, annotate.SortKey(*sortBy)):
		return fmt.Errorf("kwic: -sort %q: want position, left1, left2, right1, right2 or match: %w", *sortBy, errUsage)
	case *width < 0 || *limit < 0:
		return fmt.Errorf("kwic: -width and -limit must not be negative: %w", errUsage)
	case *doc < 0:
		return fmt.Errorf("kwic: -doc %d: want a document ID: %w", *doc, errUsage)
	}
	if *out != "" {
		if err := tableOut("kwic", *out, *project); err != nil {
			return err
		}
	}
	q := annotate.Query{POS: *pos, Layer: *layer, Label: *label, LabelText: *labelText, Fold: *fold, Doc: *doc}
	if len(rest) == 1 {
		switch {
		case *isRegex:
			q.Regex = rest[0]
		case *isWord:
			q.Word = rest[0]
		case *isWordRegex:
			q.WordRegex = rest[0]
		default:
			q.Text = rest[0]
		}
	}
	if err := q.Validate(); errors.Is(err, annotate.ErrEmptyQuery) {
		return fmt.Errorf("kwic: give a QUERY, or -pos, -layer, -label or -label-text: %w", errUsage)
	} else if err != nil {
		return fmt.Errorf("kwic: %w", err) // a regular expression that does not compile or is too large
	}
	ix, err := openIndex(ctx, *project, *doc)
	if err != nil {
		return err
	}
	res, err := ix.Search(ctx, q)
	if err != nil {
		return err
	}
	res.Sort(annotate.SortKey(*sortBy))
	n := res.Len()
	if *limit > 0 && (*out == "" || set["limit"]) {
		n = min(n, *limit)
	}
	hits := make([]annotate.Hit, 0, n)
	for from := 0; from < n; from += 4096 {
		if err := ctx.Err(); err != nil {
			return err
		}
		hits = append(hits, res.Hits(from, min(from+4096, n), *width)...)
	}
	total := plural(res.Len(), "hit")
	if res.Truncated() {
		total = "more than " + total
	}
	if *out != "" {
		header := []string{"document", "start", "end", "left", "match", "right", "pos", "label"}
		rows := make([][]string, len(hits))
		for i, h := range hits {
			lbl := ""
			if h.SpanLabel != "" {
				lbl = h.SpanLayer + "/" + h.SpanLabel
			}
			rows[i] = []string{h.DocName, strconv.Itoa(h.Start), strconv.Itoa(h.End), h.Left, h.Match, h.Right, h.POS, lbl}
		}
		if err := export.WriteTable(ctx, *out, header, rows, export.TableOptions{BOM: *bom, Sheet: "KWIC", Numbers: []int{1, 2}, Project: *project}); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "%s; %s written to %s\n", total, plural(len(hits), "line"), quote(*out))
		return nil
	}
	names, lefts, matches := 0, 0, 0
	for _, h := range hits {
		names = max(names, displayWidth(quote(h.DocName)))
		lefts = max(lefts, displayWidth(h.Left))
		matches = max(matches, displayWidth(h.Match))
	}
	bw := bufio.NewWriter(export.ContextWriter(ctx, os.Stdout))
	for _, h := range hits {
		name := quote(h.DocName)
		fmt.Fprintf(bw, "%s%s  %s%s │ %s%s │ %s\n", name, pad(names-displayWidth(name)), pad(lefts-displayWidth(h.Left)), h.Left,
			h.Match, pad(matches-displayWidth(h.Match)), h.Right)
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if len(hits) < res.Len() {
		fmt.Fprintf(os.Stderr, "%s (%d shown; -limit 0 shows all)\n", total, len(hits))
	} else {
		fmt.Fprintln(os.Stderr, total)
	}
	return nil
}

func cmdFreq(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("freq", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	project := fs.String("p", "", "the project file")
	by := fs.String("by", "word", "word, pos, label or label-word")
	doc := fs.Int64("doc", 0, "only this document")
	fold := fs.Bool("fold", false, "count traditional and simplified forms together")
	limit := fs.Int("limit", 0, "rows (0: all)")
	out := fs.String("o", "", "write the list to OUT.csv or OUT.xlsx")
	bom := fs.Bool("bom", false, "csv: start with a UTF-8 byte order mark (for Excel)")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("freq: %v: %w", err, errUsage)
	}
	switch {
	case *project == "":
		return fmt.Errorf("freq: -p PROJECT is required: %w", errUsage)
	case fs.NArg() > 0:
		return fmt.Errorf("freq: unexpected argument %q: %w", fs.Arg(0), errUsage)
	case !annotate.FreqBy(*by).Valid():
		return fmt.Errorf("freq: -by %q: want word, pos, label or label-word: %w", *by, errUsage)
	case *limit < 0:
		return fmt.Errorf("freq: -limit must not be negative: %w", errUsage)
	case *doc < 0:
		return fmt.Errorf("freq: -doc %d: want a document ID: %w", *doc, errUsage)
	}
	if *out != "" {
		if err := tableOut("freq", *out, *project); err != nil {
			return err
		}
	}
	ix, err := openIndex(ctx, *project, *doc)
	if err != nil {
		return err
	}
	rows := ix.Freq(annotate.FreqBy(*by), *doc, *fold)
	total := len(rows)
	if *limit > 0 {
		rows = rows[:min(len(rows), *limit)]
	}
	key := map[annotate.FreqBy]string{annotate.FreqWord: "word", annotate.FreqPOS: "pos", annotate.FreqLabel: "label", annotate.FreqLabelWord: "label"}[annotate.FreqBy(*by)]
	header := []string{key}
	if *by == string(annotate.FreqLabelWord) {
		header = append(header, "text")
	}
	header = append(header, "count", "docs", "share")
	table := make([][]string, len(rows))
	for i, r := range rows {
		row := []string{r.Key}
		if *by == string(annotate.FreqLabelWord) {
			row = append(row, r.Key2)
		}
		table[i] = append(row, strconv.Itoa(r.Count), strconv.Itoa(r.Docs), strconv.FormatFloat(r.Share, 'f', 6, 64))
	}
	if *out != "" {
		nk := len(header) - 3
		if err := export.WriteTable(ctx, *out, header, table, export.TableOptions{BOM: *bom, Sheet: "Frequency", Numbers: []int{nk, nk + 1, nk + 2}, Project: *project}); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "%s written to %s\n", plural(len(table), "row"), quote(*out))
		return nil
	}
	// Aligned columns: keys padded by display width, numbers right-aligned,
	// share as a percentage.
	widths := make([]int, len(header))
	cells := make([][]string, 0, len(table)+1)
	cells = append(cells, header)
	for i, r := range table {
		c := slices.Clone(r)
		c[len(c)-1] = strconv.FormatFloat(100*rows[i].Share, 'f', 2, 64) + "%"
		for k := range len(c) - 3 {
			c[k] = quote(c[k])
		}
		cells = append(cells, c)
	}
	for _, c := range cells {
		for k, s := range c {
			widths[k] = max(widths[k], displayWidth(s))
		}
	}
	bw := bufio.NewWriter(export.ContextWriter(ctx, os.Stdout))
	for _, c := range cells {
		for k, s := range c {
			if k > 0 {
				bw.WriteString("  ")
			}
			if k < len(c)-3 {
				bw.WriteString(s)
				if k < len(c)-1 {
					bw.WriteString(pad(widths[k] - displayWidth(s)))
				}
			} else {
				bw.WriteString(pad(widths[k]-displayWidth(s)) + s)
			}
		}
		bw.WriteString("\n")
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if len(rows) < total {
		fmt.Fprintf(os.Stderr, "%s of %d shown\n", plural(len(rows), "row"), total)
	}
	return nil
}

// displayWidth is the number of terminal columns s takes: East Asian wide
// and full-width characters take two, combining marks and format
// characters none, the others one.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		switch {
		case unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf):
		case r >= 0x1100 && (width.LookupRune(r).Kind() == width.EastAsianWide || width.LookupRune(r).Kind() == width.EastAsianFullwidth):
			n += 2
		default:
			n++
		}
	}
	return n
}

func pad(n int) string { return strings.Repeat(" ", max(0, n)) }
