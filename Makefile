# Biaozhu — make run (build and open the demo), make test, make bench.
GO       ?= go
# Debian's python3, where python3-fonttools is installed (make font).
PYTHON   ?= /usr/bin/python3
BIN      := biaozhu
FUZZTIME ?= 10s
# go test's limit per package binary in make unit: the race-detector run of
# export takes some 4 minutes on 2 free cores and went past go test's default
# 10 minutes on a machine loaded by other jobs (load average 16).
TESTTIMEOUT ?= 30m
# actionlint's version (make lint runs it from the module proxy).
ACTIONLINT := v1.7.12
# Fyne reads the UI language from the environment; under LANG=C.UTF-8 it
# logs "Error parsing user locale C" unless LANGUAGE names one. The app's
# own language choice (Preferences) is not affected.
export LANGUAGE ?= en

.PHONY: all run build deps test vet lint unit fuzz bench charfreq font clean screenshot check-readers dist test-dist

all: build

## deps: install missing Debian/Ubuntu packages (sudo when not root)
deps:
	@./.ci/deps

## build: the biaozhu binary (the first build of Fyne's GL driver takes minutes)
build: deps
	$(GO) build -o $(BIN) .

## run: build and open the app (on first start, the demo project)
run: build
	./$(BIN)

## screenshot: docs/screenshot.png, the workspace on the demo project, from the real app under Xvfb
screenshot: build
	@./.ci/deps --x11
	./.ci/screenshot ./$(BIN) docs/screenshot.png

## test: vet (also of the commands-only build, -tags nogui), build, lint (the
## workflows and the scripts), the unit tests (race detector on the headless
## packages; the real-window test when Xvfb and xdotool are installed;
## -version and the commands' errors of the commands-only build) and short
## fuzzing
test: deps vet lint unit fuzz

vet:
	$(GO) vet ./...
	$(GO) build -o $(BIN) .
	CGO_ENABLED=0 $(GO) vet -tags nogui .

## lint: check the GitHub workflows (.github/workflows) with actionlint, which
## checks their scripts with shellcheck, and .ci's scripts with shellcheck
lint:
	@./.ci/deps --lint
	$(GO) run github.com/rhysd/actionlint/cmd/actionlint@$(ACTIONLINT)
	shellcheck .ci/deps .ci/dist .ci/fuzz .ci/notices .ci/run .ci/screenshot .ci/xvfb

## dist: the release artefacts in dist/ with dist/SHA256SUMS: the Linux app
## (tar.xz), the Windows app (zip), the commands alone for Linux, macOS and
## Windows on amd64 and arm64 (.ci/dist says what each holds)
dist:
	@./.ci/deps --dist
	./.ci/dist

## test-dist: make dist, then test what it built (internal/disttest): the
## archives and sums, the Linux app installed and run, the executables'
## headers, the Windows programs under Wine
test-dist: dist
	$(GO) test -count=1 -timeout 30m -v ./internal/disttest -dist $(CURDIR)/dist

unit:
	$(GO) test -race -count=1 -timeout $(TESTTIMEOUT) ./annotate/... ./export/...
	$(GO) test -count=1 -timeout $(TESTTIMEOUT) -run '^TestCrash$$' -v ./annotate
	$(GO) test -count=1 -timeout $(TESTTIMEOUT) ./app/... .
	CGO_ENABLED=0 $(GO) test -count=1 -timeout $(TESTTIMEOUT) -tags nogui -run '^(TestVersion|TestNoWindow|TestCommandErrors)$$' .

fuzz:
	GO=$(GO) ./.ci/fuzz FuzzDecode ./annotate/text $(FUZZTIME)
	GO=$(GO) ./.ci/fuzz FuzzLoadGazetteer ./annotate/corpus $(FUZZTIME)
	GO=$(GO) ./.ci/fuzz FuzzLearnerSegment ./annotate/text $(FUZZTIME)
	GO=$(GO) ./.ci/fuzz FuzzConcordanceRegex ./annotate/corpus $(FUZZTIME)
	GO=$(GO) ./.ci/fuzz FuzzClean ./annotate/text $(FUZZTIME)
	GO=$(GO) ./.ci/fuzz FuzzSegment ./annotate/text $(FUZZTIME)
	GO=$(GO) ./.ci/fuzz FuzzForkSegment ./annotate/internal/gse $(FUZZTIME)
	GO=$(GO) ./.ci/fuzz FuzzEdits ./annotate $(FUZZTIME)
	GO=$(GO) ./.ci/fuzz FuzzSchemaSteps ./annotate $(FUZZTIME)
	GO=$(GO) ./.ci/fuzz FuzzRelationEdits ./annotate $(FUZZTIME)
	GO=$(GO) ./.ci/fuzz FuzzCheckName ./annotate $(FUZZTIME)
	GO=$(GO) ./.ci/fuzz FuzzMatchOverlap ./annotate/agree $(FUZZTIME)
	GO=$(GO) ./.ci/fuzz FuzzCoefficients ./annotate/agree $(FUZZTIME)
	GO=$(GO) ./.ci/fuzz FuzzReadCoNLLU ./export $(FUZZTIME)
	GO=$(GO) ./.ci/fuzz FuzzReadCoNLL ./export $(FUZZTIME)
	GO=$(GO) ./.ci/fuzz FuzzReadBrat ./export $(FUZZTIME)
	GO=$(GO) ./.ci/fuzz FuzzJSONReaders ./export $(FUZZTIME)
	GO=$(GO) ./.ci/fuzz FuzzJSONArrayErrors ./export $(FUZZTIME)
	GO=$(GO) ./.ci/fuzz FuzzCSVStreamed ./export $(FUZZTIME)
	GO=$(GO) ./.ci/fuzz FuzzCSVCell ./export $(FUZZTIME)
	GO=$(GO) ./.ci/fuzz FuzzAppendJSONString ./export $(FUZZTIME)
	GO=$(GO) ./.ci/fuzz FuzzBarChart ./export $(FUZZTIME)

## check-readers: the exports checked with the programs their users read them with,
## every one required (none skipped): brat's checker and parser, the UD validator,
## openpyxl (read-only too), LibreOffice (the -excel CSV, the xlsx) and the spaCy DocBin
## reader; installs Python's and LibreOffice's Debian packages (.ci/deps --readers --office)
check-readers:
	@./.ci/deps --readers --office
	BIAOZHU_READERS=all $(GO) test -count=1 -v -run '^(TestConsumer.*|TestBratExportReadByBrat|TestXLSXOpenpyxl|TestXLSXSoffice)$$' ./export

## bench: the benchmarks, printing throughput, load time and memory figures (the
## 1,000,000-token CSV and xlsx exports, the 100 MB CSV imports — one 100 MB field, and
## 10,000 rows — and a 280 MB doccano JSONL of 250,000 documents, with their peak memory
## next to the input size (x-input) and issue 13's bound, the index
## built from a 10-million-character project file, the simulated annotator on UD GSD,
## the cleaning of 100,000 and 1,000,000 templated lines and the peak memory of a
## 100 MB text's import (x-input) run once each; issue 20's figures: biaozhu segment
## against a bare gse program, whole processes (speed and memory ratios), and learning
## from UD GSD — F1 after learning, the carry-over, 4,000 sentences' time — and the real window
## under Xvfb: start and first key, resident memory with a 1 MB document and with a 10 MB
## project and its concordance index, 50 PgDn — once each; agree and merge over 3 annotators' files of
## 1,000 documents, 1 M characters and 100,000 spans each, against issue 17's 5 s and 10 s)
bench: deps
	$(GO) test -run '^$$' -bench 'Pipeline|Clean|Decode|Import|Segment|Commit|OpenList|Learner' -benchtime 10x ./annotate/...
	$(GO) test -run '^$$' -bench 'Suggest|Gazetteer' -benchtime 10x ./annotate/corpus
	$(GO) test -run '^$$' -bench 'KWIC' -benchtime 10x ./annotate/corpus
	$(GO) test -run '^$$' -bench 'BuildIndex' -benchtime 1x ./annotate/corpus
	$(GO) test -run '^$$' -bench 'SimulatedAnnotator' -benchtime 1x ./annotate/...
	$(GO) test -run '^$$' -bench 'TemplatedLines|TextMemory' -benchtime 1x ./annotate/...
	$(GO) test -run '^$$' -bench 'Agree|Merge' -benchtime 1x ./annotate/agree
	$(GO) test -run '^$$' -bench . -benchtime 10x ./app/...
	$(GO) test -run '^$$' -bench 'JSONL' -benchtime 10x ./export/...
	$(GO) test -run '^$$' -bench 'CSV|XLSX|ImportDoccano' -benchtime 1x ./export/...
	$(GO) test -run '^$$' -bench 'SegmentCommand|LearnGold|RealWindow' -benchtime 1x .

## charfreq: regenerate assets/charfreq.tsv from gse's embedded dictionary
charfreq:
	$(GO) run ./annotate/internal/gencharfreq > assets/charfreq.tsv.new
	mv assets/charfreq.tsv.new assets/charfreq.tsv

## font: rebuild assets/fonts/BiaozhuSansCJK.ttf, the bundled font: Droid Sans
## Fallback plus the glyphs it lacks, from Debian's Noto and LXGW fonts (with
## python3-fonttools; .ci/deps --font installs them), then check its coverage
font:
	@./.ci/deps --font
	$(PYTHON) assets/fonts/mergefont.py -o assets/fonts/BiaozhuSansCJK.ttf \
		-fyne "$$($(GO) list -m -f '{{.Dir}}' fyne.io/fyne/v2)/theme/font" \
		app/testdata/goldchars.txt app/testdata/corpuschars.txt \
		$(filter-out %_test.go,$(wildcard app/*.go)) assets/translations/*.json assets/hant/*.json
	$(GO) test -count=1 -run '^(TestFontCoverage|TestThemeFont|TestChineseRenders)$$' ./app

clean:
	rm -rf $(BIN) dist
