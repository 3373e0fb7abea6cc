// Package update refreshes the advisory database from feeds served over
// HTTPS: each source is downloaded with ETag / If-Modified-Since revalidation
// into a cache directory beside the database, retried on transient failures,
// checked against its expected size and SHA-256 when known, and the whole
// database is rebuilt into a temporary file and renamed into place. A failed
// or interrupted update leaves the previous database and cache untouched.
package update

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/sluice-dev/sluice/internal/netguard"
	"github.com/sluice-dev/sluice/internal/safeio"
	"github.com/sluice-dev/sluice/progress"
	"github.com/sluice-dev/sluice/vulndb"
	"github.com/sluice-dev/sluice/vulndb/importer"
)

// Source is one feed to download.
type Source struct {
	// Name identifies the source in the cache and in messages.
	Name string `json:"name"`
	// URL is where the feed is served (https://, or http:// for tests and
	// internal mirrors when Options.AllowHTTP is set).
	URL string `json:"url"`
	// Format optionally names the importer ("osv", "alpine-secdb", ...);
	// empty means detect.
	Format string `json:"format,omitempty"`
	// SHA256, when set, is the expected digest of the download.
	SHA256 string `json:"sha256,omitempty"`
}

// Defaults are the public feeds `sluice db update` uses without configuration.
var Defaults = []Source{
	{Name: "osv-go", URL: "https://osv-vulnerabilities.storage.googleapis.com/Go/all.zip"},
	{Name: "osv-pypi", URL: "https://osv-vulnerabilities.storage.googleapis.com/PyPI/all.zip"},
	{Name: "osv-npm", URL: "https://osv-vulnerabilities.storage.googleapis.com/npm/all.zip"},
	{Name: "osv-maven", URL: "https://osv-vulnerabilities.storage.googleapis.com/Maven/all.zip"},
	{Name: "osv-crates", URL: "https://osv-vulnerabilities.storage.googleapis.com/crates.io/all.zip"},
	{Name: "osv-rubygems", URL: "https://osv-vulnerabilities.storage.googleapis.com/RubyGems/all.zip"},
	{Name: "osv-nuget", URL: "https://osv-vulnerabilities.storage.googleapis.com/NuGet/all.zip"},
	{Name: "osv-almalinux", URL: "https://osv-vulnerabilities.storage.googleapis.com/AlmaLinux/all.zip"},
	{Name: "osv-rocky", URL: "https://osv-vulnerabilities.storage.googleapis.com/Rocky%20Linux/all.zip"},
	{Name: "debian-tracker", URL: "https://security-tracker.debian.org/tracker/data/json", Format: "debian-json"},
	{Name: "alpine-v3.20-main", URL: "https://secdb.alpinelinux.org/v3.20/main.json", Format: "alpine-secdb"},
	{Name: "alpine-v3.20-community", URL: "https://secdb.alpinelinux.org/v3.20/community.json", Format: "alpine-secdb"},
	{Name: "alpine-v3.19-main", URL: "https://secdb.alpinelinux.org/v3.19/main.json", Format: "alpine-secdb"},
	{Name: "alpine-v3.18-main", URL: "https://secdb.alpinelinux.org/v3.18/main.json", Format: "alpine-secdb"},
}

// downloadTimeout bounds one download, body included.
const downloadTimeout = 10 * time.Minute

// Options configure Run. The zero value downloads through a netguard
// transport under the context's network policy.
type Options struct {
	// Transport carries the downloads; when nil, a netguard transport
	// (offline: loopback mirrors only).
	Transport http.RoundTripper
	Logger    *slog.Logger
	Progress  progress.Reporter
	Importers []importer.Importer
	// Retries is how many times a failed download is retried (default 3;
	// negative means none).
	Retries int
	// Backoff is the wait before the first retry, doubled each time
	// (default 1 s).
	Backoff time.Duration
	// AllowHTTP permits plain http:// sources (tests, internal mirrors).
	AllowHTTP bool
	// MaxSize bounds one download (default 1 GiB).
	MaxSize int64
}

// Result says what an update did per source.
type Result struct {
	Sources []SourceResult
	Stats   importer.Stats
	Changed bool // false when every source answered 304 and the DB exists
}

// SourceResult is the outcome of one download.
type SourceResult struct {
	Name     string
	Status   string // "downloaded", "not modified"
	Bytes    int64
	SHA256   string
	Duration time.Duration
}

// cacheEntry is what the cache remembers about a download.
type cacheEntry struct {
	URL          string `json:"url"`
	ETag         string `json:"etag,omitempty"`
	LastModified string `json:"last_modified,omitempty"`
	SHA256       string `json:"sha256"`
	File         string `json:"file"`
}

// Run downloads every source into cacheDir and rebuilds the database at
// dbPath from all of them. Nothing at dbPath or in cacheDir changes unless
// every download and the build succeed.
func Run(ctx context.Context, dbPath, cacheDir string, sources []Source, opts Options) (Result, error) {
	if opts.Transport == nil {
		opts.Transport = netguard.ContextTransport(ctx, "db update")
	}
	if opts.Retries == 0 {
		opts.Retries = 3
	}
	if opts.Retries < 0 {
		opts.Retries = 0
	}
	if opts.Backoff == 0 {
		opts.Backoff = time.Second
	}
	if opts.MaxSize == 0 {
		opts.MaxSize = 1 << 30
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	rep := progress.OrNop(opts.Progress)
	var res Result
	if len(sources) == 0 {
		return res, errors.New("update: no sources configured")
	}
	if err := os.MkdirAll(cacheDir, 0o755); err != nil {
		return res, fmt.Errorf("update: create cache %s: %w", cacheDir, err)
	}
	index := loadIndex(cacheDir)
	// Downloads go to a staging directory; only a complete update moves
	// them over the cache.
	stage, err := os.MkdirTemp(cacheDir, ".update-*")
	if err != nil {
		return res, fmt.Errorf("update: %w", err)
	}
	defer os.RemoveAll(stage)
	newIndex := map[string]cacheEntry{}
	var paths []string
	for _, src := range sources {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		if err := checkSource(src, opts.AllowHTTP); err != nil {
			return res, err
		}
		old, hasOld := index[src.Name]
		if hasOld && (old.URL != src.URL || !fileExists(filepath.Join(cacheDir, old.File))) {
			hasOld = false
		}
		task := rep.Task("download "+src.Name, 0)
		sr, entry, err := fetch(ctx, opts, log, src, old, hasOld, stage)
		task.Done()
		if err != nil {
			return res, err
		}
		res.Sources = append(res.Sources, sr)
		newIndex[src.Name] = entry
		if sr.Status == "downloaded" {
			res.Changed = true
			paths = append(paths, prefixed(src.Format, filepath.Join(stage, entry.File)))
		} else {
			paths = append(paths, prefixed(src.Format, filepath.Join(cacheDir, entry.File)))
		}
	}
	if !res.Changed && fileExists(dbPath) {
		return res, nil
	}
	importers := opts.Importers
	b, err := vulndb.Create(ctx, dbPath, vulndb.BuildOptions{Logger: log})
	if err != nil {
		return res, err
	}
	res.Stats, err = importer.Run(ctx, b, importers, paths, importer.Options{Logger: log, Progress: opts.Progress})
	if err != nil {
		b.Abort()
		return res, fmt.Errorf("update: %w", err)
	}
	if res.Stats.Records == 0 {
		b.Abort()
		return res, errors.New("update: the sources held no advisories; the database was left as it was")
	}
	if err := b.Commit(ctx); err != nil {
		return res, err
	}
	// The database is in place: promote the staged downloads and the index.
	for name, e := range newIndex {
		staged := filepath.Join(stage, e.File)
		if fileExists(staged) {
			if err := os.Rename(staged, filepath.Join(cacheDir, e.File)); err != nil {
				return res, fmt.Errorf("update: cache %s: %w", name, err)
			}
		}
	}
	if err := saveIndex(cacheDir, newIndex); err != nil {
		return res, err
	}
	return res, nil
}

func prefixed(format, p string) string {
	if format == "" {
		return p
	}
	return format + ":" + p
}

func checkSource(s Source, allowHTTP bool) error {
	u, err := url.Parse(s.URL)
	if err != nil || u.Host == "" {
		return fmt.Errorf("update: source %s: %q is not a URL", s.Name, s.URL)
	}
	if u.Scheme != "https" && !(allowHTTP && u.Scheme == "http") {
		return fmt.Errorf("update: source %s: %s is not https (plain http is refused for advisory data)", s.Name, s.URL)
	}
	if s.Name == "" || strings.ContainsAny(s.Name, `/\`) || strings.HasPrefix(s.Name, ".") {
		return fmt.Errorf("update: source name %q must be a plain word", s.Name)
	}
	return nil
}

// fetch downloads one source with revalidation and retries.
func fetch(ctx context.Context, opts Options, log *slog.Logger, src Source, old cacheEntry, hasOld bool, stage string) (SourceResult, cacheEntry, error) {
	start := time.Now()
	sr := SourceResult{Name: src.Name}
	var lastErr error
	wait := opts.Backoff
	for attempt := 0; attempt <= opts.Retries; attempt++ {
		if attempt > 0 {
			log.Debug("retrying download", "source", src.Name, "attempt", attempt, "err", lastErr)
			select {
			case <-ctx.Done():
				return sr, old, ctx.Err()
			case <-time.After(wait):
			}
			wait *= 2
		}
		entry, status, retry, err := fetchOnce(ctx, opts, src, old, hasOld, stage)
		if err == nil {
			sr.Status, sr.SHA256, sr.Duration = status, entry.SHA256, time.Since(start)
			if st, err := os.Stat(filepath.Join(stage, entry.File)); err == nil {
				sr.Bytes = st.Size()
			}
			return sr, entry, nil
		}
		lastErr = err
		if !retry || ctx.Err() != nil {
			break
		}
	}
	return sr, old, fmt.Errorf("update: download %s (%s): %w", src.Name, src.URL, lastErr)
}

// fetchOnce makes one request. retry reports whether the failure is transient.
func fetchOnce(ctx context.Context, opts Options, src Source, old cacheEntry, hasOld bool, stage string) (cacheEntry, string, bool, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, src.URL, nil)
	if err != nil {
		return old, "", false, err
	}
	req.Header.Set("User-Agent", "sluice-db-update")
	if hasOld {
		if old.ETag != "" {
			req.Header.Set("If-None-Match", old.ETag)
		}
		if old.LastModified != "" {
			req.Header.Set("If-Modified-Since", old.LastModified)
		}
	}
	client := &http.Client{Transport: opts.Transport, Timeout: downloadTimeout}
	resp, err := client.Do(req)
	if err != nil {
		// A connection refused offline stays refused: no retries.
		var refused *netguard.Error
		return old, "", !errors.As(err, &refused), err
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotModified && hasOld:
		return old, "not modified", false, nil
	case resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests:
		return old, "", true, fmt.Errorf("server answered %s", resp.Status)
	case resp.StatusCode != http.StatusOK:
		return old, "", false, fmt.Errorf("server answered %s", resp.Status)
	}
	file := src.Name + feedExt(src.URL)
	f, err := os.Create(filepath.Join(stage, file))
	if err != nil {
		return old, "", false, err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(f, h), safeio.LimitReader(resp.Body, opts.MaxSize, src.URL))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(filepath.Join(stage, file))
		return old, "", !errors.Is(err, safeio.ErrLimit), fmt.Errorf("read body: %w", err)
	}
	if resp.ContentLength >= 0 && n != resp.ContentLength {
		os.Remove(filepath.Join(stage, file))
		return old, "", true, fmt.Errorf("truncated: got %d of %d bytes", n, resp.ContentLength)
	}
	sum := hex.EncodeToString(h.Sum(nil))
	if src.SHA256 != "" && !strings.EqualFold(src.SHA256, sum) {
		os.Remove(filepath.Join(stage, file))
		return old, "", false, fmt.Errorf("checksum mismatch: got sha256 %s, want %s", sum, src.SHA256)
	}
	return cacheEntry{URL: src.URL, ETag: resp.Header.Get("ETag"), LastModified: resp.Header.Get("Last-Modified"), SHA256: sum, File: file}, "downloaded", false, nil
}

const indexFile = "index.json"

func loadIndex(dir string) map[string]cacheEntry {
	idx := map[string]cacheEntry{}
	b, err := os.ReadFile(filepath.Join(dir, indexFile))
	if err != nil {
		return idx
	}
	if json.Unmarshal(b, &idx) != nil {
		return map[string]cacheEntry{}
	}
	return idx
}

func saveIndex(dir string, idx map[string]cacheEntry) error {
	b, err := json.MarshalIndent(idx, "", "  ")
	if err != nil {
		return err
	}
	tmp := filepath.Join(dir, indexFile+".tmp-"+strconv.Itoa(os.Getpid()))
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return fmt.Errorf("update: write cache index: %w", err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, indexFile)); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("update: write cache index: %w", err)
	}
	return nil
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}

// feedExt keeps the extension of the URL's file name, which format
// detection uses.
func feedExt(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ".feed"
	}
	switch ext := strings.ToLower(filepath.Ext(u.Path)); ext {
	case ".zip", ".json", ".yaml", ".yml":
		return ext
	}
	return ".feed"
}
