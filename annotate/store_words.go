// The user dictionary (user_words) and the splits and merges recorded
// for learning (segmentation_edits).

package annotate

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// DictWord is a word of the user dictionary.
type DictWord struct {
	Word string
	POS  string
	Freq int
}

// AddWord adds a word to the user dictionary, or updates its POS and
// frequency.
func (p *Project) AddWord(w DictWord) error {
	if strings.TrimSpace(w.Word) == "" || strings.TrimSpace(w.Word) != w.Word {
		return fmt.Errorf("annotate: user dictionary: word %q is empty or has surrounding spaces", w.Word)
	}
	if w.Freq <= 0 {
		w.Freq = 1
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.ready(); err != nil {
		return err
	}
	return p.write(func(tx *sql.Tx) error {
		_, err := tx.ExecContext(context.Background(), `INSERT INTO user_words(word, pos, freq, added) VALUES (?, ?, ?, ?)
			ON CONFLICT(word) DO UPDATE SET pos=excluded.pos, freq=excluded.freq`, w.Word, w.POS, w.Freq, timeText(time.Now()))
		return err
	})
}

// RemoveWord removes a word from the user dictionary.
func (p *Project) RemoveWord(word string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.ready(); err != nil {
		return err
	}
	return p.write(func(tx *sql.Tx) error {
		_, err := tx.ExecContext(context.Background(), "DELETE FROM user_words WHERE word = ?", word)
		return err
	})
}

// Words lists the user dictionary in word order.
func (p *Project) Words() ([]DictWord, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.ready(); err != nil {
		return nil, err
	}
	out, err := queryAll(context.Background(), p.conn, func(r *sql.Rows) (w DictWord, err error) {
		return w, r.Scan(&w.Word, &w.POS, &w.Freq)
	}, "SELECT word, pos, freq FROM user_words ORDER BY word")
	return out, p.wrapErr(err, "read the user dictionary")
}

// The kinds of SegmentationEdit.
const (
	SegSplit     = "split"     // a token split in two
	SegMerge     = "merge"     // tokens merged into one
	SegLabel     = "label"     // a split made for a span's edge in the same step: not a correction
	SegResegment = "resegment" // another change of the tokens' bounds
)

// SegmentationEdit is a split or merge the annotator made, as recorded for
// the segmenter to learn from.
type SegmentationEdit struct {
	DocID      int64
	Kind       string // SegSplit, SegMerge, SegLabel or SegResegment
	Start, End int
	Before     []string // the words before the edit
	After      []string // the words after it
}

// SegmentationEdits lists the splits and merges in effect (not undone), in
// the order they were made.
func (p *Project) SegmentationEdits() ([]SegmentationEdit, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.ready(); err != nil {
		return nil, err
	}
	out, err := queryAll(context.Background(), p.conn, func(r *sql.Rows) (s SegmentationEdit, err error) {
		var before, after string
		if err := r.Scan(&s.DocID, &s.Kind, &s.Start, &s.End, &before, &after); err != nil {
			return s, err
		}
		_ = json.Unmarshal([]byte(before), &s.Before)
		_ = json.Unmarshal([]byte(after), &s.After)
		return s, nil
	}, `SELECT doc_id, kind, start, "end", before, after FROM segmentation_edits WHERE undone = 0 ORDER BY id`)
	return out, p.wrapErr(err, "read the segmentation edits")
}
