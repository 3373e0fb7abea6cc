package match

import (
	"slices"
	"strings"

	"github.com/sluice-dev/sluice/version"
	"github.com/sluice-dev/sluice/vulndb"
)

// verdict is the outcome of evaluating one affected entry.
type verdict struct {
	affected bool
	// why names the deciding range or list entry.
	why string
	// fixed lists the fix versions above the package's version.
	fixed []string
}

// evaluate decides whether version v is affected by an OSV affected entry,
// exactly as the OSV schema specifies: the "versions" list, then every
// ECOSYSTEM or SEMVER range (GIT ranges name commits and are ignored).
// eco is the ordering of the package's ecosystem, semver that of SEMVER
// ranges in ecosystems that order versions otherwise.
func evaluate(a *vulndb.Affected, v string, eco, semver version.Comparer) (verdict, error) {
	var out verdict
	var firstErr error
	rangeWhy := false
	for _, lv := range a.Versions {
		if lv == v {
			out.affected = true
			out.why = "version " + v + " is listed in the advisory's affected versions"
		}
	}
	for i := range a.Ranges {
		r := &a.Ranges[i]
		var c version.Comparer
		switch r.Type {
		case vulndb.RangeEcosystem:
			c = eco
		case vulndb.RangeSemver:
			if eco.Scheme() == "go" || eco.Scheme() == "semver" {
				c = eco
			} else {
				c = semver
			}
		default:
			continue
		}
		in, why, fixed, err := inRange(r, v, c)
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		out.fixed = append(out.fixed, fixed...)
		if in && (!out.affected || !rangeWhy) {
			// A range names the interval and its fix: better evidence
			// than the versions list, which OSV feeds often also carry.
			out.affected, out.why, rangeWhy = true, why, true
		}
	}
	if !out.affected && firstErr != nil {
		return out, firstErr
	}
	return out, nil
}

// inRange applies the OSV evaluation algorithm to one range (v has been
// validated by the caller): sort the events
// by version ("0" first), then walk them: introduced at or below v makes it
// vulnerable, fixed at or below v or last_affected below v makes it not;
// limit events, if any, bound the range above.
func inRange(r *vulndb.Range, v string, c version.Comparer) (in bool, why string, fixed []string, err error) {
	type ev struct {
		kind, ver string
	}
	var evs []ev
	var limits []string
	for _, e := range r.Events {
		switch {
		case e.Introduced != "":
			evs = append(evs, ev{"introduced", e.Introduced})
		case e.Fixed != "":
			evs = append(evs, ev{"fixed", e.Fixed})
		case e.LastAffected != "":
			evs = append(evs, ev{"last_affected", e.LastAffected})
		case e.Limit != "":
			limits = append(limits, e.Limit)
		}
	}
	var sortErr error
	slices.SortStableFunc(evs, func(a, b ev) int {
		switch {
		case a.ver == b.ver:
			return 0
		case a.ver == "0" && a.kind == "introduced":
			return -1
		case b.ver == "0" && b.kind == "introduced":
			return 1
		}
		n, err := c.Compare(a.ver, b.ver)
		if err != nil && sortErr == nil {
			sortErr = err
		}
		return n
	})
	if sortErr != nil {
		return false, "", nil, sortErr
	}
	var cmpErr error
	cmpV := func(x string) int { // v compared with x
		if x == "0" {
			return 1
		}
		n, err := c.Compare(v, x)
		if err != nil && cmpErr == nil {
			cmpErr = err
		}
		return n
	}
	vulnerable := false
	start := -1
	for i, e := range evs {
		switch e.kind {
		case "introduced":
			if cmpV(e.ver) >= 0 {
				vulnerable, start = true, i
			}
		case "fixed":
			if cmpV(e.ver) >= 0 {
				vulnerable = false
			}
		case "last_affected":
			if cmpV(e.ver) > 0 {
				vulnerable = false
			}
		}
	}
	if vulnerable && len(limits) > 0 {
		below := false
		for _, l := range limits {
			if l == "*" || cmpV(l) < 0 {
				below = true
			}
		}
		vulnerable = below
	}
	if cmpErr != nil {
		return false, "", nil, cmpErr
	}
	if !vulnerable {
		return false, "", fixed, nil
	}
	// Describe the interval that holds v: its introduced event and the next
	// closing event.
	parts := []string{"introduced " + evs[start].ver}
	for _, e := range evs[start+1:] {
		if e.kind == "fixed" || e.kind == "last_affected" {
			parts = append(parts, e.kind+" "+e.ver)
			if e.kind == "fixed" {
				fixed = append(fixed, e.ver)
			}
			break
		}
	}
	if len(parts) == 1 {
		parts = append(parts, "no fix")
	}
	return true, r.Type + " range " + strings.Join(parts, ", "), fixed, nil
}
