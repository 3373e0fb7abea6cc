package vulndb

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"time"
)

// BuildOptions configure a Builder. The zero value builds a new database.
type BuildOptions struct {
	// Base is an existing database to start from: its sources are kept
	// unless the build re-imports them. Empty starts from nothing.
	Base string
	// Now gives the build time (tests pin it); time.Now by default.
	Now func() time.Time
	// Logger receives debug messages; nil discards them.
	Logger *slog.Logger
}

// Builder writes a database into a temporary file beside its destination;
// Commit renames it into place, Abort removes it. Until Commit, a database
// already at the destination is untouched.
type Builder struct {
	path, tmp string
	db        *sql.DB
	tx        *sql.Tx
	now       time.Time
	log       *slog.Logger
	reset     map[string]bool
	added     int
	header    []byte // reused encoding buffers
	entry     []byte

	find, insAdv, insDetails, insAff, insID *sql.Stmt
}

// Create starts building the database at path.
func Create(ctx context.Context, path string, opts BuildOptions) (_ *Builder, err error) {
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	tmp, err := tempPath(path)
	if err != nil {
		return nil, err
	}
	b := &Builder{path: path, tmp: tmp, now: now().UTC().Truncate(time.Second), log: log, reset: map[string]bool{}}
	defer func() {
		if err != nil {
			b.Abort()
		}
	}()
	fresh := true
	if opts.Base != "" {
		if _, statErr := os.Stat(opts.Base); statErr == nil {
			// Check it is ours and not newer before copying it.
			s, err := Open(ctx, opts.Base)
			if err != nil {
				return nil, err
			}
			s.Close()
			if err := copyFile(opts.Base, tmp); err != nil {
				return nil, err
			}
			fresh = false
		}
	}
	if b.db, err = openDB(tmp, false); err != nil {
		return nil, err
	}
	b.db.SetMaxOpenConns(1)
	for _, p := range []string{"PRAGMA journal_mode = MEMORY", "PRAGMA synchronous = OFF", "PRAGMA cache_size = -65536"} {
		if _, err := b.db.ExecContext(ctx, p); err != nil {
			return nil, fmt.Errorf("build %s: %s: %w", path, p, err)
		}
	}
	if fresh {
		if _, err := b.db.ExecContext(ctx, schema); err != nil {
			return nil, fmt.Errorf("build %s: create schema: %w", path, err)
		}
	}
	if b.tx, err = b.db.BeginTx(ctx, nil); err != nil {
		return nil, fmt.Errorf("build %s: %w", path, err)
	}
	for _, p := range []struct {
		dst **sql.Stmt
		q   string
	}{
		{&b.find, `SELECT rowid FROM advisories WHERE source = ? AND vid = ?`},
		{&b.insAdv, `INSERT INTO advisories (source, vid, modified, withdrawn, header) VALUES (?, ?, ?, ?, ?)`},
		{&b.insDetails, `INSERT INTO details (advisory, text) VALUES (?, ?)`},
		{&b.insAff, `INSERT INTO affected (ecosystem, package, advisory, seq, entry) VALUES (?, ?, ?, ?, ?)`},
		{&b.insID, `INSERT INTO ids (vid, advisory) VALUES (?, ?)`},
	} {
		if *p.dst, err = b.tx.PrepareContext(ctx, p.q); err != nil {
			return nil, fmt.Errorf("build %s: %w", path, err)
		}
	}
	return b, nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return fmt.Errorf("copy %s: %w", src, err)
	}
	return out.Close()
}

// Added is the number of advisories added so far.
func (b *Builder) Added() int { return b.added }

// Add stores one advisory under a source name ("osv:Go", "alpine-secdb:v3.11/main").
// The first Add for a source removes what an earlier build stored for it,
// so re-importing a feed replaces it.
func (b *Builder) Add(ctx context.Context, source string, v *Vulnerability) error {
	if err := v.Validate(); err != nil {
		return fmt.Errorf("%s: %w", source, err)
	}
	if !b.reset[source] {
		for _, q := range []string{
			`DELETE FROM affected WHERE advisory IN (SELECT rowid FROM advisories WHERE source = ?)`,
			`DELETE FROM ids WHERE advisory IN (SELECT rowid FROM advisories WHERE source = ?)`,
			`DELETE FROM details WHERE advisory IN (SELECT rowid FROM advisories WHERE source = ?)`,
			`DELETE FROM advisories WHERE source = ?`,
		} {
			if _, err := b.tx.ExecContext(ctx, q, source); err != nil {
				return fmt.Errorf("replace source %s: %w", source, err)
			}
		}
		b.reset[source] = true
	}
	var old int64
	switch err := b.find.QueryRowContext(ctx, source, v.ID).Scan(&old); err {
	case nil:
		// A feed listing the same ID twice: the later record wins.
		for _, q := range []string{`DELETE FROM affected WHERE advisory = ?`, `DELETE FROM ids WHERE advisory = ?`, `DELETE FROM details WHERE advisory = ?`, `DELETE FROM advisories WHERE rowid = ?`} {
			if _, err := b.tx.ExecContext(ctx, q, old); err != nil {
				return fmt.Errorf("replace %s: %w", v.ID, err)
			}
		}
	case sql.ErrNoRows:
	default:
		return fmt.Errorf("add %s: %w", v.ID, err)
	}
	var err error
	if b.header, err = appendHeader(b.header[:0], v); err != nil {
		return fmt.Errorf("add %s: %w", v.ID, err)
	}
	res, err := b.insAdv.ExecContext(ctx, source, v.ID, formatTime(v.Modified.Time), boolInt(v.IsWithdrawn()), b.header)
	if err != nil {
		return fmt.Errorf("add %s: %w", v.ID, err)
	}
	rowid, err := res.LastInsertId()
	if err != nil {
		return fmt.Errorf("add %s: %w", v.ID, err)
	}
	if _, err := b.insDetails.ExecContext(ctx, rowid, v.Details); err != nil {
		return fmt.Errorf("add %s: %w", v.ID, err)
	}
	for i := range v.Affected {
		a := &v.Affected[i]
		if a.Package.Ecosystem == "" || a.Package.Name == "" {
			continue // purl-only entries cannot be indexed by name
		}
		if b.entry, err = appendEntry(b.entry[:0], a); err != nil {
			return fmt.Errorf("add %s: %w", v.ID, err)
		}
		if _, err := b.insAff.ExecContext(ctx, a.Package.Ecosystem, NormalizeName(a.Package.Ecosystem, a.Package.Name), rowid, i, b.entry); err != nil {
			return fmt.Errorf("add %s: %w", v.ID, err)
		}
	}
	seen := map[string]bool{}
	for _, id := range v.IDs() {
		if id == "" || seen[id] {
			continue
		}
		seen[id] = true
		if _, err := b.insID.ExecContext(ctx, id, rowid); err != nil {
			return fmt.Errorf("add %s: %w", v.ID, err)
		}
	}
	b.added++
	return nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// Commit records the metadata and renames the database into place.
func (b *Builder) Commit(ctx context.Context) error {
	now := formatTime(b.now)
	for src := range b.reset {
		if _, err := b.tx.ExecContext(ctx, `DELETE FROM sources WHERE name = ?`, src); err != nil {
			return b.fail(err)
		}
		if _, err := b.tx.ExecContext(ctx, `INSERT INTO sources (name, records, modified, imported)
			SELECT source, count(*), max(modified), ? FROM advisories WHERE source = ? GROUP BY source`, now, src); err != nil {
			return b.fail(err)
		}
	}
	for _, q := range []string{`DELETE FROM ecosystems`, `INSERT INTO ecosystems SELECT DISTINCT ecosystem FROM affected`} {
		if _, err := b.tx.ExecContext(ctx, q); err != nil {
			return b.fail(err)
		}
	}
	for k, v := range map[string]string{"schema_version": strconv.Itoa(SchemaVersion), "built": now} {
		if _, err := b.tx.ExecContext(ctx, `INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)`, k, v); err != nil {
			return b.fail(err)
		}
	}
	if err := b.tx.Commit(); err != nil {
		return b.fail(err)
	}
	b.tx = nil
	if _, err := b.db.ExecContext(ctx, `PRAGMA optimize`); err != nil {
		return b.fail(err)
	}
	if err := b.db.Close(); err != nil {
		b.db = nil
		return b.fail(err)
	}
	b.db = nil
	if f, err := os.OpenFile(b.tmp, os.O_RDWR, 0); err == nil {
		_ = f.Sync()
		f.Close()
	}
	if err := os.Rename(b.tmp, b.path); err != nil {
		return b.fail(err)
	}
	b.log.Debug("advisory database written", "path", b.path, "advisories", b.added)
	return nil
}

func (b *Builder) fail(err error) error {
	b.Abort()
	return fmt.Errorf("write advisory database %s: %w", b.path, err)
}

// Abort discards the build; the destination is left as it was.
func (b *Builder) Abort() {
	if b.tx != nil {
		_ = b.tx.Rollback()
		b.tx = nil
	}
	if b.db != nil {
		_ = b.db.Close()
		b.db = nil
	}
	for _, suffix := range []string{"", "-journal", "-wal", "-shm"} {
		_ = os.Remove(b.tmp + suffix)
	}
}
