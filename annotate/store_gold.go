// The gold corpora the project's segmenter learnt from (gold_corpora,
// gold_sentences): sentences with their gold segmentation, kept so that
// the Learner (Project.Learner) learns them again whenever it is built.

package annotate

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/biaozhu/biaozhu/annotate/text"
)

// GoldSentence is a sentence of a gold corpus: its text and its words as
// Tokens (offsets code points into Text, in order, not overlapping, not
// empty; whitespace in no token). Only the segmentation is kept: a
// token's Text and POS are not stored.
type GoldSentence struct {
	Text   string
	Tokens []text.Token
}

// GoldCorpus is a gold corpus the project learnt from.
type GoldCorpus struct {
	ID        int64
	Name      string // the name it was learnt under (its file's base name)
	Hash      string // SHA-256 of its sentences and their segmentation (goldHash)
	Sentences int
	Tokens    int
	Added     time.Time
}

// CheckGold checks the sentences of a gold corpus: every sentence has
// text and tokens, its tokens lie in its text, in order, not overlapping,
// not empty, and none holds whitespace. The error names the corpus, the
// sentence (counted from 1) and the token.
func CheckGold(name string, sents []GoldSentence) error {
	if len(sents) == 0 {
		return fmt.Errorf("annotate: gold corpus %s: no sentences", name)
	}
	for i, s := range sents {
		if !utf8.ValidString(s.Text) {
			return fmt.Errorf("annotate: gold corpus %s: sentence %d: text is not valid UTF-8", name, i+1)
		}
		if len(s.Tokens) == 0 {
			return fmt.Errorf("annotate: gold corpus %s: sentence %d %q: no tokens", name, i+1, s.Text)
		}
		runes := []rune(s.Text)
		prev := 0
		for k, t := range s.Tokens {
			if t.Start < prev || t.End <= t.Start || t.End > len(runes) {
				return fmt.Errorf("annotate: gold corpus %s: sentence %d %q: token %d [%d,%d) is empty, out of order or outside the text (%d characters)", name, i+1, s.Text, k+1, t.Start, t.End, len(runes))
			}
			if slices.ContainsFunc(runes[t.Start:t.End], unicode.IsSpace) {
				return fmt.Errorf("annotate: gold corpus %s: sentence %d %q: token %d %q holds whitespace", name, i+1, s.Text, k+1, string(runes[t.Start:t.End]))
			}
			prev = t.End
		}
	}
	return nil
}

// goldHash is the SHA-256, in hex, of the sentences' texts and token
// spans: the same corpus read from another file (CoNLL-U or text) has the
// same hash.
func goldHash(sents []GoldSentence) string {
	h := sha256.New()
	var buf []byte
	for _, s := range sents {
		buf = binary.AppendUvarint(buf[:0], uint64(len(s.Text)))
		buf = append(buf, s.Text...)
		spans := encodeGoldTokens(s.Tokens)
		buf = binary.AppendUvarint(buf, uint64(len(spans)))
		buf = append(buf, spans...)
		h.Write(buf)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func encodeGoldTokens(toks []text.Token) []byte {
	return appendSpans(nil, len(toks), func(i int) (int, int) { return toks[i].Start, toks[i].End })
}

// AddGoldCorpus stores sents (CheckGold) as the gold corpus name, in one
// transaction: every sentence or, when ctx is done first or writing fails,
// none. A corpus with the same sentences and segmentation (goldHash) is
// not stored twice: AddGoldCorpus returns the one stored and added false.
// The Learner learns the stored corpora, in the order they were added,
// before the sentences the annotators corrected.
func (p *Project) AddGoldCorpus(ctx context.Context, name string, sents []GoldSentence) (c GoldCorpus, added bool, err error) {
	if err := CheckGold(name, sents); err != nil {
		return GoldCorpus{}, false, err
	}
	c = GoldCorpus{Name: name, Hash: goldHash(sents), Sentences: len(sents), Added: time.Now()}
	for _, s := range sents {
		c.Tokens += len(s.Tokens)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.ready(); err != nil {
		return GoldCorpus{}, false, err
	}
	old, err := queryAll(ctx, p.conn, scanGoldCorpus, "SELECT id, name, hash, sentences, tokens, added FROM gold_corpora WHERE hash = ?", c.Hash)
	if err != nil {
		return GoldCorpus{}, false, p.wrapErr(err, "read the gold corpora")
	}
	if len(old) > 0 {
		return old[0], false, nil
	}
	err = p.write(func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "INSERT INTO gold_corpora(name, hash, sentences, tokens, added) VALUES (?, ?, ?, ?, ?)",
			c.Name, c.Hash, c.Sentences, c.Tokens, timeText(c.Added))
		if err != nil {
			return err
		}
		if c.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		ins, err := tx.PrepareContext(ctx, "INSERT INTO gold_sentences(corpus_id, position, text, tokens) VALUES (?, ?, ?, ?)")
		if err != nil {
			return err
		}
		defer ins.Close()
		for i, s := range sents {
			if _, err := ins.ExecContext(ctx, c.ID, i, s.Text, encodeGoldTokens(s.Tokens)); err != nil {
				return err
			}
		}
		return ctx.Err()
	})
	if err != nil {
		if ctx.Err() != nil {
			return GoldCorpus{}, false, ctx.Err()
		}
		return GoldCorpus{}, false, p.storeErr(err, "store the gold corpus "+name)
	}
	return c, true, nil
}

func scanGoldCorpus(r *sql.Rows) (c GoldCorpus, err error) {
	var added string
	err = r.Scan(&c.ID, &c.Name, &c.Hash, &c.Sentences, &c.Tokens, &added)
	c.Added = parseTime(added)
	return c, err
}

// GoldCorpora lists the gold corpora the project learnt from, in the order
// they were added.
func (p *Project) GoldCorpora() ([]GoldCorpus, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.ready(); err != nil {
		return nil, err
	}
	out, err := queryAll(context.Background(), p.conn, scanGoldCorpus, "SELECT id, name, hash, sentences, tokens, added FROM gold_corpora ORDER BY id")
	return out, p.wrapErr(err, "read the gold corpora")
}

// RemoveGoldCorpus removes a gold corpus and its sentences: the Learner
// built after it no longer learns them.
func (p *Project) RemoveGoldCorpus(id int64) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.ready(); err != nil {
		return err
	}
	removed := int64(0)
	err := p.write(func(tx *sql.Tx) error {
		res, err := tx.ExecContext(context.Background(), "DELETE FROM gold_corpora WHERE id = ?", id)
		if err == nil {
			removed, err = res.RowsAffected()
		}
		return err
	})
	switch {
	case err != nil:
		return p.storeErr(err, "remove the gold corpus")
	case removed == 0:
		return fmt.Errorf("annotate: %s: no gold corpus %d", p.path, id)
	}
	return nil
}

// storeErr is wrapErr for an error of write, which may already be a
// *ProjectError (a read-only project).
func (p *Project) storeErr(err error, doing string) error {
	if pe := (*ProjectError)(nil); errors.As(err, &pe) {
		return err
	}
	return p.wrapErr(err, doing)
}

// goldSentences reads the sentences of every gold corpus, corpus by corpus
// in the order they were added, each in its order.
func (p *Project) goldSentences(ctx context.Context) ([]GoldSentence, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.ready(); err != nil {
		return nil, err
	}
	out, err := queryAll(ctx, p.conn, func(r *sql.Rows) (GoldSentence, error) {
		var s GoldSentence
		var spans []byte
		if err := r.Scan(&s.Text, &spans); err != nil {
			return s, err
		}
		err := decodeSpans(spans, func(start, end int) {
			s.Tokens = append(s.Tokens, text.Token{Start: start, End: end})
		})
		if err != nil {
			return s, fmt.Errorf("gold sentence %.20q: %w", s.Text, err)
		}
		return s, nil
	}, "SELECT s.text, s.tokens FROM gold_sentences s JOIN gold_corpora c ON c.id = s.corpus_id ORDER BY c.id, s.position")
	if err != nil {
		return nil, p.wrapErr(err, "read the gold corpora")
	}
	return out, nil
}
