// Package quietlocale keeps the headless commands' stderr clean. Fyne's
// lang package, initialised with the program, asks go-locale for the user's
// locale and logs "Fyne error: Error parsing user locale C" when LANG (or
// LC_ALL, LC_MESSAGES) is C.UTF-8, the default of many containers and CI
// machines. That line would corrupt `biaozhu clean -report json`. When the
// program runs a headless command (its first argument is not a project
// file), this package's init, which Go runs before Fyne's (packages with no
// unfinished dependencies initialise in import-path order, and Fyne's lang
// waits for packages that sort after this one), turns C.UTF-8 into the
// equivalent C for this process. The window keeps the environment as it is:
// X11 text input needs the UTF-8 locale.
//
// main imports it for its side effect only.
package quietlocale

import (
	"os"
	"strings"
)

func init() {
	if len(os.Args) < 2 || strings.HasSuffix(os.Args[1], ".biaozhu") {
		return
	}
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		v := os.Getenv(k)
		if v == "" {
			continue
		}
		if lang, _, _ := strings.Cut(v, "."); lang == "C" || lang == "POSIX" {
			os.Setenv(k, "C")
		}
		return // go-locale reads the first one set
	}
}
