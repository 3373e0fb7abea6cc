// Package secrets finds credentials in files: a rule engine (rules are plain
// data, see Rule) with an Aho-Corasick keyword prefilter, regexes run only in
// windows around keyword hits, entropy checks, gitleaks-compatible allowlists
// and inline allow comments, and redaction of every secret it reports.
//
// Scanner.Scan reads a source.Source (a directory, a git history, image
// layers) with one worker per CPU; each finding carries where the secret is
// (path, line, layer, commit with author and date) and a stable fingerprint.
// The built-in rules live in secrets/rules; gitleaks configurations load
// through secrets/gitleaks. Verifying a secret against its provider is out of
// scope: sluice makes no network calls.
package secrets

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/progress"
	"github.com/sluice-dev/sluice/source"
)

// DefaultMaxFileSize is the default of Options.MaxFileSize.
const DefaultMaxFileSize = 10 << 20

// Options tune a Scanner. The zero value works.
type Options struct {
	// MaxFileSize skips (and counts) files larger than this many bytes;
	// 0 means DefaultMaxFileSize, negative means no limit.
	MaxFileSize int64
	// Workers is how many files are scanned at once; 0 means GOMAXPROCS.
	Workers int
	// ShowSecrets puts whole secrets in findings. Off, a secret is shown as
	// its first characters and "…" everywhere (DESIGN.md §7).
	ShowSecrets bool
	// Ignore holds .gitleaksignore fingerprints ("path:rule:line" or
	// "commit:path:rule:line"): findings with them are marked suppressed.
	Ignore map[string]bool
	// NoInlineAllow disregards "gitleaks:allow" / "sluice:allow" comments.
	NoInlineAllow bool
	// SkipPaths are slash-separated paths never scanned (the config file
	// itself, the baseline report).
	SkipPaths []string
	Logger    *slog.Logger
	Progress  progress.Reporter
}

// Scanner runs a compiled rule set. It is safe for concurrent use.
type Scanner struct {
	opts       Options
	rules      []*compiledRule
	alwaysRun  []*compiledRule // regex rules without keywords
	pathOnly   []*compiledRule // rules with a path and no regex
	kwRules    [][]int32       // keyword index -> rule indexes
	matcher    *keywordMatcher
	allowlists []*compiledAllowlist // global
	log        *slog.Logger
}

// New compiles cfg. An error names the rule or allowlist that is invalid.
func New(cfg Config, opts Options) (*Scanner, error) {
	s := &Scanner{opts: opts, log: opts.Logger}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.opts.MaxFileSize == 0 {
		s.opts.MaxFileSize = DefaultMaxFileSize
	}
	if s.opts.Workers <= 0 {
		s.opts.Workers = runtime.GOMAXPROCS(0)
	}
	targeted := map[string][]*compiledAllowlist{}
	for i, a := range cfg.Allowlists {
		ca, err := compileAllowlist(a)
		if err != nil {
			return nil, fmt.Errorf("global allowlist %d: %w", i+1, err)
		}
		if len(a.TargetRules) == 0 {
			s.allowlists = append(s.allowlists, ca)
			continue
		}
		for _, id := range a.TargetRules {
			targeted[id] = append(targeted[id], ca)
		}
	}
	seen := map[string]bool{}
	kwIndex := map[string]int32{}
	var keywords []string
	for i := range cfg.Rules {
		r := &cfg.Rules[i]
		if seen[r.ID] {
			return nil, fmt.Errorf("rule %q is defined twice", r.ID)
		}
		seen[r.ID] = true
		cr, err := compileRule(r, len(s.rules))
		if err != nil {
			return nil, err
		}
		cr.allowlists = append(cr.allowlists, targeted[r.ID]...)
		delete(targeted, r.ID)
		s.rules = append(s.rules, cr)
		switch {
		case cr.re == nil:
			s.pathOnly = append(s.pathOnly, cr)
		case len(r.Keywords) == 0:
			s.alwaysRun = append(s.alwaysRun, cr)
		}
		if cr.re == nil {
			continue
		}
		for _, k := range r.Keywords {
			k = strings.ToLower(k)
			if k == "" {
				continue
			}
			ki, ok := kwIndex[k]
			if !ok {
				ki = int32(len(keywords))
				kwIndex[k] = ki
				keywords = append(keywords, k)
				s.kwRules = append(s.kwRules, nil)
			}
			if !slices.Contains(s.kwRules[ki], int32(cr.index)) {
				s.kwRules[ki] = append(s.kwRules[ki], int32(cr.index))
			}
		}
	}
	for id := range targeted {
		return nil, fmt.Errorf("allowlist targets rule %q, which does not exist", id)
	}
	s.matcher = newKeywordMatcher(keywords)
	return s, nil
}

// Rules describes every rule of the scanner, for reports.
func (s *Scanner) Rules() []finding.Rule {
	out := make([]finding.Rule, 0, len(s.rules))
	for _, r := range s.rules {
		out = append(out, finding.Rule{ID: r.ID, Kind: finding.KindSecret, Severity: severityOf(r.Rule), Title: r.Description, Help: ruleHelp})
	}
	return out
}

// ruleHelp is the remedy shown with every secret rule (SARIF help, docs).
const ruleHelp = "Treat the credential as compromised: revoke or rotate it at its provider first, " +
	"then remove it from the file (and from git history or the image layer if it was pushed) " +
	"and load it at run time from a secret store or the environment. " +
	"If it is a test value, mark the line with `sluice:allow` or list its fingerprint in .gitleaksignore."

func severityOf(r *Rule) finding.Severity {
	if r.Severity == finding.SeverityUnknown {
		return finding.SeverityHigh
	}
	return r.Severity
}

// Stats counts what a scan read and skipped.
type Stats struct {
	Files         int64 // files scanned
	Bytes         int64 // bytes scanned
	SkippedBinary int64 // files skipped as binary
	SkippedLarge  int64 // files skipped for exceeding MaxFileSize
	SkippedPaths  int64 // files skipped by a path allowlist
	Unreadable    int64 // files that could not be read
}

// Report is the outcome of a scan.
type Report struct {
	Findings []finding.Finding
	Stats    Stats
	// Notes tell the user about skipped and unreadable files.
	Notes []finding.Note
}

// CommitDescriber is implemented by history sources, so findings can name
// the author and date of the commit that introduced a secret.
type CommitDescriber interface {
	DescribeCommit(hash string) (author, date string, ok bool)
}

// Scan reads every file of src and returns the findings, sorted. A file that
// cannot be read is counted and noted, not fatal; an error means the source
// itself failed or ctx was cancelled.
func (s *Scanner) Scan(ctx context.Context, src source.Source) (*Report, error) {
	rep := &Report{}
	var st struct {
		files, bytes, binary, large, paths, unreadable atomic.Int64
	}
	task := progress.OrNop(s.opts.Progress).Task("secrets", 0)
	defer task.Done()

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	files := make(chan source.File, 4*s.opts.Workers)
	var mu sync.Mutex
	var wg sync.WaitGroup
	var hits []hit
	for range s.opts.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := s.newWorker()
			for f := range files {
				if ctx.Err() != nil {
					continue
				}
				fs, res := w.scanFile(f)
				switch res {
				case resBinary:
					st.binary.Add(1)
				case resLarge:
					st.large.Add(1)
				case resPath:
					st.paths.Add(1)
				case resUnreadable:
					st.unreadable.Add(1)
				case resScanned:
					st.files.Add(1)
					st.bytes.Add(int64(w.n))
				}
				task.Add(1)
				if len(fs) > 0 {
					mu.Lock()
					hits = append(hits, fs...)
					mu.Unlock()
				}
			}
		}()
	}
	err := src.Files(ctx, func(f source.File) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if !f.Mode.IsRegular() {
			return nil // directories, symlinks, devices, whiteouts
		}
		select {
		case files <- f:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	})
	close(files)
	wg.Wait()
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		return nil, fmt.Errorf("scan %s: %w", src.Metadata().Name, err)
	}
	rep.Findings = strip(mergeHistory(hits, src))
	rep.Stats = Stats{Files: st.files.Load(), Bytes: st.bytes.Load(), SkippedBinary: st.binary.Load(),
		SkippedLarge: st.large.Load(), SkippedPaths: st.paths.Load(), Unreadable: st.unreadable.Load()}
	if d, ok := src.(CommitDescriber); ok {
		for i := range rep.Findings {
			loc := &rep.Findings[i].Location
			if loc.Commit != "" {
				loc.Author, loc.Date, _ = d.DescribeCommit(loc.Commit)
			}
		}
	}
	slices.SortStableFunc(rep.Findings, func(a, b finding.Finding) int { return finding.Compare(&a, &b) })
	rep.Notes = s.notes(rep.Stats)
	return rep, nil
}

func (s *Scanner) notes(st Stats) []finding.Note {
	var notes []finding.Note
	if st.SkippedBinary > 0 {
		notes = append(notes, finding.Note{Level: finding.NoteInfo, Message: fmt.Sprintf("secrets: %d binary files skipped", st.SkippedBinary)})
	}
	if st.SkippedLarge > 0 {
		notes = append(notes, finding.Note{Level: finding.NoteWarning, Message: fmt.Sprintf("secrets: %d files larger than %d bytes skipped", st.SkippedLarge, s.opts.MaxFileSize)})
	}
	if st.Unreadable > 0 {
		notes = append(notes, finding.Note{Level: finding.NoteWarning, Message: fmt.Sprintf("secrets: %d files could not be read (run with -v for details)", st.Unreadable)})
	}
	return notes
}

// ScanBytes scans one in-memory file (stdin, a test) under the given path.
func (s *Scanner) ScanBytes(path string, content []byte) []finding.Finding {
	w := s.newWorker()
	f := source.File{Path: path, Size: int64(len(content))}
	if s.fileAllowed(f) {
		return nil
	}
	hs := w.pathFindings(f)
	more, _ := w.scanContent(f, content)
	fs := strip(append(hs, more...))
	slices.SortStableFunc(fs, func(a, b finding.Finding) int { return finding.Compare(&a, &b) })
	return fs
}

// fileAllowed reports whether a file is skipped whole: a path to skip or a
// global allowlist matching its path or commit.
func (s *Scanner) fileAllowed(f source.File) bool {
	if slices.Contains(s.opts.SkipPaths, f.Path) {
		return true
	}
	for _, a := range s.allowlists {
		if a.pathOrCommitAllowed(f.Path, f.Commit) {
			return true
		}
	}
	return false
}

type fileResult int

const (
	resScanned fileResult = iota
	resBinary
	resLarge
	resPath
	resUnreadable
)

// worker holds the per-goroutine buffers of a scan.
type worker struct {
	s    *Scanner
	buf  []byte
	n    int
	hits [][]int32 // rule index -> keyword hit end offsets
	klen [][]int32 // rule index -> keyword lengths (parallel to hits)
	cand []int     // rule indexes hit in this file
}

func (s *Scanner) newWorker() *worker {
	return &worker{s: s, hits: make([][]int32, len(s.rules)), klen: make([][]int32, len(s.rules))}
}

func (w *worker) scanFile(f source.File) ([]hit, fileResult) {
	s := w.s
	if s.fileAllowed(f) {
		return nil, resPath
	}
	// Path-only rules need no content and also apply to binary files.
	fs := w.pathFindings(f)
	if s.opts.MaxFileSize > 0 && f.Size > s.opts.MaxFileSize {
		return fs, resLarge
	}
	rc, err := f.Open()
	if err != nil {
		s.log.Debug("secrets: open failed", "path", f.Path, "err", err)
		return fs, resUnreadable
	}
	data, err := w.read(rc, f.Size)
	rc.Close()
	if err != nil {
		if errors.Is(err, errTooLarge) {
			return fs, resLarge
		}
		s.log.Debug("secrets: read failed", "path", f.Path, "err", err)
		return fs, resUnreadable
	}
	more, res := w.scanContent(f, data)
	if cap(w.buf) > maxKeptBuffer {
		w.buf = nil // keep peak memory to the files being scanned now
	}
	return append(fs, more...), res
}

var errTooLarge = errors.New("file exceeds the size limit")

// maxKeptBuffer is the largest read buffer a worker keeps between files.
const maxKeptBuffer = 4 << 20

// read reads a whole file into the worker's buffer, bounded by MaxFileSize.
func (w *worker) read(r io.Reader, size int64) ([]byte, error) {
	limit := w.s.opts.MaxFileSize
	want := size + 1
	if want < 512 {
		want = 512
	}
	if cap(w.buf) < int(want) {
		w.buf = make([]byte, want)
	}
	buf := w.buf[:cap(w.buf)]
	n := 0
	for {
		if n == len(buf) {
			if limit > 0 && int64(n) > limit {
				return nil, errTooLarge
			}
			nb := make([]byte, 2*len(buf))
			copy(nb, buf[:n])
			buf = nb
			w.buf = nb
		}
		m, err := r.Read(buf[n:])
		n += m
		if limit > 0 && int64(n) > limit {
			return nil, errTooLarge
		}
		if err == io.EOF {
			return buf[:n], nil
		}
		if err != nil {
			return nil, err
		}
	}
}

func (w *worker) pathFindings(f source.File) []hit {
	var out []hit
	for _, r := range w.s.pathOnly {
		if !r.path.MatchString(f.Path) || w.s.ruleSkipsFile(r, f) {
			continue
		}
		fd := w.s.newFinding(r, f, 0, 0, 0, "", "")
		fd.Message = fmt.Sprintf("%s: file %s", r.Description, f.Path)
		out = append(out, hit{f: fd})
	}
	return out
}

func (s *Scanner) ruleSkipsFile(r *compiledRule, f source.File) bool {
	for _, a := range r.allowlists {
		if a.pathOrCommitAllowed(f.Path, f.Commit) {
			return true
		}
	}
	return false
}

// isBinary reports whether content looks binary: a NUL byte in its first 8000
// bytes, the heuristic git uses.
func isBinary(b []byte) bool {
	if len(b) > 8000 {
		b = b[:8000]
	}
	return bytes.IndexByte(b, 0) >= 0
}

func (w *worker) scanContent(f source.File, data []byte) ([]hit, fileResult) {
	s := w.s
	w.n = len(data)
	if isBinary(data) {
		return nil, resBinary
	}
	w.cand = w.cand[:0]
	s.matcher.scan(data, func(kw int32, end int) {
		for _, ri := range s.kwRules[kw] {
			if len(w.hits[ri]) == 0 {
				w.cand = append(w.cand, int(ri))
			}
			w.hits[ri] = append(w.hits[ri], int32(end))
			w.klen[ri] = append(w.klen[ri], int32(s.matcher.lens[kw]))
		}
	})
	var out []hit
	for _, r := range s.alwaysRun {
		out = w.runRule(out, r, f, data, nil, nil)
	}
	slices.Sort(w.cand)
	for _, ri := range w.cand {
		out = w.runRule(out, s.rules[ri], f, data, w.hits[ri], w.klen[ri])
		w.hits[ri] = w.hits[ri][:0]
		w.klen[ri] = w.klen[ri][:0]
	}
	return dedupeGeneric(out), resScanned
}

// hit is a finding with its raw secret, kept only while its file is
// scanned, and the secret's digest, kept to merge history findings.
type hit struct {
	f      finding.Finding
	secret string
	digest [sha256.Size]byte
}

// strip returns the findings of hits.
func strip(hs []hit) []finding.Finding {
	if len(hs) == 0 {
		return nil
	}
	out := make([]finding.Finding, len(hs))
	for i := range hs {
		out[i] = hs[i].f
	}
	return out
}

// runRule runs one rule over data: over the whole of it when the rule has
// no keyword hits listed (no keywords) or an unbounded regex, else over the
// lines around each keyword hit, merged.
func (w *worker) runRule(out []hit, r *compiledRule, f source.File, data []byte, hits, klens []int32) []hit {
	if r.path != nil && !r.path.MatchString(f.Path) {
		return out
	}
	if w.s.ruleSkipsFile(r, f) {
		return out
	}
	wn := r.win
	byLen := wn.lenBefore >= 0 && wn.lenAfter >= 0 && max(wn.lenBefore, wn.lenAfter) <= maxRegionLen
	byLines := wn.nlBefore >= 0 && wn.nlAfter >= 0 && max(wn.nlBefore, wn.nlAfter) <= maxWindowLines
	if hits == nil || (!byLen && !byLines) {
		return w.matchRegion(out, r, f, data, 0, len(data))
	}
	start, end := -1, -1
	for i, h := range hits {
		kw := int(h) - int(klens[i])
		if start >= 0 && kw < end {
			// The keyword's line is inside the current window (which
			// ends at a line end): widen it only if this hit's window
			// may reach past it. Avoids rescanning long lines.
			if (byLines && wn.nlAfter == 0) || (byLen && kw+wn.lenAfter < end) {
				continue
			}
		}
		lo, hi := 0, len(data)
		if byLines {
			lo, hi = linesBefore(data, max(int(h)-1, 0), wn.nlBefore), linesAfter(data, kw+1, wn.nlAfter)
		}
		if byLen {
			lo = max(lo, lineStart(data, int(h)-wn.lenBefore))
			hi = min(hi, lineEnd(data, kw+wn.lenAfter))
		}
		if start >= 0 && lo <= end {
			end = max(end, hi)
			continue
		}
		if start >= 0 {
			out = w.matchRegion(out, r, f, data, start, end)
		}
		start, end = lo, hi
	}
	if start >= 0 {
		out = w.matchRegion(out, r, f, data, start, end)
	}
	return out
}

// maxWindowLines caps the lines a window spans around a keyword.
const maxWindowLines = 64

// lineStart returns the start of the line holding offset i (clamped).
func lineStart(data []byte, i int) int {
	if i <= 0 {
		return 0
	}
	if i > len(data) {
		i = len(data)
	}
	return bytes.LastIndexByte(data[:i], '\n') + 1
}

// lineEnd returns the offset just past the newline ending the line holding
// offset i, or the end of data.
func lineEnd(data []byte, i int) int {
	if i < 0 {
		i = 0
	}
	if i >= len(data) {
		return len(data)
	}
	if j := bytes.IndexByte(data[i:], '\n'); j >= 0 {
		return i + j + 1
	}
	return len(data)
}

// linesBefore returns the start of the line n lines above the one holding i.
func linesBefore(data []byte, i, n int) int {
	lo := lineStart(data, i)
	for ; n > 0 && lo > 0; n-- {
		lo = lineStart(data, lo-1)
	}
	return lo
}

// linesAfter returns the end of the line n lines below the one ending at or
// after offset i (the line of the last keyword byte, i-1).
func linesAfter(data []byte, i, n int) int {
	hi := lineEnd(data, max(i-1, 0))
	for ; n > 0 && hi < len(data); n-- {
		hi = lineEnd(data, hi)
	}
	return hi
}

// matchRegion reports the rule's matches in data[lo:hi], which are whole lines.
func (w *worker) matchRegion(out []hit, r *compiledRule, f source.File, data []byte, lo, hi int) []hit {
	for _, m := range r.re.FindAllSubmatchIndex(data[lo:hi], -1) {
		out = w.s.report(out, r, f, data, lo, m)
	}
	return out
}

// report turns one regex match (offsets relative to data[base:]) into a
// finding unless the secret is too plain or allowed.
func (s *Scanner) report(out []hit, r *compiledRule, f source.File, data []byte, base int, m []int) []hit {
	ms, me := base+m[0], base+m[1]
	// As gitleaks: a match is trimmed of newlines at both ends.
	for me > ms && data[me-1] == '\n' {
		me--
	}
	match := data[ms:me]
	tms := ms
	for tms < me && data[tms] == '\n' {
		tms++
	}
	secret := string(bytes.Trim(match, "\n"))
	if len(m) > 2 {
		if r.SecretGroup > 0 {
			if gs := m[2*r.SecretGroup]; gs >= 0 {
				secret = string(data[base+gs : base+m[2*r.SecretGroup+1]])
			} else {
				return out
			}
		} else {
			for g := 1; 2*g < len(m); g++ {
				if m[2*g] >= 0 && m[2*g+1] > m[2*g] {
					secret = string(data[base+m[2*g] : base+m[2*g+1]])
					break
				}
			}
		}
	}
	if r.Entropy != 0 && ShannonEntropy(secret) <= r.Entropy {
		return out
	}
	lineStart := bytes.LastIndexByte(data[:ms], '\n') + 1
	lineEnd := me
	if i := bytes.IndexByte(data[me:], '\n'); i >= 0 {
		lineEnd += i
	} else {
		lineEnd = len(data)
	}
	line := string(data[lineStart:lineEnd])
	for _, a := range s.allowlists {
		if a.findingAllowed(f.Path, f.Commit, secret, string(match), line) {
			return out
		}
	}
	for _, a := range r.allowlists {
		if a.findingAllowed(f.Path, f.Commit, secret, string(match), line) {
			return out
		}
	}
	startLine := bytes.Count(data[:ms], []byte{'\n'}) + 1
	endLine := startLine + bytes.Count(data[ms:me], []byte{'\n'})
	col := utf8.RuneCount(data[lineStart:ms]) + 1
	fd := s.newFinding(r, f, startLine, endLine, col, secret, string(match))
	if !s.opts.NoInlineAllow && (strings.Contains(line, "gitleaks:allow") || strings.Contains(line, "sluice:allow")) {
		fd.Suppressed = &finding.Suppression{Kind: "inline", Reason: "allow comment on the line"}
	}
	return append(out, hit{f: fd, secret: secret, digest: sha256.Sum256([]byte(secret))})
}

// newFinding builds the finding of rule r; secret and match are redacted
// unless Options.ShowSecrets.
func (s *Scanner) newFinding(r *compiledRule, f source.File, startLine, endLine, col int, secret, match string) finding.Finding {
	sev := severityOf(r.Rule)
	if f.Deleted && sev < finding.SeverityHigh {
		sev = finding.SeverityHigh
	}
	shown := Redact(secret)
	if s.opts.ShowSecrets {
		shown = secret
	}
	fd := finding.Finding{
		Kind:           finding.KindSecret,
		Rule:           r.ID,
		Severity:       sev,
		SeveritySource: "rule",
		Title:          r.Description,
		Message:        fmt.Sprintf("%s: %s", r.Description, shown),
		Location: finding.Location{
			Path: f.Path, Line: startLine, Column: col, Layer: f.Layer, LayerIndex: f.LayerIndex,
			Commit: f.Commit, Deleted: f.Deleted,
		},
	}
	if endLine != startLine {
		fd.Location.EndLine = endLine
	}
	if f.Deleted {
		fd.Message += deletedNote
	}
	if secret != "" {
		fd.Evidence = append(fd.Evidence,
			finding.Evidence{Name: "secret", Value: shown},
			finding.Evidence{Name: "entropy", Value: strconv.FormatFloat(ShannonEntropy(secret), 'f', 2, 64)})
		if s.opts.ShowSecrets && match != secret {
			fd.Evidence = append(fd.Evidence, finding.Evidence{Name: "match", Value: match})
		}
	}
	fd.Fingerprint = Fingerprint(f.Commit, f.Layer, f.Path, r.ID, startLine)
	if fd.Suppressed == nil && s.opts.Ignore != nil {
		global := Fingerprint("", "", f.Path, r.ID, startLine)
		if s.opts.Ignore[fd.Fingerprint] || s.opts.Ignore[global] {
			fd.Suppressed = &finding.Suppression{Kind: "ignore-file", Reason: "fingerprint listed in .gitleaksignore"}
		}
	}
	return fd
}

const deletedNote = " (in a file deleted by a later layer: still in the image)"

// Fingerprint is the gitleaks-compatible identity of a finding:
// "path:rule:line", prefixed by "commit:" for history findings (as in
// .gitleaksignore) or by the layer diffID for image findings.
func Fingerprint(commit, layer, path, rule string, line int) string {
	fp := path + ":" + rule + ":" + strconv.Itoa(line)
	switch {
	case commit != "":
		fp = commit + ":" + fp
	case layer != "":
		fp = layer + ":" + fp
	}
	return fp
}

// dedupeGeneric drops a generic rule's finding when a specific rule found a
// secret containing it on the same line (the gitleaks precedence), and
// drops the raw secrets.
func dedupeGeneric(hs []hit) []hit {
	if len(hs) == 0 {
		return nil
	}
	out := make([]hit, 0, len(hs))
	for i := range hs {
		f := &hs[i].f
		drop := false
		if strings.Contains(strings.ToLower(f.Rule), "generic") {
			for j := range hs {
				g := &hs[j].f
				if i != j && g.Location.Line == f.Location.Line && g.Location.Commit == f.Location.Commit &&
					g.Rule != f.Rule && !strings.Contains(strings.ToLower(g.Rule), "generic") &&
					strings.Contains(hs[j].secret, hs[i].secret) {
					drop = true
					break
				}
			}
		}
		if !drop {
			h := hs[i]
			h.secret = "" // the raw secret goes no further
			out = append(out, h)
		}
	}
	return out
}

// Redact shows the first characters of a secret and "…": four for secrets of
// 12 characters or more, fewer for shorter ones, none for 4 or fewer, so a
// short secret is never shown whole.
func Redact(secret string) string {
	n := utf8.RuneCountInString(secret)
	keep := min(4, n/3)
	if n <= 4 {
		keep = 0
	}
	i := 0
	for k := 0; k < keep; k++ {
		_, size := utf8.DecodeRuneInString(secret[i:])
		i += size
	}
	return secret[:i] + "…"
}

// ShannonEntropy is the entropy of s in bits per byte, computed as gitleaks
// does (character frequencies over the byte length), so thresholds from
// gitleaks configurations keep their meaning.
func ShannonEntropy(s string) float64 {
	if s == "" {
		return 0
	}
	var counts map[rune]int
	var ascii [128]int
	for _, c := range s {
		if c < 128 {
			ascii[c]++
			continue
		}
		if counts == nil {
			counts = map[rune]int{}
		}
		counts[c]++
	}
	inv := 1 / float64(len(s))
	e := 0.0
	for _, c := range ascii {
		if c > 0 {
			p := float64(c) * inv
			e -= p * math.Log2(p)
		}
	}
	for _, c := range counts {
		p := float64(c) * inv
		e -= p * math.Log2(p)
	}
	return e
}

// mergeHistory keeps, of the history findings with the same rule, path and
// secret, those of the oldest commit: a secret that stays while the file
// around it changes is in a new blob each time but was introduced once.
func mergeHistory(hs []hit, src source.Source) []hit {
	d, ok := src.(CommitDescriber)
	if !ok {
		return hs
	}
	type key struct {
		rule, path string
		digest     [sha256.Size]byte
	}
	type when struct {
		t      time.Time
		commit string
	}
	at := func(h *hit) when {
		_, dt, _ := d.DescribeCommit(h.f.Location.Commit)
		t, _ := time.Parse(time.RFC3339, dt)
		return when{t, h.f.Location.Commit}
	}
	first := map[key]when{}
	for i := range hs {
		h := &hs[i]
		if h.f.Location.Commit == "" || h.f.Location.Line == 0 {
			continue
		}
		k, w := key{h.f.Rule, h.f.Location.Path, h.digest}, at(h)
		if o, seen := first[k]; !seen || w.t.Before(o.t) || (w.t.Equal(o.t) && w.commit < o.commit) {
			first[k] = w
		}
	}
	out := hs[:0]
	for i := range hs {
		h := &hs[i]
		if h.f.Location.Commit != "" && h.f.Location.Line != 0 &&
			first[key{h.f.Rule, h.f.Location.Path, h.digest}].commit != h.f.Location.Commit {
			continue
		}
		out = append(out, *h)
	}
	return out
}
