package python

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"path"

	"github.com/sluice-dev/sluice/analysis"
	"github.com/sluice-dev/sluice/internal/safeio"
	"github.com/sluice-dev/sluice/inventory"
)

// FilesType is the Type of the placeholder packages that carry the file
// list of a *.dist-info/RECORD until Finish merges it into its package.
const FilesType = "python-files"

// parseRecord reads a wheel RECORD (CSV: path, hash, size; paths relative to
// the site-packages directory, "../../../bin/x" for scripts;
// https://packaging.python.org/specifications/recording-installed-packages/)
// into in-root paths. Entries that climb out of the root are dropped.
func parseRecord(in *analysis.Input, data []byte) (inventory.Package, error) {
	distInfo := path.Dir(in.Path)
	site := path.Dir(distInfo)
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	count := safeio.Counter{What: "RECORD entries", Max: safeio.MaxEntries}
	var files []string
	var err error
	for {
		rec, rerr := r.Read()
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			var pe *csv.ParseError
			if errors.As(rerr, &pe) {
				err = rerr
				break
			}
			return inventory.Package{}, rerr
		}
		if cerr := count.Inc(); cerr != nil {
			err = cerr
			break
		}
		if len(rec) == 0 || rec[0] == "" {
			continue
		}
		if p, cerr := safeio.CleanPath(path.Join(site, rec[0])); cerr == nil && p != "" && !path.IsAbs(rec[0]) {
			files = append(files, p)
		}
	}
	return inventory.Package{Name: distInfo, Type: FilesType, Cataloger: Name, Files: files,
		Locations: []inventory.Location{in.Location()}}, err
}

// Finish implements analysis.Finisher: it moves each RECORD's files into
// the package whose METADATA sits in the same *.dist-info directory and
// drops the placeholders.
func (c *Cataloger) Finish(inv *inventory.Inventory) {
	lists := map[string][]string{}
	kept := inv.Packages[:0]
	for _, p := range inv.Packages {
		if p.Cataloger == Name && p.Type == FilesType {
			lists[p.Name] = p.Files
			continue
		}
		kept = append(kept, p)
	}
	inv.Packages = kept
	if len(lists) == 0 {
		return
	}
	for i := range inv.Packages {
		p := &inv.Packages[i]
		if p.Cataloger != Name || p.Type != "python" || len(p.Locations) == 0 {
			continue
		}
		if files, ok := lists[path.Dir(p.Locations[0].Path)]; ok {
			p.Files = files
		}
	}
}
