# sluice: the targets a newcomer and CI use. Everything runs offline on
# bundled data; nothing needs Docker.
GO ?= go
BIN := bin/sluice

.PHONY: build test demo fuzz-short ci clean

build:
	$(GO) build -buildvcs=auto -o $(BIN) ./cmd/sluice

# The test command of README.md.
test:
	$(GO) test ./...

# The main job end to end on bundled sample data: every stage that exists.
demo: build
	./demo/run.sh $(BIN)

clean:
	rm -rf bin
