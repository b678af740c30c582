package corpus

// SetRegexCallBudget sets the work one regexp call of a search may do
// before the search reads the text through its interruptible reader (0:
// always through the reader) and returns a function that puts the budget
// back. No search may be running.
func SetRegexCallBudget(n int) (restore func()) {
	old := regexCallBudget
	regexCallBudget = n
	return func() { regexCallBudget = old }
}
