package commitsig

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func run(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

// TestVerifySSH builds a repository whose commits are signed with two SSH
// keys, one allowed, plus an unsigned commit, and checks git's verdicts.
func TestVerifySSH(t *testing.T) {
	for _, tool := range []string{"git", "ssh-keygen"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed", tool)
		}
	}
	dir := t.TempDir()
	repo := filepath.Join(dir, "repo")
	os.Mkdir(repo, 0o755)
	allowedKey := filepath.Join(dir, "allowed")
	otherKey := filepath.Join(dir, "other")
	run(t, dir, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "dev@example.com", "-f", allowedKey)
	run(t, dir, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "intruder@example.com", "-f", otherKey)
	pub, _ := os.ReadFile(allowedKey + ".pub")
	signers := filepath.Join(dir, "allowed_signers")
	os.WriteFile(signers, []byte("dev@example.com "+string(pub)), 0o644)

	run(t, repo, "git", "init", "-q", "-b", "main")
	run(t, repo, "git", "config", "user.email", "dev@example.com")
	run(t, repo, "git", "config", "user.name", "Dev")
	run(t, repo, "git", "config", "gpg.format", "ssh")
	commit := func(msg, key string) {
		os.WriteFile(filepath.Join(repo, "f"), []byte(msg), 0o644)
		run(t, repo, "git", "add", "f")
		if key == "" {
			run(t, repo, "git", "commit", "-q", "--no-gpg-sign", "-m", msg)
			return
		}
		run(t, repo, "git", "-c", "user.signingkey="+key, "commit", "-q", "-S", "-m", msg)
	}
	commit("signed by the allowed key", allowedKey)
	commit("signed by another key", otherKey)
	commit("not signed", "")

	got, err := Verify(context.Background(), "", Options{Dir: repo, AllowedSigners: signers})
	if err != nil {
		t.Fatal(err)
	}
	var verdicts []string
	for _, c := range got {
		verdicts = append(verdicts, c.Subject+": "+c.Status)
	}
	want := []string{"not signed: N", "signed by another key: U", "signed by the allowed key: G"}
	if diff := cmp.Diff(want, verdicts); diff != "" {
		t.Errorf("verdicts (-want +got):\n%s", diff)
	}
	if !got[2].OK || got[1].OK || got[0].OK {
		t.Errorf("OK flags wrong: %+v", got)
	}

	only, err := Verify(context.Background(), "HEAD~2..HEAD~1", Options{Dir: repo, AllowedSigners: signers})
	if err != nil || len(only) != 1 || only[0].Status != "U" {
		t.Fatalf("range verify = %+v, %v", only, err)
	}
	if _, err := Verify(context.Background(), "nope..HEAD", Options{Dir: repo}); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Fatalf("bad range error = %v", err)
	}
	if _, err := Verify(context.Background(), "--all", Options{Dir: repo}); err == nil {
		t.Fatal("an option-looking range must be refused")
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("abc\x00G\x00dev\x00KEY\x00Dev <d@e>\x00subject\x00\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		parse(data)
	})
}
