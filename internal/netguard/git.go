package netguard

import (
	"context"
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
