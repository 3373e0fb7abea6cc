// Package gitsource reads git repositories for secret scanning: the whole
// history, each unique blob once (git log --raw for which commit introduced
// it, git cat-file --batch to stream the contents), and the staged changes
// of a pre-commit hook (only the added lines, at their line numbers). It runs
// the git binary; nothing is checked out or written.
package gitsource

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/sluice-dev/sluice/internal/netguard"
	"github.com/sluice-dev/sluice/source"
)

// DefaultMaxBlobSize is the default of History.MaxBlobSize.
const DefaultMaxBlobSize = 10 << 20

// History is every blob ever committed to a repository, each once,
// attributed to the commit that first introduced it and the path it had
// there. It implements source.Source and secrets.CommitDescriber.
type History struct {
	// Repo is the repository (work tree or bare) directory.
	Repo string
	// Revs selects history: a branch, a range, any git-log revision
	// arguments. Empty means all refs (--all).
	Revs []string
	// Since limits history to commits after a date git understands
	// ("2024-01-01", "2 weeks ago").
	Since string
	// MaxBlobSize: larger blobs are passed on without content (their size
	// says why), so scanners count them as skipped. 0 means DefaultMaxBlobSize.
	MaxBlobSize int64

	mu      sync.Mutex
	commits map[string]commitInfo
}

type commitInfo struct{ author, date string }

var (
	_ source.Source = (*History)(nil)
	_ source.Source = (*Staged)(nil)
)

// Metadata describes the target.
func (h *History) Metadata() source.Metadata {
	return source.Metadata{Kind: "git", Name: h.Repo}
}

// DescribeCommit returns the author ("Name <email>") and author date
// (RFC 3339) of a commit seen by Files.
func (h *History) DescribeCommit(hash string) (author, date string, ok bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	c, ok := h.commits[hash]
	return c.author, c.date, ok
}

// blobRef is where a blob first appeared.
type blobRef struct {
	sha, commit, path string
	mode              fs.FileMode
}

// Files calls fn for each unique blob in history, oldest introduction first.
func (h *History) Files(ctx context.Context, fn func(source.File) error) error {
	blobs, err := h.introductions(ctx)
	if err != nil {
		return err
	}
	return h.stream(ctx, blobs, fn)
}

// introductions lists each blob with the first commit (oldest first) and path
// that added it, from git log --raw.
func (h *History) introductions(ctx context.Context) ([]blobRef, error) {
	args := []string{"-C", h.Repo, "-c", "core.quotePath=false", "log", "--date-order", "--reverse",
		"--format=%x00commit %H%x00%an <%ae>%x00%aI", "--raw", "--no-abbrev", "--no-renames", "-z",
		"--no-color", "--no-show-signature",
		"--diff-merges=first-parent"}
	if h.Since != "" {
		args = append(args, "--since="+h.Since)
	}
	if len(h.Revs) == 0 {
		args = append(args, "--all")
	} else {
		args = append(args, h.Revs...)
	}
	args = append(args, "--")
	cmd := netguard.Git(ctx, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("git log in %s: %w", h.Repo, err)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("git log in %s: %w (is git installed?)", h.Repo, err)
	}
	h.mu.Lock()
	h.commits = map[string]commitInfo{}
	h.mu.Unlock()
	seen := map[string]bool{}
	var blobs []blobRef
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	sc.Split(splitNUL)
	var commit string
	var pending []string // fields of a raw entry awaiting its path
	state := 0           // 0 any, 1 expect author, 2 expect date, 3 expect path
	var author string
	for sc.Scan() {
		tok := sc.Text()
		switch state {
		case 1:
			author, state = tok, 2
			continue
		case 2:
			h.mu.Lock()
			h.commits[commit] = commitInfo{author: author, date: normalizeDate(tok)}
			h.mu.Unlock()
			state = 0
			continue
		case 3:
			state = 0
			// :oldmode newmode oldsha newsha status
			if len(pending) < 5 {
				continue
			}
			newMode, sha, status := pending[1], pending[3], pending[4]
			if status == "D" || strings.Trim(sha, "0") == "" || seen[sha] {
				continue
			}
			if newMode != "100644" && newMode != "100755" && newMode != "100664" {
				continue // symlinks, submodules
			}
			seen[sha] = true
			blobs = append(blobs, blobRef{sha: sha, commit: commit, path: tok, mode: 0o644})
			continue
		}
		tok = strings.TrimLeft(tok, "\n")
		switch {
		case tok == "":
		case strings.HasPrefix(tok, "commit "):
			commit, state = strings.TrimPrefix(tok, "commit "), 1
		case strings.HasPrefix(tok, ":"):
			pending, state = strings.Fields(tok[1:]), 3
		}
	}
	scanErr := sc.Err()
	if err := cmd.Wait(); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("git log in %s: %v: %s", h.Repo, err, strings.TrimSpace(stderr.String()))
	}
	if scanErr != nil {
		return nil, fmt.Errorf("git log in %s: %w", h.Repo, scanErr)
	}
	return blobs, nil
}

// normalizeDate writes git's strict ISO 8601 date as RFC 3339 (Z for UTC).
func normalizeDate(s string) string {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return s
	}
	return t.Format(time.RFC3339)
}

func splitNUL(data []byte, atEOF bool) (int, []byte, error) {
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return i + 1, data[:i], nil
	}
	if atEOF && len(data) > 0 {
		return len(data), data, nil
	}
	return 0, nil, nil
}

// stream reads the blobs' contents through one git cat-file --batch.
func (h *History) stream(ctx context.Context, blobs []blobRef, fn func(source.File) error) error {
	if len(blobs) == 0 {
		return nil
	}
	max := h.MaxBlobSize
	if max <= 0 {
		max = DefaultMaxBlobSize
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	cmd := netguard.Git(ctx, "-C", h.Repo, "cat-file", "--batch", "--buffer")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		return fmt.Errorf("git cat-file in %s: %w", h.Repo, err)
	}
	outPipe, err := cmd.StdoutPipe()
	if err != nil {
		return fmt.Errorf("git cat-file in %s: %w", h.Repo, err)
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("git cat-file in %s: %w", h.Repo, err)
	}
	go func() {
		w := bufio.NewWriter(in)
		for _, b := range blobs {
			if ctx.Err() != nil {
				break
			}
			w.WriteString(b.sha)
			w.WriteByte('\n')
		}
		w.Flush()
		in.Close()
	}()
	out := bufio.NewReaderSize(outPipe, 1<<20)
	var ferr error
	for _, b := range blobs {
		if ferr = ctx.Err(); ferr != nil {
			break
		}
		header, err := out.ReadString('\n')
		if err != nil {
			// git stopped early; its stderr says why (offline, in a partial
			// clone: it may not fetch a missing blob from the remote).
			cancel()
			_ = cmd.Wait()
			why := strings.Join(strings.Fields(strings.ReplaceAll(strings.TrimSpace(stderr.String()), "\n", "; ")), " ")
			ferr = fmt.Errorf("git cat-file in %s: stopped at blob %s (%v): %s", h.Repo, b.sha, err, why)
			break
		}
		fields := strings.Fields(header)
		if len(fields) == 2 && fields[1] == "missing" {
			continue
		}
		if len(fields) != 3 || fields[0] != b.sha {
			ferr = fmt.Errorf("git cat-file in %s: unexpected header %q for %s", h.Repo, strings.TrimSpace(header), b.sha)
			break
		}
		size, err := strconv.ParseInt(fields[2], 10, 64)
		if err != nil || size < 0 {
			ferr = fmt.Errorf("git cat-file in %s: bad size in %q", h.Repo, strings.TrimSpace(header))
			break
		}
		f := source.File{Path: b.path, Mode: b.mode, Size: size, Commit: b.commit}
		if size > max {
			if _, err := out.Discard(int(size) + 1); err != nil {
				ferr = fmt.Errorf("git cat-file in %s: %w", h.Repo, err)
				break
			}
			if ferr = fn(f); ferr != nil {
				break
			}
			continue
		}
		data := make([]byte, size+1)
		if _, err := io.ReadFull(out, data); err != nil {
			ferr = fmt.Errorf("git cat-file in %s: read %s: %w", h.Repo, b.sha, err)
			break
		}
		data = data[:size]
		if ferr = fn(source.NewFile(f, func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil })); ferr != nil {
			break
		}
	}
	if ferr != nil {
		cancel()
		_ = cmd.Wait()
		return ferr
	}
	if err := cmd.Wait(); err != nil {
		return fmt.Errorf("git cat-file in %s: %v: %s", h.Repo, err, strings.TrimSpace(stderr.String()))
	}
	return nil
}

// Staged is the content a commit would add: the added lines of
// git diff --cached, each file rebuilt with those lines at their line numbers
// and every other line empty, so findings carry the real line numbers.
type Staged struct {
	Repo string
}

// Metadata describes the target.
func (s *Staged) Metadata() source.Metadata {
	return source.Metadata{Kind: "git", Name: s.Repo + " (staged)"}
}

// maxDiff bounds the staged diff read into memory.
const maxDiff = 256 << 20

// Files calls fn for each staged file with added lines.
func (s *Staged) Files(ctx context.Context, fn func(source.File) error) error {
	cmd := netguard.Git(ctx, "-C", s.Repo, "-c", "core.quotePath=false", "diff", "--cached",
		"--no-color", "--no-ext-diff", "--no-renames", "-U0", "--diff-filter=ACMRT")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("git diff --cached in %s: %v: %s", s.Repo, err, strings.TrimSpace(stderr.String()))
	}
	if len(out) > maxDiff {
		return fmt.Errorf("git diff --cached in %s: diff of %d bytes exceeds the limit of %d", s.Repo, len(out), maxDiff)
	}
	files, err := ParseDiff(out)
	if err != nil {
		return fmt.Errorf("git diff --cached in %s: %w", s.Repo, err)
	}
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return err
		}
		content := f.Content()
		if err := fn(source.NewFile(source.File{Path: f.Path, Mode: 0o644, Size: int64(len(content))},
			func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(content)), nil })); err != nil {
			return err
		}
	}
	return nil
}

// AddedFile is the added lines of one file in a diff.
type AddedFile struct {
	Path  string
	Lines map[int]string // 1-based line number in the new file -> text
	last  int
}

// Content rebuilds the file with the added lines in place, others empty.
func (f *AddedFile) Content() []byte {
	var b bytes.Buffer
	for n := 1; n <= f.last; n++ {
		b.WriteString(f.Lines[n])
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// ParseDiff reads a unified diff (git diff -U0) and returns, per file, the
// added lines with their line numbers in the new file. Binary and deleted
// files are left out.
func ParseDiff(diff []byte) ([]*AddedFile, error) {
	var files []*AddedFile
	var cur *AddedFile
	next, oldLeft, newLeft := 0, 0, 0
	for len(diff) > 0 {
		line := diff
		if i := bytes.IndexByte(diff, '\n'); i >= 0 {
			line, diff = diff[:i], diff[i+1:]
		} else {
			diff = nil
		}
		if oldLeft > 0 || newLeft > 0 {
			// Inside a hunk: count lines, so content that looks like a
			// header ("+++ x" for an added "++ x") is never taken for one.
			switch {
			case len(line) > 0 && line[0] == '-':
				oldLeft--
			case len(line) > 0 && line[0] == '+':
				newLeft--
				if cur != nil {
					cur.Lines[next] = string(line[1:])
					cur.last = max(cur.last, next)
				}
				next++
			case len(line) > 0 && line[0] == '\\':
			default: // context line (diffs with -U>0)
				oldLeft--
				newLeft--
				next++
			}
			continue
		}
		switch {
		case bytes.HasPrefix(line, []byte("diff --git ")):
			cur = nil
		case bytes.HasPrefix(line, []byte("+++ ")):
			// git ends the name with a tab when it contains a space.
			p := strings.TrimSuffix(string(line[4:]), "\t")
			if p == "/dev/null" {
				cur = nil
				continue
			}
			if strings.HasPrefix(p, `"`) {
				u, err := strconv.Unquote(p)
				if err != nil {
					return nil, fmt.Errorf("path %s: %w", p, err)
				}
				p = u
			}
			p = strings.TrimPrefix(p, "b/")
			cur = &AddedFile{Path: p, Lines: map[int]string{}}
			files = append(files, cur)
		case bytes.HasPrefix(line, []byte("@@ ")):
			h, err := parseHunk(string(line))
			if err != nil {
				return nil, err
			}
			if h[2] > maxLine {
				return nil, fmt.Errorf("%w: line %d beyond the limit of %d", errHunk, h[2], maxLine)
			}
			next, oldLeft, newLeft = h[2], h[1], h[3]
		}
	}
	return deleteEmpty(files), nil
}

func deleteEmpty(fs []*AddedFile) []*AddedFile {
	out := fs[:0]
	for _, f := range fs {
		if len(f.Lines) > 0 {
			out = append(out, f)
		}
	}
	return out
}

var errHunk = errors.New("malformed hunk header")

// maxLine bounds line numbers of a diff: Content writes one byte per line.
const maxLine = 1 << 24

// parseHunk parses "@@ -a,b +c,d @@" into a, b, c, d (a missing count is 1).
func parseHunk(h string) ([4]int, error) {
	var out [4]int
	fields := strings.Fields(h)
	if len(fields) < 3 || !strings.HasPrefix(fields[1], "-") || !strings.HasPrefix(fields[2], "+") {
		return out, fmt.Errorf("%w: %q", errHunk, h)
	}
	for i, f := range []string{fields[1][1:], fields[2][1:]} {
		start, count, found := strings.Cut(f, ",")
		a, err := strconv.Atoi(start)
		if err != nil || a < 0 {
			return out, fmt.Errorf("%w: %q", errHunk, h)
		}
		c := 1
		if found {
			if c, err = strconv.Atoi(count); err != nil || c < 0 {
				return out, fmt.Errorf("%w: %q", errHunk, h)
			}
		}
		out[2*i], out[2*i+1] = a, c
	}
	return out, nil
}
