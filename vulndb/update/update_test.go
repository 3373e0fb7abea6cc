package update

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sluice-dev/sluice/internal/netguard"
	"github.com/sluice-dev/sluice/internal/testutil"
	"github.com/sluice-dev/sluice/vulndb"
	"github.com/sluice-dev/sluice/vulndb/importer/feeds"
)

// goZip packs the real Go OSV samples as an all.zip.
func goZip(t *testing.T) []byte {
	files, _ := filepath.Glob(filepath.Join(testutil.SharedDir(t, "vulndata", "samples", "osv", "Go"), "*.json"))
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		w, _ := zw.Create(filepath.Base(f))
		w.Write(b)
	}
	zw.Close()
	return buf.Bytes()
}

// feedServer serves the zip with an ETag; mode switches failures on.
type feedServer struct {
	zip      []byte
	mode     atomic.Value // "ok", "500", "truncate-once", "garbage"
	requests atomic.Int32
	notMod   atomic.Int32
	failed   atomic.Int32
}

func (s *feedServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	mode, _ := s.mode.Load().(string)
	switch mode {
	case "500":
		s.failed.Add(1)
		http.Error(w, "down", http.StatusInternalServerError)
		return
	case "truncate-once":
		s.mode.Store("ok")
		w.Header().Set("Content-Length", "999999")
		w.Write(s.zip[:100])
		return
	case "garbage":
		w.Write([]byte("not a feed"))
		return
	}
	if r.Header.Get("If-None-Match") == `"v1"` {
		s.notMod.Add(1)
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("ETag", `"v1"`)
	w.Write(s.zip)
}

func TestUpdate(t *testing.T) {
	ctx := context.Background()
	srv := &feedServer{zip: goZip(t)}
	srv.mode.Store("ok")
	ts := httptest.NewServer(srv)
	defer ts.Close()
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "sluice.db")
	cache := filepath.Join(dir, "feeds")
	sources := []Source{{Name: "osv-go", URL: ts.URL + "/Go/all.zip"}}
	opts := Options{Importers: feeds.All(), AllowHTTP: true, Backoff: time.Millisecond, Transport: ts.Client().Transport}

	// 1: first download builds the database.
	res, err := Run(ctx, dbPath, cache, sources, opts)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Changed || res.Sources[0].Status != "downloaded" || res.Stats.Records != 10 {
		t.Fatalf("first update: %+v", res)
	}
	before, _ := os.ReadFile(dbPath)

	// 2: unchanged feed: 304, nothing rebuilt.
	res, err = Run(ctx, dbPath, cache, sources, opts)
	if err != nil {
		t.Fatal(err)
	}
	if res.Changed || res.Sources[0].Status != "not modified" || srv.notMod.Load() != 1 {
		t.Errorf("second update: %+v, 304s %d", res, srv.notMod.Load())
	}

	// 3: the server fails: retried, then an error; the database is intact.
	srv.mode.Store("500")
	os.Remove(filepath.Join(cache, "index.json")) // force a full download
	if _, err := Run(ctx, dbPath, cache, sources, opts); err == nil {
		t.Error("update against a failing server succeeded")
	}
	if got := srv.failed.Load(); got != 4 {
		t.Errorf("%d attempts, want 1 + 3 retries", got)
	}
	after, _ := os.ReadFile(dbPath)
	if !bytes.Equal(before, after) {
		t.Error("a failed update changed the database")
	}

	// 4: a truncated download is retried and then succeeds.
	srv.mode.Store("truncate-once")
	if _, err := Run(ctx, dbPath, cache, sources, opts); err != nil {
		t.Errorf("update after a truncated download: %v", err)
	}

	// 5: a checksum mismatch fails and keeps the database.
	srv.mode.Store("ok")
	os.Remove(filepath.Join(cache, "index.json"))
	before, _ = os.ReadFile(dbPath)
	bad := []Source{{Name: "osv-go", URL: ts.URL + "/Go/all.zip", SHA256: "00"}}
	if _, err := Run(ctx, dbPath, cache, bad, opts); err == nil {
		t.Error("a checksum mismatch was accepted")
	}
	// 6: a feed with no advisories fails and keeps the database.
	srv.mode.Store("garbage")
	if _, err := Run(ctx, dbPath, cache, sources, opts); err == nil {
		t.Error("a feed without advisories replaced the database")
	}
	after, _ = os.ReadFile(dbPath)
	if !bytes.Equal(before, after) {
		t.Error("a failed update changed the database")
	}
	s, err := vulndb.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var names []string
	for _, si := range s.Info().Sources {
		names = append(names, si.Name)
	}
	if diff := cmp.Diff([]string{"osv:Go"}, names); diff != "" {
		t.Errorf("sources (-want +got):\n%s", diff)
	}
	left, _ := filepath.Glob(filepath.Join(cache, ".update-*"))
	if len(left) != 0 || slices.ContainsFunc(left, func(string) bool { return true }) {
		t.Errorf("staging directories left: %v", left)
	}
}

func TestRefusesPlainHTTP(t *testing.T) {
	_, err := Run(context.Background(), filepath.Join(t.TempDir(), "db"), t.TempDir(), []Source{{Name: "x", URL: "http://example.invalid/all.zip"}}, Options{})
	if err == nil {
		t.Error("a plain http source was accepted without AllowHTTP")
	}
}

// TestOfflineRefusalIsFinal: offline, a feed that is not on loopback is
// refused at once, naming the address, and not retried (a retry would only
// wait to be refused again).
func TestOfflineRefusalIsFinal(t *testing.T) {
	ctx, cancel := context.WithTimeout(netguard.WithOffline(context.Background(), true), 30*time.Second)
	defer cancel()
	dir := t.TempDir()
	sources := []Source{{Name: "osv-go", URL: "https://osv.example.com/Go/all.zip"}}
	_, err := Run(ctx, filepath.Join(dir, "sluice.db"), filepath.Join(dir, "feeds"), sources, Options{Importers: feeds.All(), Backoff: time.Hour})
	var refused *netguard.Error
	if !errors.As(err, &refused) || refused.Address != "osv.example.com:443" || refused.Who != "db update" {
		t.Fatalf("err = %v, want a netguard refusal of osv.example.com:443 by db update", err)
	}
}
