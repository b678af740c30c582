// Package disttest tests what make dist built (dist/, see .ci/dist), as a
// user gets it: the archives and their SHA-256 sums; the Linux app unpacked,
// installed with its own Makefile (make user-install into a temporary home)
// and run there, from that folder alone; each executable's header (ELF, PE,
// Mach-O) and Go build information for its OS and architecture; the Windows
// exes' subsystems (window, console) and resources (icon, version,
// manifest); the Windows programs' commands run under Wine, their output
// equal to the Linux build's. make test-dist runs it after make dist:
//
//	go test ./internal/disttest -dist DIR
//
// Without -dist its tests skip: they test built artefacts, not the source.
// It holds tests only.
package disttest
