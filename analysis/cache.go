package analysis

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/klauspost/compress/gzip"

	"github.com/sluice-dev/sluice/internal/atomicfile"
	"github.com/sluice-dev/sluice/internal/safeio"
)

// maxCacheRecord bounds a cached layer record read back from disk.
const maxCacheRecord = 512 << 20

// cacheKey identifies the analyzer set and the options that change results:
// with a layer's diffID it names the layer's cache entry, so a new analyzer
// version invalidates exactly the entries it could change.
func cacheKey(analyzers []Analyzer, opts Options) string {
	ids := make([]string, 0, len(analyzers)+len(opts.Recorders))
	for _, a := range analyzers {
		ids = append(ids, a.Name()+"@"+strconv.Itoa(a.Version()))
	}
	// Recorders add lines only when present, so the keys of runs without
	// them, and their cached entries, stay what they were.
	for _, r := range opts.Recorders {
		ids = append(ids, "recorder:"+r.Name()+"@"+strconv.Itoa(r.Version()))
	}
	if len(opts.Recorders) > 0 {
		ids = append(ids, "max-recorded="+strconv.Itoa(opts.MaxRecorded))
	}
	slices.Sort(ids)
	return fmt.Sprintf("sluice-layer/%d\n%s\nmax-file=%d", recordSchema, strings.Join(ids, "\n"), opts.MaxFileSize)
}

func cachePath(dir, key, diffID string) string {
	sum := sha256.Sum256([]byte(key + "\n" + diffID))
	h := hex.EncodeToString(sum[:])
	return filepath.Join(dir, h[:2], h+".json.gz")
}

// loadCache returns the cached record of a layer, or nil. Any problem with
// an entry (missing, torn, old schema) is a miss: the layer is read again.
func loadCache(opts Options, key, diffID string) *layerRecord {
	if opts.CacheDir == "" || diffID == "" {
		return nil
	}
	p := cachePath(opts.CacheDir, key, diffID)
	f, err := os.Open(p)
	if err != nil {
		return nil
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		opts.Log.Debug("layer cache entry unreadable", "path", p, "err", err)
		return nil
	}
	defer zr.Close()
	var rec layerRecord
	dec := json.NewDecoder(safeio.LimitReader(zr, maxCacheRecord, "cache entry"))
	if err := dec.Decode(&rec); err != nil || rec.Schema != recordSchema || rec.DiffID != diffID {
		opts.Log.Debug("layer cache entry ignored", "path", p, "err", err)
		return nil
	}
	return &rec
}

// storeCache writes a layer record atomically.
func storeCache(opts Options, key string, rec *layerRecord) error {
	if opts.CacheDir == "" || rec.DiffID == "" {
		return nil
	}
	p := cachePath(opts.CacheDir, key, rec.DiffID)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return atomicfile.Write(p, 0o644, func(w io.Writer) error {
		zw, err := gzip.NewWriterLevel(w, gzip.BestSpeed)
		if err != nil {
			return err
		}
		if err := json.NewEncoder(zw).Encode(rec); err != nil {
			return err
		}
		return zw.Close()
	})
}
