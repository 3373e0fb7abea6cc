package debian

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/sluice-dev/sluice/vulndb"
	"github.com/sluice-dev/sluice/vulndb/importer"
)

// List imports the tracker's DSA, DLA and DTSA list files.
type List struct{}

var _ importer.Importer = List{}

// Name implements importer.Importer.
func (List) Name() string { return "debian-list" }

var (
	// [29 Mar 2023] DSA-5380-1 xorg-server - security update
	// [September 9th, 2007] DTSA-57-1 gforge - sql injection
	listHeader = regexp.MustCompile(`^\[([^\]]+)\]\s+((?:DSA|DLA|DTSA)-[0-9]+(?:-[0-9]+)?)\s+(.*)$`)
	// [bullseye] - xorg-server 2:1.20.11-1+deb11u6
	listRelease = regexp.MustCompile(`^\s*\[([a-z-]+)\]\s+-\s+(\S+)\s*(.*)$`)
	listCVEs    = regexp.MustCompile(`^\s*\{([^}]*)\}`)
	ordinal     = regexp.MustCompile(`(\d+)(st|nd|rd|th)`)
)

// Detect accepts a file whose first line is a DSA, DLA or DTSA header.
func (List) Detect(name string, head []byte) bool {
	line, _, _ := bytes.Cut(head, []byte("\n"))
	return listHeader.Match(bytes.TrimSpace(line))
}

// Import converts every entry of a list file. An entry is an advisory; each
// "[release] - package version" line becomes an affected package with an
// ECOSYSTEM range fixed at that version; "<unfixed>" leaves it open;
// "<not-affected>" and "<end-of-life>" add nothing.
func (List) Import(ctx context.Context, f importer.File, emit importer.Emit, skip func(string)) error {
	entries, err := ParseList(f.Data)
	if err != nil {
		return err
	}
	for i := range entries {
		if err := ctx.Err(); err != nil {
			return err
		}
		e := &entries[i]
		if len(e.Affected) == 0 {
			continue // announcements and notices name no package
		}
		src := "debian-" + strings.ToLower(e.ID[:strings.Index(e.ID, "-")])
		if err := emit(src, e); err != nil {
			return err
		}
	}
	return nil
}

// ParseList reads a DSA/DLA/DTSA list file.
func ParseList(data []byte) ([]vulndb.Vulnerability, error) {
	var out []vulndb.Vulnerability
	var cur *vulndb.Vulnerability
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if strings.TrimSpace(line) == "" {
			continue
		}
		if m := listHeader.FindStringSubmatch(line); m != nil {
			out = append(out, vulndb.Vulnerability{ID: m[2]})
			cur = &out[len(out)-1]
			cur.Summary = strings.TrimSpace(m[3])
			if t, err := parseListDate(m[1]); err == nil {
				cur.Published, cur.Modified = vulndb.Time{Time: t}, vulndb.Time{Time: t}
			}
			cur.References = []vulndb.Reference{{Type: "ADVISORY", URL: "https://security-tracker.debian.org/tracker/" + m[2]}}
			continue
		}
		if cur == nil {
			return nil, fmt.Errorf("line %d: %q before the first advisory header", n, line)
		}
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "NOTE:") {
			continue
		}
		if m := listCVEs.FindStringSubmatch(line); m != nil {
			for _, id := range strings.Fields(m[1]) {
				cur.Aliases = append(cur.Aliases, id)
			}
			continue
		}
		if m := listRelease.FindStringSubmatch(line); m != nil {
			eco := Ecosystem(m[1])
			if eco == "" {
				continue // a release name this table does not know
			}
			rest := strings.TrimSpace(m[3])
			fixed, _, _ := strings.Cut(rest, " ")
			var ev []vulndb.Event
			switch {
			case fixed == "<unfixed>":
				ev = []vulndb.Event{{Introduced: "0"}}
			case strings.HasPrefix(fixed, "<"):
				continue // <not-affected>, <end-of-life>, <no-dsa>, ...
			case fixed == "":
				continue
			default:
				ev = []vulndb.Event{{Introduced: "0"}, {Fixed: fixed}}
			}
			cur.Affected = append(cur.Affected, vulndb.Affected{
				Package: vulndb.Package{Ecosystem: eco, Name: m[2], PURL: "pkg:deb/debian/" + m[2]},
				Ranges:  []vulndb.Range{{Type: vulndb.RangeEcosystem, Events: ev}},
			})
			continue
		}
		// Anything else is free text the tracker allows; it carries no data.
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("line %d: %w", n+1, err)
	}
	return out, nil
}

// parseListDate reads "29 Mar 2023" and the older "September 9th, 2007".
func parseListDate(s string) (time.Time, error) {
	s = ordinal.ReplaceAllString(strings.TrimSpace(s), "$1")
	for _, l := range []string{"02 Jan 2006", "2 Jan 2006", "January 2, 2006", "Jan 2, 2006"} {
		if t, err := time.Parse(l, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("date %q", s)
}
