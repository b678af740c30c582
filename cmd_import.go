// The import subcommand: text files, or annotated files in a format
// export reads, into a project created if missing; what it prints, and
// how it leaves no project behind when it imported nothing.

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/biaozhu/biaozhu/annotate"
	"github.com/biaozhu/biaozhu/export"
)

func cmdImport(ctx context.Context, args []string) error {
	flags := flag.NewFlagSet("import", flag.ContinueOnError)
	project := flags.String("p", "", "the project file, created if missing")
	glob := flags.String("glob", annotate.DefaultImportGlob, "the files of a directory to import, by base name")
	format := flags.String("f", "text", "the format of the files")
	layer := flags.String("layer", "", "the layer every span goes to")
	skipBad := flags.Bool("skip-bad", false, "skip bad records, reporting each, instead of failing")
	level := flags.String("level", "", "conll: word or char (default: detect)")
	offsets := flags.String("offsets", "", "doccano, labelstudio: codepoint (default) or utf16")
	column := flags.String("column", "", "csv, xlsx: the text column (default text)")
	idColumn := flags.String("id-column", "", "csv, xlsx: a column naming each document")
	files, err := parseFlags(flags, args, false)
	if err != nil {
		return err
	}
	switch {
	case *project == "":
		return fmt.Errorf("import: -p PROJECT is required: %w", errUsage)
	case len(files) == 0:
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
	if _, ok := export.LookupReader(*format); !ok && *format != "text" { // a name, or an old one (spacy)
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
		rep, err := export.ImportFiles(ctx, p, seg, *format, files, opts)
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
	sum, err := p.Import(ctx, seg, files, annotate.ImportOptions{Glob: *glob, Progress: printImportResult, Stdin: stdinText()})
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
