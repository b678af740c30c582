// Package corpus holds Biaozhu's corpus tools, the questions asked of a
// whole project and the edits proposed from the answers: the corpus index
// behind the concordance (KWIC), the frequency lists and the statistics
// (Index, Query, Result, Freq, Stats), and the suggestions (Gazetteer,
// Suggester, SuggestEdit, AcceptAll, RejectAll, ConfirmedStrings,
// LabelAll). It reads a Project and proposes Edits; applying them (an
// Editor, a corpus step) is annotate's.
//
// Dependencies point one way: corpus imports annotate (and its
// sub-packages), never app or export; app and package main import corpus;
// annotate knows nothing of it. Nothing here imports fyne.
//
// The border: the corpus tools only read a document's text, tokens and
// spans (or the file's span table) and answer with Edits, so they need no
// internals of the model or the store: annotate gives them
// Project.AnnotatedText, Project.ConfirmedSpanTexts, TextIndex and
// ConvertInPlace, and what changes together (model, edits, history,
// store) stays in annotate.
package corpus
