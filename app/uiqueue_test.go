package app

import (
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
)

// Fyne's test driver runs a fyne.Do callback at once, on the goroutine
// that calls fyne.Do: the workspace's background goroutine, concurrently
// with the test's goroutine reading the same widgets (a data race, and
// once a panic when a callback ran after the test had closed the
// project). The real driver runs every callback on its one UI goroutine,
// between events. uiQueue does the same for a test: fyne.Do queues the
// callback, and the test's goroutine runs the queue when it waits
// (waitFor), so that the workspace is only ever used by one goroutine.

// uiQueue is a Fyne driver whose fyne.Do queues its callbacks for the
// test's goroutine to run; all else is the test driver's.
type uiQueue struct {
	fyne.Driver
	mu   sync.Mutex
	fns  []func()
	more chan struct{} // holds a value when fns may have gained one
}

// DoFromGoroutine queues fn; with wait, it returns once fn has run.
func (q *uiQueue) DoFromGoroutine(fn func(), wait bool) {
	var done chan struct{}
	if wait {
		done = make(chan struct{})
		f := fn
		fn = func() { f(); close(done) }
	}
	q.mu.Lock()
	q.fns = append(q.fns, fn)
	q.mu.Unlock()
	select {
	case q.more <- struct{}{}:
	default:
	}
	if wait {
		<-done
	}
}

// run runs the queued callbacks in order, and those they queue, until
// none is left.
func (q *uiQueue) run() {
	for {
		q.mu.Lock()
		fns := q.fns
		q.fns = nil
		q.mu.Unlock()
		if len(fns) == 0 {
			return
		}
		for _, fn := range fns {
			fn()
		}
	}
}

// queueApp is the test app with uiQueue as its driver.
type queueApp struct {
	fyne.App
	q *uiQueue
}

func (a queueApp) Driver() fyne.Driver { return a.q }

// queueUI makes fyne.Do queue its callbacks for the test's goroutine until
// t ends. newWSFixture calls it before it makes the workspace, so that
// every workspace test runs the workspace on one goroutine; a fixture
// that makes its own workspace calls it first too.
func queueUI(t testing.TB) {
	t.Helper()
	a := fyne.CurrentApp()
	if _, ok := a.Driver().(*uiQueue); ok {
		return
	}
	fyne.SetCurrentApp(queueApp{App: a, q: &uiQueue{Driver: a.Driver(), more: make(chan struct{}, 1)}})
	t.Cleanup(func() { fyne.SetCurrentApp(a) })
}

// waitFor waits until cond holds, or fails the test after five minutes: the
// one way the tests wait for the workspace's background work. Under
// queueUI it runs the callbacks the background work queued (on the test's
// goroutine, as the real driver runs them on its UI goroutine) before each
// look at cond; else it polls cond.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	q, _ := fyne.CurrentApp().Driver().(*uiQueue)
	deadline := time.Now().Add(5 * time.Minute) // a guard against a hang, not a time limit
	for {
		if q != nil {
			q.run()
		}
		if cond() {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		if q == nil {
			time.Sleep(2 * time.Millisecond)
			continue
		}
		select {
		case <-q.more:
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// waitJobs waits until no long work runs: the job running, then any job
// its end started.
func (f *wsFixture) waitJobs() {
	f.t.Helper()
	waitIdle(f.t, f.ws)
}

// waitIdle waits until no long work of ws runs: the job running, then
// any job its end started. Under queueUI, the jobs' ends run on the
// test's goroutine; else waiting on a job's done channel (closed last in
// its callback) orders the test after all its callback did.
func waitIdle(t testing.TB, ws *workspace) {
	t.Helper()
	if _, ok := fyne.CurrentApp().Driver().(*uiQueue); ok {
		waitFor(t, "the long work to end", func() bool { return ws.job == nil })
		return
	}
	for j := ws.job; j != nil; j = ws.job {
		select {
		case <-j.done:
		case <-time.After(60 * time.Second):
			t.Fatal("the long work did not finish")
		}
	}
}

// recv waits for a value on ch (sent by a callback of the workspace's
// background work) and returns it: under queueUI it runs the queued
// callbacks meanwhile, where a plain receive would wait for ever.
func recv[T any](t testing.TB, what string, ch <-chan T) T {
	t.Helper()
	var v T
	waitFor(t, what, func() bool {
		select {
		case v = <-ch:
			return true
		default:
			return false
		}
	})
	return v
}

// waitDict waits until ws has loaded its dictionary (loadSegmenter).
func waitDict(t testing.TB, ws *workspace) {
	t.Helper()
	recv[struct{}](t, "the dictionary", ws.segOK)
}
