package vulndb

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
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
// headers in a binary form (header.go), details in their own table and the
// list of ecosystems.
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
CREATE TABLE affected (
	advisory INTEGER NOT NULL,
	ecosystem TEXT NOT NULL,
	package TEXT NOT NULL,
	name TEXT NOT NULL,      -- package name as the feed wrote it
	purl TEXT NOT NULL,
	ranges TEXT NOT NULL,    -- ECOSYSTEM/SEMVER ranges, compact (see encodeRanges)
	data BLOB,               -- the rest of the entry (severity, GIT ranges, ...), JSON, or NULL
	versions TEXT NOT NULL,  -- its versions list, one per line
	eco_specific BLOB,       -- ecosystem_specific, raw JSON
	db_specific BLOB         -- database_specific, raw JSON
);
CREATE INDEX affected_package ON affected (ecosystem, package);
CREATE INDEX affected_advisory ON affected (advisory);
CREATE TABLE ids (vid TEXT NOT NULL, advisory INTEGER NOT NULL);
CREATE INDEX ids_vid ON ids (vid);
CREATE INDEX ids_advisory ON ids (advisory);
-- Every ecosystem of an affected entry, written at commit, so telling
-- whether a release has data does not scan the affected index.
CREATE TABLE ecosystems (name TEXT PRIMARY KEY);
`

// openDB opens a SQLite file without registering a global driver name.
func openDB(path string, readOnly bool) (*sql.DB, error) {
	q := url.Values{}
	if readOnly {
		q.Set("mode", "ro")
	}
	q.Add("_pragma", "busy_timeout(5000)")
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
		// The header comes with each affected row, so one query reads
		// everything: the advisory row is visited for the join anyway.
		q := `SELECT a.rowid, a.source, a.header, f.package, f.ecosystem, f.name, f.purl, f.ranges, f.data, f.versions, f.eco_specific, f.db_specific
			FROM affected f JOIN advisories a ON a.rowid = f.advisory
			WHERE f.ecosystem = ? AND f.package IN (?` + strings.Repeat(", ?", len(batch)-1) + `)`
		rows, err := s.db.QueryContext(ctx, q, args...)
		if err != nil {
			return nil, fmt.Errorf("look up %d packages of %s: %w", len(batch), ecosystem, err)
		}
		m, err := scanAdvisories(rows)
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

// scanAdvisories reads lookup rows, grouped by indexed package name. Each
// advisory's header is decoded once, however many of its affected entries
// the rows hold.
func scanAdvisories(rows *sql.Rows) (map[string][]Advisory, error) {
	defer rows.Close()
	out := map[string][]Advisory{}
	headers := map[int64]Vulnerability{}
	type slot struct {
		pkg   string
		rowid int64
	}
	at := map[slot]int{} // index in out[pkg]
	for rows.Next() {
		var rowid int64
		var src, pkg string
		var header sql.RawBytes // decoded at most once, never kept
		var r affectedRow
		if err := rows.Scan(&rowid, &src, &header, &pkg, &r.eco_, &r.name, &r.purl, &r.ranges, &r.data, &r.versions, &r.eco, &r.db); err != nil {
			return nil, err
		}
		aff, err := r.decode()
		if err != nil {
			return nil, fmt.Errorf("corrupt record %d: %w", rowid, err)
		}
		if i, ok := at[slot{pkg, rowid}]; ok {
			out[pkg][i].Affected = append(out[pkg][i].Affected, aff)
			continue
		}
		h, ok := headers[rowid]
		if !ok {
			if h, err = decodeHeader(header); err != nil {
				return nil, fmt.Errorf("corrupt record %d: %w", rowid, err)
			}
			headers[rowid] = h
		}
		h.Affected = []Affected{aff}
		at[slot{pkg, rowid}] = len(out[pkg])
		out[pkg] = append(out[pkg], Advisory{Source: src, Vulnerability: h})
	}
	if err := rows.Err(); err != nil {
		return nil, err
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
	rows, err := s.db.QueryContext(ctx, `SELECT a.rowid, a.source, a.header, d.text FROM ids i JOIN advisories a ON a.rowid = i.advisory
		JOIN details d ON d.advisory = a.rowid WHERE i.vid = ? ORDER BY a.source, a.vid`, id)
	if err != nil {
		return nil, fmt.Errorf("get %s: %w", id, err)
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
			return nil, err
		}
		rs = append(rs, r)
	}
	rows.Close()
	var out []Advisory
	for _, r := range rs {
		a, err := s.full(ctx, r.id, r.source, r.header, r.details)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// full rebuilds an advisory with every affected entry.
func (s *Store) full(ctx context.Context, rowid int64, source string, header []byte, details string) (Advisory, error) {
	v, err := decodeHeader(header)
	if err != nil {
		return Advisory{}, fmt.Errorf("corrupt record %d: %w", rowid, err)
	}
	a := Advisory{Source: source, Vulnerability: v}
	a.Details = details
	rows, err := s.db.QueryContext(ctx, `SELECT ecosystem, name, purl, ranges, data, versions, eco_specific, db_specific FROM affected WHERE advisory = ? ORDER BY rowid`, rowid)
	if err != nil {
		return a, err
	}
	defer rows.Close()
	for rows.Next() {
		var r affectedRow
		if err := rows.Scan(&r.eco_, &r.name, &r.purl, &r.ranges, &r.data, &r.versions, &r.eco, &r.db); err != nil {
			return a, err
		}
		aff, err := r.decode()
		if err != nil {
			return a, fmt.Errorf("corrupt record %s: %w", a.ID, err)
		}
		a.Affected = append(a.Affected, aff)
	}
	return a, rows.Err()
}

// All calls fn for every advisory in the database, complete, in source and
// ID order.
func (s *Store) All(ctx context.Context, fn func(Advisory) error) error {
	rows, err := s.db.QueryContext(ctx, `SELECT a.rowid, a.source, a.header, d.text FROM advisories a JOIN details d ON d.advisory = a.rowid ORDER BY a.source, a.vid`)
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

// affectedRow is an affected entry as stored: package and ranges in plain
// columns that decode without a JSON parser, the versions list as lines, the
// rest as JSON only when there is any, and the two free-form objects as raw
// bytes that the lookup path never parses.
type affectedRow struct {
	eco_, name, purl, ranges string
	data                     []byte
	versions                 string
	eco, db                  []byte
}

func (r *affectedRow) decode() (Affected, error) {
	var a Affected
	if len(r.data) > 0 {
		if err := json.Unmarshal(r.data, &a); err != nil {
			return a, err
		}
	}
	a.Package = Package{Ecosystem: r.eco_, Name: r.name, PURL: r.purl}
	rs, err := decodeRanges(r.ranges)
	if err != nil {
		return a, err
	}
	a.Ranges = append(rs, a.Ranges...)
	if r.versions != "" {
		a.Versions = strings.Split(r.versions, "\n")
	}
	if len(r.eco) > 0 {
		a.EcosystemSpecific = json.RawMessage(r.eco)
	}
	if len(r.db) > 0 {
		a.DatabaseSpecific = json.RawMessage(r.db)
	}
	return a, nil
}

// encodeAffected splits an affected entry into its stored columns.
func encodeAffected(a *Affected) (ranges string, data []byte, versions string, eco, db []byte, err error) {
	rest := *a
	rest.Package, rest.Ranges, rest.Versions, rest.EcosystemSpecific, rest.DatabaseSpecific = Package{}, nil, nil, nil, nil
	var compact []Range
	for _, r := range a.Ranges {
		if (r.Type == RangeEcosystem || r.Type == RangeSemver) && r.Repo == "" && len(r.DatabaseSpecific) == 0 && compactable(r) {
			compact = append(compact, r)
		} else {
			rest.Ranges = append(rest.Ranges, r)
		}
	}
	if len(rest.Ranges) > 0 || len(rest.Severity) > 0 {
		if data, err = json.Marshal(&rest); err != nil {
			return "", nil, "", nil, nil, err
		}
	}
	for _, v := range a.Versions {
		if strings.Contains(v, "\n") {
			return "", nil, "", nil, nil, &ValidationError{Msg: fmt.Sprintf("version %q contains a newline", v)}
		}
	}
	return encodeRanges(compact), data, strings.Join(a.Versions, "\n"), compactJSON(a.EcosystemSpecific), compactJSON(a.DatabaseSpecific), nil
}

// The compact range form: one range per line, "TYPE" then for each event a
// tab and "i=", "f=", "l=" or "m=" (limit) with the version.
func compactable(r Range) bool {
	for _, e := range r.Events {
		for _, v := range []string{e.Introduced, e.Fixed, e.LastAffected, e.Limit} {
			if strings.ContainsAny(v, "\t\n") {
				return false
			}
		}
	}
	return true
}

func encodeRanges(rs []Range) string {
	var b strings.Builder
	for i, r := range rs {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(r.Type)
		for _, e := range r.Events {
			switch {
			case e.Introduced != "":
				b.WriteString("\ti=" + e.Introduced)
			case e.Fixed != "":
				b.WriteString("\tf=" + e.Fixed)
			case e.LastAffected != "":
				b.WriteString("\tl=" + e.LastAffected)
			case e.Limit != "":
				b.WriteString("\tm=" + e.Limit)
			}
		}
	}
	return b.String()
}

func decodeRanges(s string) ([]Range, error) {
	if s == "" {
		return nil, nil
	}
	lines := strings.Split(s, "\n")
	out := make([]Range, 0, len(lines))
	for _, line := range lines {
		fields := strings.Split(line, "\t")
		r := Range{Type: fields[0], Events: make([]Event, 0, len(fields)-1)}
		for _, f := range fields[1:] {
			if len(f) < 2 || f[1] != '=' {
				return nil, fmt.Errorf("bad range event %q", f)
			}
			v := f[2:]
			switch f[0] {
			case 'i':
				r.Events = append(r.Events, Event{Introduced: v})
			case 'f':
				r.Events = append(r.Events, Event{Fixed: v})
			case 'l':
				r.Events = append(r.Events, Event{LastAffected: v})
			case 'm':
				r.Events = append(r.Events, Event{Limit: v})
			default:
				return nil, fmt.Errorf("bad range event %q", f)
			}
		}
		out = append(out, r)
	}
	return out, nil
}

func compactJSON(m json.RawMessage) []byte {
	if len(m) == 0 || string(m) == "null" {
		return nil
	}
	var b bytes.Buffer
	if json.Compact(&b, m) != nil {
		return nil
	}
	return b.Bytes()
}
