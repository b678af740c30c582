// The helpers the subcommands share: parsing their flags, reading their
// input and running the text pipeline or indexing a project over it, and
// printing names, counts and columns the same way everywhere.

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"

	"github.com/biaozhu/biaozhu/annotate"
	"github.com/biaozhu/biaozhu/annotate/corpus"
	"github.com/biaozhu/biaozhu/annotate/text"
	"github.com/biaozhu/biaozhu/export"
)

// parseFlags parses a subcommand's flags, the one way every subcommand
// does: the flag package prints nothing (main prints the usage), a bad
// flag is a usage error naming the subcommand (fs's name), and -h, -help
// or --help give a *helpError with the subcommand's usage and flags. It
// returns the positional arguments; flags stop at the first of them
// unless interspersed, which allows flags after them too (kwic QUERY
// -fold).
func parseFlags(fs *flag.FlagSet, args []string, interspersed bool) ([]string, error) {
	fs.SetOutput(io.Discard)
	var pos []string
	for {
		if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
			return nil, &helpError{commandHelp(fs)}
		} else if err != nil {
			return nil, fmt.Errorf("%s: %v: %w", fs.Name(), err, errUsage)
		}
		if !interspersed || fs.NArg() == 0 {
			return append(pos, fs.Args()...), nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// helpError is what a subcommand returns for -h: its usage, which main
// prints on standard output, exiting 0.
type helpError struct{ text string }

func (e *helpError) Error() string { return e.text }

// commandHelp is the usage of fs's subcommand: its entries of the usage
// text (import has two) and its flags with their defaults.
func commandHelp(fs *flag.FlagSet) string {
	var b strings.Builder
	b.WriteString("usage:\n")
	b.WriteString(commandUsage(fs.Name()))
	b.WriteString("flags:\n")
	fs.SetOutput(&b)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
	return b.String()
}

// commandUsage is the entries of the usage text for the subcommand name:
// each begins with a line "  biaozhu NAME …" and goes on over the lines
// indented deeper.
func commandUsage(name string) string {
	var b strings.Builder
	in := false
	for l := range strings.Lines(usage) {
		switch {
		case strings.HasPrefix(l, "  biaozhu "):
			f := strings.Fields(l)
			in = len(f) > 1 && f[1] == name
		case !strings.HasPrefix(l, "   "):
			in = false
		}
		if in {
			b.WriteString(l)
		}
	}
	return b.String()
}

// parse parses a subcommand's flags (parseFlags) and wants exactly one
// file argument.
func parse(fs *flag.FlagSet, args []string) (string, error) {
	files, err := parseFlags(fs, args, false)
	if err != nil {
		return "", err
	}
	if len(files) != 1 {
		return "", fmt.Errorf("%s: want one file, got %d: %w", fs.Name(), len(files), errUsage)
	}
	return files[0], nil
}

// maxStdin is how much standard input clean and segment read (the text
// pipeline takes some fifteen times its input in memory); a bigger text is
// read from a file.
const maxStdin = 256 << 20

// readInput reads the input of clean or segment: a regular file, as import
// reads (text.ReadText), or "-" for standard input up to maxStdin bytes.
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
	return text.ReadText(path)
}

// stdinText is standard input as import reads a text from it ("-"): up
// to maxStdin bytes, as clean and segment read it; more is an error.
func stdinText() io.Reader { return &cappedReader{r: os.Stdin, left: maxStdin} }

// cappedReader reads r up to left bytes, and fails if r holds more.
type cappedReader struct {
	r    io.Reader
	left int64
}

func (c *cappedReader) Read(p []byte) (int, error) {
	if c.left <= 0 {
		var one [1]byte
		if n, err := c.r.Read(one[:]); n == 0 {
			return 0, err
		}
		return 0, fmt.Errorf("more than %d MiB; give the text as a file", maxStdin>>20)
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	return n, err
}

// process reads one input and runs the pipeline over it: decode and clean
// (with the dictionary as evidence) and, when segment is set, sentences,
// segmentation and tags.
func process(ctx context.Context, cmd, path string, segment bool) (*text.Result, error) {
	data, err := readInput(cmd, path)
	if err != nil {
		return nil, err
	}
	seg, err := segmenter(ctx)
	if err != nil {
		return nil, err
	}
	opts := text.DefaultCleanOptions()
	opts.Lexicon = seg
	if !segment {
		seg = nil // the dictionary is evidence for cleaning only
	}
	return text.ProcessContext(ctx, path, data, seg, opts)
}

// segmenter loads the segmentation dictionary (a second or two) and
// returns ctx's error as soon as ctx is done, leaving the load to finish
// unwatched: nothing is written meanwhile, so a command can stop there.
func segmenter(ctx context.Context) (*text.Segmenter, error) {
	type loaded struct {
		seg *text.Segmenter
		err error
	}
	c := make(chan loaded, 1)
	go func() {
		seg, err := text.NewSegmenter()
		c <- loaded{seg, err}
	}()
	select {
	case l := <-c:
		return l.seg, l.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// openIndex opens project read-only and indexes it, or only document doc
// when doc is not 0 (an error naming the project if it has no such
// document).
func openIndex(ctx context.Context, project string, doc int64) (*corpus.Index, error) {
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
		return corpus.NewIndex([]*annotate.Document{d}), nil
	}
	return corpus.BuildIndex(ctx, p, nil)
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

// plural is n with thousands separators and the noun, with an s unless n is 1.
func plural(n int, noun string) string {
	if n != 1 {
		noun += "s"
	}
	return thousands(n) + " " + noun
}

// thousands formats n with commas: 12,345.
func thousands(n int) string { return export.FormatValue(float64(n)) }

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
