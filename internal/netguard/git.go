package netguard

import (
	"context"
	"errors"
	"os/exec"
)

// gitOfflineEnv keeps git from fetching. sluice only reads local history,
// but in a partial clone (--filter=blob:none) reading a missing object
// makes git fetch it from the promisor remote on its own.
var gitOfflineEnv = []string{
	// An empty allow-list permits no transport at all: no https, ssh or
	// git protocol, not even file (a "local" remote may be a network mount).
	"GIT_ALLOW_PROTOCOL=",
	// Newer git refuses lazy fetches outright, with a clearer message.
	"GIT_NO_LAZY_FETCH=1",
}

// Git returns a git command with args. Under an offline ctx git may not
// fetch anything; it is killed when ctx ends. Every program sluice spawns
// goes through here, so that its network behaviour is decided in one place.
func Git(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, "git", args...)
	if Offline(ctx) {
		cmd.Env = append(cmd.Environ(), gitOfflineEnv...)
	}
	return cmd
}

// ErrCommandOffline is returned by Command under an offline ctx.
var ErrCommandOffline = errors.New("offline: refusing to run a configured command, since sluice cannot keep another program off the network; run it before sluice, or without --offline")

// Command returns a user-configured program (the build and push commands of
// `sluice ci`) with args. sluice cannot confine another program's network
// use, so under an offline ctx it refuses instead of pretending.
func Command(ctx context.Context, argv []string) (*exec.Cmd, error) {
	if len(argv) == 0 {
		return nil, errors.New("empty command")
	}
	if Offline(ctx) {
		return nil, ErrCommandOffline
	}
	return exec.CommandContext(ctx, argv[0], argv[1:]...), nil
}
