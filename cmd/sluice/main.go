// Command sluice is the container supply-chain security gate: Dockerfile
// lint, secret scanning, SBOM, vulnerability matching, deployment checks,
// signing and the pipeline policy, in one binary. See docs/ for every command.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/sluice-dev/sluice/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], cli.Stdio{In: os.Stdin, Out: os.Stdout, Err: os.Stderr})
	stop()
	os.Exit(code)
}
