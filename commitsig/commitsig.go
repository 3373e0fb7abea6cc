// Package commitsig checks that every commit in a range is signed by an
// allowed signer, using git's own signature verification (GPG and SSH
// signatures, as `git log --format=%G?` reports them). Signers are allowed by
// an SSH allowed_signers file (gpg.ssh.allowedSignersFile) or by the keys in a
// GnuPG home, so the trust decision is git's, not a re-implementation.
package commitsig

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"

	"github.com/sluice-dev/sluice/internal/netguard"
)

// Options say where to find the repository and which signers are allowed.
type Options struct {
	// Dir is the repository (default: current directory).
	Dir string
	// AllowedSigners is an SSH allowed_signers file (ssh-keygen(1) format).
	AllowedSigners string
	// GPGHome is a GnuPG home holding the allowed public keys; empty means
	// the user's default.
	GPGHome string
}

// Status is git's verdict on one commit's signature (%G?).
type Status string

// Meanings from git-log(1) PRETTY FORMATS.
var statusText = map[string]string{
	"G": "good signature from an allowed signer",
	"B": "bad signature",
	"U": "good signature from a signer that is not allowed",
	"X": "good signature that has expired",
	"Y": "good signature made by an expired key",
	"R": "good signature made by a revoked key",
	"E": "signature cannot be checked (missing key)",
	"N": "not signed",
}

// Commit is one commit's verdict.
type Commit struct {
	Hash    string
	Subject string
	Author  string
	Status  string // git's %G? letter
	Signer  string // %GS
	Key     string // %GK
	OK      bool
	Reason  string
}

// Verify checks every commit in rangeSpec (e.g. "origin/main..HEAD"; empty
// means HEAD's whole history).
func Verify(ctx context.Context, rangeSpec string, opts Options) ([]Commit, error) {
	if rangeSpec == "" {
		rangeSpec = "HEAD"
	}
	if strings.HasPrefix(rangeSpec, "-") {
		return nil, fmt.Errorf("range %q must not start with '-'", rangeSpec)
	}
	args := []string{}
	if opts.AllowedSigners != "" {
		if _, err := os.Stat(opts.AllowedSigners); err != nil {
			return nil, fmt.Errorf("allowed signers: %w", err)
		}
		args = append(args, "-c", "gpg.ssh.allowedSignersFile="+opts.AllowedSigners)
	}
	// Fields are separated by NUL and records by a NUL-newline pair, so
	// subjects with any characters cannot break the parse.
	args = append(args, "log", "--format=%H%x00%G?%x00%GS%x00%GK%x00%an <%ae>%x00%s%x00", rangeSpec, "--")
	cmd := netguard.Git(ctx, args...)
	cmd.Dir = opts.Dir
	if opts.GPGHome != "" {
		// Environ keeps what netguard.Git set for offline runs.
		cmd.Env = append(cmd.Environ(), "GNUPGHOME="+opts.GPGHome)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return nil, fmt.Errorf("git log %s: %s", rangeSpec, strings.TrimSpace(stderr.String()))
		}
		return nil, fmt.Errorf("run git: %w", err)
	}
	return parse(out)
}

func parse(out []byte) ([]Commit, error) {
	var commits []Commit
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" {
			continue
		}
		f := strings.Split(line, "\x00")
		if len(f) < 6 {
			return nil, fmt.Errorf("unexpected git log output %q", line)
		}
		c := Commit{Hash: f[0], Status: f[1], Signer: f[2], Key: f[3], Author: f[4], Subject: f[5]}
		c.OK = c.Status == "G"
		c.Reason = statusText[c.Status]
		if c.Reason == "" {
			c.Reason = "unknown signature status " + c.Status
		}
		commits = append(commits, c)
	}
	return commits, sc.Err()
}
