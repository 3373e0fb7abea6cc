package vulndb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"modernc.org/sqlite"
)

// SchemaVersion is the database layout this binary reads and writes. A
// database with a higher number was written by a newer sluice, one with a
// lower number by an older one; this binary reads neither. Version 2 stores
// headers and affected entries in a binary form (codec.go), affected entries
// clustered by package, details in their own table and the list of
// ecosystems.
const SchemaVersion = 2

// ErrNewerSchema means the database was written by a newer sluice.
var ErrNewerSchema = errors.New("database schema is newer than this sluice understands")

// ErrOlderSchema means the database was written by an older sluice, in a
// layout this one no longer reads.
var ErrOlderSchema = errors.New("database schema is older than this sluice reads")

const schema = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE sources (name TEXT PRIMARY KEY, records INTEGER NOT NULL, modified TEXT NOT NULL, imported TEXT NOT NULL);
CREATE TABLE advisories (
	rowid INTEGER PRIMARY KEY,
	source TEXT NOT NULL,
	vid TEXT NOT NULL,
	modified TEXT NOT NULL,
	withdrawn INTEGER NOT NULL,
	header BLOB NOT NULL,    -- all but affected entries and details, binary (see header.go)
	UNIQUE (source, vid)
);
-- Details are long and only Get and All read them: apart, they leave the
-- advisory rows that every lookup reads small.
CREATE TABLE details (advisory INTEGER PRIMARY KEY, text TEXT NOT NULL);
-- One row per affected entry, clustered by (ecosystem, package) so a
-- lookup reads neighbouring rows and no table behind an index.
CREATE TABLE affected (
	ecosystem TEXT NOT NULL,
	package TEXT NOT NULL,   -- indexed name (NormalizeName)
	advisory INTEGER NOT NULL,
	seq INTEGER NOT NULL,    -- position among the advisory's entries
	entry BLOB NOT NULL,     -- name as written, purl, ranges, ...: binary (see codec.go)
	PRIMARY KEY (ecosystem, package, advisory, seq)
) WITHOUT ROWID;
CREATE INDEX affected_advisory ON affected (advisory);
CREATE TABLE ids (vid TEXT NOT NULL, advisory INTEGER NOT NULL);
CREATE INDEX ids_vid ON ids (vid);
CREATE INDEX ids_advisory ON ids (advisory);
-- Every ecosystem of an affected entry, written at commit, so telling
-- whether a release has data does not scan the affected index.
CREATE TABLE ecosystems (name TEXT PRIMARY KEY);
`

// maxMmap bounds the address space a database map takes (a mapped file
// costs no memory beyond the pages read).
const maxMmap = 4 << 30

// openDB opens a SQLite file without registering a global driver name.
func openDB(path string, readOnly bool) (*sql.DB, error) {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(5000)")
	if readOnly {
		q.Set("mode", "ro")
		// Read pages through a memory map instead of a read call and a
		// copy each: about a fifth less CPU for a match on a freshly opened
		// database. Safe because a database file is never changed in
		// place: builds, updates and pulls write a new file and rename it.
		q.Add("_pragma", fmt.Sprintf("mmap_size(%d)", maxMmap))
	}
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
	c, err := sqlite.NewConnector(dsn)
	if err != nil {
		return nil, fmt.Errorf("open advisory database %s: %w", path, err)
	}
	return sql.OpenDB(c), nil
}

// Advisory is a stored advisory with the feed it came from. From Lookup,
// Affected holds only the entries of the package looked up, and Details is
// left empty (Get and All fill it).
type Advisory struct {
	Source string `json:"source"`
	Vulnerability
}

// SourceInfo describes one feed in the database.
type SourceInfo struct {
	Name     string    `json:"name"`
	Records  int       `json:"records"`
	Modified time.Time `json:"modified"` // freshest record
	Imported time.Time `json:"imported"`
}

// Info is the database's metadata.
type Info struct {
	Path          string       `json:"path"`
	SchemaVersion int          `json:"schema_version"`
	Built         time.Time    `json:"built"`
	Sources       []SourceInfo `json:"sources"`
	Advisories    int          `json:"advisories"`
	Size          int64        `json:"size"`
}

// Store is an open advisory database. It is safe for concurrent use.
type Store struct {
	db   *sql.DB
	path string
	info Info

	ecoMu sync.Mutex
	ecos  map[string]bool
}

// Open opens a database read-only and checks its schema version.
func Open(ctx context.Context, path string) (*Store, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("open advisory database: %w (build one with `sluice db import` or `sluice db update`)", err)
	}
	db, err := openDB(path, true)
	if err != nil {
		return nil, err
	}
	s := &Store{db: db, path: path}
	if err := s.readInfo(ctx); err != nil {
		db.Close()
		return nil, err
	}
	s.info.Size = st.Size()
	return s, nil
}

func (s *Store) readInfo(ctx context.Context) error {
	var v string
	err := s.db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'schema_version'`).Scan(&v)
	if err != nil {
		return fmt.Errorf("%s is not a sluice advisory database: %w", s.path, err)
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return fmt.Errorf("%s: schema version %q is not a number", s.path, v)
	}
	if n > SchemaVersion {
		return fmt.Errorf("%s: %w (database schema %d, this binary reads %d): upgrade sluice or rebuild the database with this version", s.path, ErrNewerSchema, n, SchemaVersion)
	}
	if n < SchemaVersion {
		return fmt.Errorf("%s: %w (database schema %d, this binary reads %d): rebuild it with this version (sluice db import --replace, or sluice db update)", s.path, ErrOlderSchema, n, SchemaVersion)
	}
	s.info = Info{Path: s.path, SchemaVersion: n}
	if err := s.db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'built'`).Scan(&v); err == nil {
		s.info.Built, _ = time.Parse(time.RFC3339, v)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT name, records, modified, imported FROM sources ORDER BY name`)
	if err != nil {
		return fmt.Errorf("%s: read sources: %w", s.path, err)
	}
	defer rows.Close()
	for rows.Next() {
		var si SourceInfo
		var mod, imp string
		if err := rows.Scan(&si.Name, &si.Records, &mod, &imp); err != nil {
			return fmt.Errorf("%s: read sources: %w", s.path, err)
		}
		si.Modified, _ = time.Parse(time.RFC3339, mod)
		si.Imported, _ = time.Parse(time.RFC3339, imp)
		s.info.Sources = append(s.info.Sources, si)
		s.info.Advisories += si.Records
	}
	return rows.Err()
}

// Close releases the database.
func (s *Store) Close() error { return s.db.Close() }

// Info returns the database's metadata.
func (s *Store) Info() Info { return s.info }

// Lookup returns every advisory with an affected entry for the package
// (ecosystem as stored, e.g. "Debian:12", and the package name), with
// Affected narrowed to those entries, and Details is left empty (Get and
// All fill it). Withdrawn advisories are included; callers decide (match
// ignores them).
func (s *Store) Lookup(ctx context.Context, ecosystem, name string) ([]Advisory, error) {
	m, err := s.LookupMany(ctx, ecosystem, []string{name})
	if err != nil {
		return nil, err
	}
	return m[name], nil
}

// lookupBatch is how many names one LookupMany query carries.
const lookupBatch = 400

// LookupMany is Lookup for many packages of one ecosystem in a few queries;
// the result is keyed by the names as given.
func (s *Store) LookupMany(ctx context.Context, ecosystem string, names []string) (map[string][]Advisory, error) {
	out := make(map[string][]Advisory, len(names))
	byNorm := map[string][]string{}
	var norms []string
	for _, n := range names {
		k := NormalizeName(ecosystem, n)
		if _, ok := byNorm[k]; !ok {
			norms = append(norms, k)
		}
		byNorm[k] = append(byNorm[k], n)
	}
	for len(norms) > 0 {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		batch := norms[:min(lookupBatch, len(norms))]
		norms = norms[len(batch):]
		args := make([]any, 0, len(batch)+1)
		args = append(args, ecosystem)
		for _, n := range batch {
			args = append(args, n)
		}
		// The order is the primary key's: SQLite reads it without sorting.
		rows, err := s.db.QueryContext(ctx, `SELECT package, advisory, entry FROM affected WHERE ecosystem = ? AND package IN (?`+strings.Repeat(", ?", len(batch)-1)+`)
			ORDER BY package, advisory, seq`, args...)
		if err != nil {
			return nil, fmt.Errorf("look up %d packages of %s: %w", len(batch), ecosystem, err)
		}
		m, err := s.scanAdvisories(ctx, ecosystem, rows)
		if err != nil {
			return nil, fmt.Errorf("look up %d packages of %s: %w", len(batch), ecosystem, err)
		}
		for k, advs := range m {
			for _, n := range byNorm[k] {
				out[n] = advs
			}
		}
	}
	return out, nil
}

// scanAdvisories reads lookup rows, in (package, advisory, seq) order,
// then the headers of their advisories, each read and decoded once however
// many entries and packages it has.
func (s *Store) scanAdvisories(ctx context.Context, ecosystem string, rows *sql.Rows) (map[string][]Advisory, error) {
	defer rows.Close()
	out := map[string][]Advisory{}
	type slot struct {
		pkg string
		i   int // index in out[pkg]
	}
	slots := map[int64][]slot{} // where each advisory is used
	var lastPkg string
	lastRowid := int64(-1)
	for rows.Next() {
		var pkg string
		var rowid int64
		var entry sql.RawBytes // decoded into strings of its own
		if err := rows.Scan(&pkg, &rowid, &entry); err != nil {
			return nil, err
		}
		aff, err := decodeEntry(ecosystem, entry)
		if err != nil {
			return nil, fmt.Errorf("corrupt record %d: %w", rowid, err)
		}
		list := out[pkg]
		if pkg == lastPkg && rowid == lastRowid {
			last := &list[len(list)-1]
			last.Affected = append(last.Affected, aff)
			continue
		}
		lastPkg, lastRowid = pkg, rowid
		slots[rowid] = append(slots[rowid], slot{pkg, len(list)})
		out[pkg] = append(list, Advisory{Vulnerability: Vulnerability{Affected: []Affected{aff}}})
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	ids := make([]any, 0, len(slots))
	for id := range slots {
		ids = append(ids, id)
	}
	for len(ids) > 0 {
		batch := ids[:min(headerBatch, len(ids))]
		ids = ids[len(batch):]
		hrows, err := s.db.QueryContext(ctx, `SELECT rowid, source, header FROM advisories WHERE rowid IN (?`+strings.Repeat(", ?", len(batch)-1)+`)`, batch...)
		if err != nil {
			return nil, fmt.Errorf("read advisories: %w", err)
		}
		for hrows.Next() {
			var rowid int64
			var src string
			var header sql.RawBytes
			if err := hrows.Scan(&rowid, &src, &header); err != nil {
				hrows.Close()
				return nil, err
			}
			h, err := decodeHeader(header)
			if err != nil {
				hrows.Close()
				return nil, fmt.Errorf("corrupt record %d: %w", rowid, err)
			}
			for _, sl := range slots[rowid] {
				a := &out[sl.pkg][sl.i]
				affs := a.Affected
				a.Source, a.Vulnerability = src, h
				a.Affected = affs
			}
		}
		err = hrows.Err()
		hrows.Close()
		if err != nil {
			return nil, err
		}
	}
	// Deterministic order without asking SQLite to sort.
	for _, list := range out {
		slices.SortStableFunc(list, func(a, b Advisory) int {
			if c := strings.Compare(a.Source, b.Source); c != 0 {
				return c
			}
			return strings.Compare(a.ID, b.ID)
		})
	}
	return out, nil
}

// headerBatch is how many advisories one header query reads.
const headerBatch = 500

// HasEcosystem reports whether any advisory names the ecosystem (with its
// release, e.g. "Alpine:v3.18"): matching uses it to tell "no advisories for
// this package" from "no data for this release at all".
func (s *Store) HasEcosystem(ctx context.Context, ecosystem string) (bool, error) {
	s.ecoMu.Lock()
	defer s.ecoMu.Unlock()
	if s.ecos == nil {
		rows, err := s.db.QueryContext(ctx, `SELECT name FROM ecosystems`)
		if err != nil {
			return false, fmt.Errorf("list ecosystems: %w", err)
		}
		defer rows.Close()
		ecos := map[string]bool{}
		for rows.Next() {
			var e string
			if err := rows.Scan(&e); err != nil {
				return false, err
			}
			ecos[e] = true
		}
		if err := rows.Err(); err != nil {
			return false, err
		}
		s.ecos = ecos
	}
	return s.ecos[ecosystem], nil
}

// Ecosystems lists the ecosystems the database has advisories for.
func (s *Store) Ecosystems(ctx context.Context) ([]string, error) {
	if _, err := s.HasEcosystem(ctx, ""); err != nil {
		return nil, err
	}
	var out []string
	for e := range s.ecos {
		out = append(out, e)
	}
	slices.Sort(out)
	return out, nil
}

// Get returns every advisory whose ID or alias is id, complete with all its
// affected entries.
func (s *Store) Get(ctx context.Context, id string) ([]Advisory, error) {
	var out []Advisory
	err := s.each(ctx, `SELECT a.rowid, a.source, a.header, d.text FROM ids i JOIN advisories a ON a.rowid = i.advisory
		JOIN details d ON d.advisory = a.rowid WHERE i.vid = ? ORDER BY a.source, a.vid`, []any{id}, func(a Advisory) error {
		out = append(out, a)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("get %s: %w", id, err)
	}
	return out, nil
}

// All calls fn for every advisory in the database, complete, in source and
// ID order.
func (s *Store) All(ctx context.Context, fn func(Advisory) error) error {
	return s.each(ctx, `SELECT a.rowid, a.source, a.header, d.text FROM advisories a JOIN details d ON d.advisory = a.rowid ORDER BY a.source, a.vid`, nil, fn)
}

// each runs a query for (rowid, source, header, details) rows and calls fn
// with each advisory rebuilt whole. The rows are read first and the query
// closed before the affected entries are fetched, since a SQLite connection
// serves one statement at a time.
func (s *Store) each(ctx context.Context, query string, args []any, fn func(Advisory) error) error {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	type row struct {
		id      int64
		source  string
		header  []byte
		details string
	}
	var rs []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.id, &r.source, &r.header, &r.details); err != nil {
			rows.Close()
			return err
		}
		rs = append(rs, r)
	}
	rows.Close()
	for _, r := range rs {
		if err := ctx.Err(); err != nil {
			return err
		}
		a, err := s.full(ctx, r.id, r.source, r.header, r.details)
		if err != nil {
			return err
		}
		if err := fn(a); err != nil {
			return err
		}
	}
	return nil
}

// full rebuilds an advisory with every affected entry.
func (s *Store) full(ctx context.Context, rowid int64, source string, header []byte, details string) (Advisory, error) {
	v, err := decodeHeader(header)
	if err != nil {
		return Advisory{}, fmt.Errorf("corrupt record %d: %w", rowid, err)
	}
	a := Advisory{Source: source, Vulnerability: v}
	a.Details = details
	rows, err := s.db.QueryContext(ctx, `SELECT ecosystem, entry FROM affected WHERE advisory = ? ORDER BY seq`, rowid)
	if err != nil {
		return a, err
	}
	defer rows.Close()
	for rows.Next() {
		var eco string
		var entry sql.RawBytes
		if err := rows.Scan(&eco, &entry); err != nil {
			return a, err
		}
		aff, err := decodeEntry(eco, entry)
		if err != nil {
			return a, fmt.Errorf("corrupt record %s: %w", a.ID, err)
		}
		a.Affected = append(a.Affected, aff)
	}
	return a, rows.Err()
}

// Export writes a consistent copy of the database to path (atomically: a
// temporary file beside it, then a rename), for mirroring into an air-gapped
// network; `Open` and `sluice db import` read it back.
func (s *Store) Export(ctx context.Context, path string) error {
	tmp, err := tempPath(path)
	if err != nil {
		return err
	}
	if _, err := s.db.ExecContext(ctx, `VACUUM INTO ?`, tmp); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("export advisory database to %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("export advisory database to %s: %w", path, err)
	}
	return nil
}

// tempPath reserves a unique name beside path for a build.
func tempPath(path string) (string, error) {
	dir, base := splitPath(path)
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return "", fmt.Errorf("create temporary file beside %s: %w", path, err)
	}
	name := f.Name()
	f.Close()
	os.Remove(name) // SQLite and VACUUM INTO want to create it themselves
	return name, nil
}

func splitPath(path string) (dir, base string) {
	i := strings.LastIndexAny(path, `/\`)
	if i < 0 {
		return ".", path
	}
	return path[:i+1], path[i+1:]
}

// Names lists up to limit package names (as indexed) of an ecosystem, in
// name order: for benchmarks and for `sluice db info --packages`.
func (s *Store) Names(ctx context.Context, ecosystem string, limit int) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT package FROM affected WHERE ecosystem = ? ORDER BY package LIMIT ?`, ecosystem, limit)
	if err != nil {
		return nil, fmt.Errorf("list packages of %s: %w", ecosystem, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}
