package text

// isDone reports whether done (a context's Done channel; nil for one
// never done) is closed, without waiting: cheap enough for a hot loop.
func isDone(done <-chan struct{}) bool {
	select {
	case <-done:
		return true
	default:
		return false
	}
}
