// Package dockerfile parses Dockerfiles into build stages and instructions
// with exact line ranges, parses the shell of every RUN (and shell-form CMD
// and ENTRYPOINT) into commands, arguments and pipelines, reads ignore
// pragmas and hadolint configuration, and runs lint rules over the model.
//
// Parsing uses BuildKit's own Dockerfile parser (heredocs, line
// continuations, the escape and syntax parser directives) and
// mvdan.cc/sh for shell. The rules themselves live in dockerfile/rules; this
// package defines the Rule value and the runner, and applies pragmas and
// ignores as a filter after every rule has run, so suppressed findings stay in
// the result with a Suppression.
package dockerfile
