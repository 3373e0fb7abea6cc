// Package java catalogs Java archives (jar, war, ear and Jenkins plugins):
// each META-INF/maven/<group>/<artifact>/pom.properties is a Maven package
// (shaded jars carry several), and an archive without one is described from
// META-INF/MANIFEST.MF and its file name. Nested archives (WEB-INF/lib/,
// BOOT-INF/lib/, an ear's modules) are opened in memory, to a bounded depth,
// entry count, size and compression ratio, so a zip bomb costs a note, not
// the scan. A nested archive's location is "outer.war!/WEB-INF/lib/x.jar",
// as in Java's jar: URLs.
//
// Formats: https://docs.oracle.com/en/java/javase/21/docs/specs/jar/jar.html
// (manifest), Maven's pom.properties written by maven-archiver.
package java

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/package-url/packageurl-go"
	"github.com/sluice-dev/sluice/analysis"
	"github.com/sluice-dev/sluice/internal/safeio"
	"github.com/sluice-dev/sluice/inventory"
)

// Name is the cataloger's name.
const Name = "java-archive"

// Limits, per outer archive.
const (
	MaxArchive      = 1 << 30   // an outer archive
	MaxNested       = 256 << 20 // one nested archive, read into memory
	MaxMetadata     = 1 << 20   // a manifest or pom.properties
	MaxDepth        = 4         // archives inside archives
	MaxEntries      = 200_000   // entries over all nesting levels
	MaxDecompressed = 2 << 30   // bytes inflated over all nesting levels
	MaxRatio        = 200       // uncompressed bytes per compressed byte of one entry
)

// Cataloger reads Java archives.
type Cataloger struct{}

var _ analysis.Analyzer = (*Cataloger)(nil)

// New returns the Java archive cataloger.
func New() *Cataloger { return &Cataloger{} }

// Name implements analysis.Analyzer.
func (*Cataloger) Name() string { return Name }

// Version implements analysis.Analyzer.
func (*Cataloger) Version() int { return 1 }

var archiveExts = []string{".jar", ".war", ".ear", ".jpi", ".hpi", ".par", ".sar", ".rar", ".kar"}

func isArchive(name string) bool {
	n := strings.ToLower(name)
	for _, e := range archiveExts {
		if strings.HasSuffix(n, e) {
			return true
		}
	}
	return false
}

// Wants implements analysis.Analyzer.
func (*Cataloger) Wants(p string, mode fs.FileMode, size int64) bool {
	return mode&fs.ModeType == 0 && size > 0 && size <= MaxArchive && isArchive(path.Base(p))
}

// walker carries the budgets shared by an archive and its nested archives.
type walker struct {
	ctx     context.Context
	entries safeio.Counter
	inflate int64
	res     *analysis.Result
	loc     inventory.Location
}

// Analyze implements analysis.Analyzer.
func (c *Cataloger) Analyze(ctx context.Context, in *analysis.Input) (*analysis.Result, error) {
	w := &walker{ctx: ctx, entries: safeio.Counter{What: "archive entries", Max: MaxEntries},
		res: &analysis.Result{}, loc: in.Location()}
	if err := w.archive(in.Content, in.Size, in.Path, 0); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		w.res.Notes = append(w.res.Notes, err.Error())
	}
	return w.res, nil
}

func (w *walker) archive(r io.ReaderAt, size int64, name string, depth int) error {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return fmt.Errorf("%s: open archive: %w", name, err)
	}
	var (
		manifest []byte
		poms     []map[string]string
		nested   []*zip.File
	)
	for _, f := range zr.File {
		if err := w.ctx.Err(); err != nil {
			return err
		}
		if err := w.entries.Inc(); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		switch {
		case strings.EqualFold(f.Name, "META-INF/MANIFEST.MF"):
			if manifest, err = w.read(f, MaxMetadata); err != nil {
				w.note(name, f.Name, err)
			}
		case strings.HasPrefix(f.Name, "META-INF/maven/") && strings.HasSuffix(f.Name, "/pom.properties"):
			data, err := w.read(f, MaxMetadata)
			if err != nil {
				w.note(name, f.Name, err)
				continue
			}
			poms = append(poms, parseProperties(data))
		case isArchive(f.Name) && !strings.HasSuffix(f.Name, "/"):
			nested = append(nested, f)
		}
	}
	w.emit(name, manifest, poms)
	for _, f := range nested {
		inner := name + "!/" + f.Name
		if depth+1 > MaxDepth {
			w.res.Notes = append(w.res.Notes, fmt.Sprintf("%s: nested deeper than %d archives, not opened", inner, MaxDepth))
			continue
		}
		data, err := w.read(f, MaxNested)
		if err != nil {
			w.note(name, f.Name, err)
			continue
		}
		if err := w.archive(bytes.NewReader(data), int64(len(data)), inner, depth+1); err != nil {
			if w.ctx.Err() != nil {
				return w.ctx.Err()
			}
			w.res.Notes = append(w.res.Notes, err.Error())
		}
	}
	return nil
}

func (w *walker) note(archive, entry string, err error) {
	w.res.Notes = append(w.res.Notes, fmt.Sprintf("%s!/%s: %v", archive, entry, err))
}

// read inflates one entry within the entry's size limit, the ratio limit
// and the walk's total budget.
func (w *walker) read(f *zip.File, max int64) ([]byte, error) {
	if f.UncompressedSize64 > uint64(max) {
		return nil, &safeio.LimitError{What: "entry size", Limit: max}
	}
	if f.Method != zip.Store && f.UncompressedSize64 > MaxRatio*f.CompressedSize64+(1<<20) {
		return nil, &safeio.LimitError{What: "compression ratio", Limit: MaxRatio}
	}
	left := MaxDecompressed - w.inflate
	if left <= 0 {
		return nil, &safeio.LimitError{What: "decompressed bytes", Limit: MaxDecompressed}
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	data, err := safeio.ReadAll(rc, min(max, left), "entry size")
	w.inflate += int64(len(data))
	return data, err
}

// emit adds the packages one archive declares.
func (w *walker) emit(name string, manifest []byte, poms []map[string]string) {
	mf := parseManifest(manifest)
	lic := mf["Bundle-License"]
	if strings.Contains(lic, "://") {
		lic = "" // a URL to a licence text, not a licence name
	}
	loc := w.loc
	loc.Path = name
	add := func(group, artifact, version string) {
		if artifact == "" || version == "" {
			return
		}
		n := artifact
		if group != "" {
			n = group + ":" + artifact
		}
		p := inventory.Package{
			Name: n, Version: version, Ecosystem: inventory.Maven, Type: "java-archive",
			PURL: PURL(group, artifact, version), Locations: []inventory.Location{loc}, Cataloger: Name,
		}
		if lic != "" {
			p.Licenses = []string{lic}
		}
		w.res.Packages = append(w.res.Packages, p)
	}
	sort.Slice(poms, func(i, j int) bool {
		return poms[i]["groupId"]+":"+poms[i]["artifactId"] < poms[j]["groupId"]+":"+poms[j]["artifactId"]
	})
	seen := map[string]bool{}
	for _, p := range poms {
		key := p["groupId"] + ":" + p["artifactId"] + "@" + p["version"]
		if seen[key] {
			continue
		}
		seen[key] = true
		add(p["groupId"], p["artifactId"], p["version"])
	}
	if len(poms) > 0 {
		return
	}
	artifact, version := splitFileName(path.Base(name))
	if v := firstOf(mf, "Implementation-Version", "Bundle-Version", "Specification-Version"); version == "" {
		version = v
	}
	add(mf["Implementation-Vendor-Id"], artifact, version)
}

func firstOf(m map[string]string, keys ...string) string {
	for _, k := range keys {
		if v := m[k]; v != "" {
			return v
		}
	}
	return ""
}

// splitFileName splits "commons-lang3-3.12.0.jar" into "commons-lang3" and
// "3.12.0" at the last "-" followed by a digit ("log4j-1.2-api-2.17.1.jar"
// is log4j-1.2-api 2.17.1); "commons-lang3.jar" gives no version.
func splitFileName(base string) (artifact, version string) {
	stem := strings.TrimSuffix(base, path.Ext(base))
	for i := len(stem) - 2; i > 0; i-- {
		if stem[i] == '-' && stem[i+1] >= '0' && stem[i+1] <= '9' {
			return stem[:i], stem[i+1:]
		}
	}
	return stem, ""
}

// parseProperties reads java.util.Properties "key=value" / "key: value"
// lines (the subset maven-archiver writes).
func parseProperties(data []byte) map[string]string {
	m := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, MaxMetadata)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' || line[0] == '!' {
			continue
		}
		i := strings.IndexAny(line, "=:")
		if i < 0 {
			continue
		}
		m[strings.TrimSpace(line[:i])] = strings.TrimSpace(line[i+1:])
	}
	return m
}

// parseManifest reads the main section of a manifest: "Name: value" lines,
// continued by lines starting with one space, ending at the first blank line.
func parseManifest(data []byte) map[string]string {
	m := map[string]string{}
	var last string
	for _, line := range strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n") {
		if line == "" {
			break
		}
		if line[0] == ' ' {
			if last != "" {
				m[last] += line[1:]
			}
			continue
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			last = ""
			continue
		}
		last = strings.TrimSpace(k)
		m[last] = strings.TrimSpace(v)
	}
	return m
}

// PURL returns pkg:maven/<group>/<artifact>@version.
func PURL(group, artifact, version string) string {
	return packageurl.NewPackageURL(packageurl.TypeMaven, group, artifact, version, nil, "").ToString()
}
