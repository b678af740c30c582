# Biaozhu — make run (build and open the demo), make test, make bench.
GO       ?= go
BIN      := biaozhu
FUZZTIME ?= 10s

.PHONY: all run build deps test vet unit fuzz bench charfreq clean

all: build

## deps: install missing Debian/Ubuntu packages (sudo when not root)
deps:
	@./.ci/deps

## build: the biaozhu binary (the first build of Fyne's GL driver takes minutes)
build: deps
	$(GO) build -o $(BIN) .

## run: build and open the app on the demo document
run: build
	./$(BIN)

## test: vet, build, the unit tests (race detector on the headless packages) and short fuzzing
test: deps vet unit fuzz

vet:
	$(GO) vet ./...
	$(GO) build -o $(BIN) .

unit:
	$(GO) test -race -count=1 ./annotate/... ./export/...
	$(GO) test -count=1 -run '^TestCrash$$' -v ./annotate
	$(GO) test -count=1 ./app/... .

fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzDecode$$' -fuzztime $(FUZZTIME) ./annotate
	$(GO) test -run '^$$' -fuzz '^FuzzClean$$' -fuzztime $(FUZZTIME) ./annotate
	$(GO) test -run '^$$' -fuzz '^FuzzSegment$$' -fuzztime $(FUZZTIME) ./annotate
	$(GO) test -run '^$$' -fuzz '^FuzzEdits$$' -fuzztime $(FUZZTIME) ./annotate
	$(GO) test -run '^$$' -fuzz '^FuzzReadCoNLLU$$' -fuzztime $(FUZZTIME) ./export

## bench: the benchmarks, printing throughput, load time and memory figures
bench: deps
	$(GO) test -run '^$$' -bench . -benchtime 10x ./annotate/... ./export/...

## charfreq: regenerate assets/charfreq.tsv from gse's embedded dictionary
charfreq:
	$(GO) run ./annotate/internal/gencharfreq > assets/charfreq.tsv.new
	mv assets/charfreq.tsv.new assets/charfreq.tsv

clean:
	rm -f $(BIN)
