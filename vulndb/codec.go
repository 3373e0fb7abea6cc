package vulndb

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"time"
)

// What a lookup reads — an advisory's header (everything but its affected
// entries and details) and each affected entry — is stored in a binary
// form, not JSON: decoding JSON by reflection was the largest single cost of
// a 1,000-package match. A record is a sequence of fields in the order its
// append function writes them; a string is its length as a uvarint then its
// bytes, a list its count then its items, a time a flag (0 for the zero
// time) then Unix seconds (varint) and nanoseconds.

// appendHeader appends the encoded header of v to b.
func appendHeader(b []byte, v *Vulnerability) ([]byte, error) {
	b = appendString(b, v.SchemaVersion)
	b = appendString(b, v.ID)
	for _, t := range []Time{v.Modified, v.Published, v.Withdrawn} {
		b = appendTime(b, t)
	}
	for _, list := range [][]string{v.Aliases, v.Related} {
		b = binary.AppendUvarint(b, uint64(len(list)))
		for _, s := range list {
			b = appendString(b, s)
		}
	}
	b = appendString(b, v.Summary)
	b = binary.AppendUvarint(b, uint64(len(v.Severity)))
	for _, s := range v.Severity {
		b = appendString(appendString(b, s.Type), s.Score)
	}
	b = binary.AppendUvarint(b, uint64(len(v.References)))
	for _, r := range v.References {
		b = appendString(appendString(b, r.Type), r.URL)
	}
	var ds []byte
	if len(v.DatabaseSpecific) > 0 {
		// Marshal checks the object is JSON and compacts it.
		var err error
		if ds, err = json.Marshal(v.DatabaseSpecific); err != nil {
			return nil, err
		}
	}
	return appendString(b, string(ds)), nil
}

func appendString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

func appendTime(b []byte, t Time) []byte {
	if t.IsZero() {
		return append(b, 0)
	}
	b = append(b, 1)
	b = binary.AppendVarint(b, t.Unix())
	return binary.AppendUvarint(b, uint64(t.Nanosecond()))
}

var errCorrupt = errors.New("corrupt record encoding")

// reader decodes a record held in one string, so every string field is a
// substring of it: one allocation for all of them. The first error
// sticks and every later read returns a zero value.
type reader struct {
	s   string
	err error
}

func (r *reader) uvarint() uint64 {
	var n uint64
	for i := 0; i < len(r.s) && i < binary.MaxVarintLen64; i++ {
		c := r.s[i]
		n |= uint64(c&0x7f) << (7 * i)
		if c < 0x80 {
			r.s = r.s[i+1:]
			return n
		}
	}
	r.err = errCorrupt
	return 0
}

// count reads a length, bounded by the bytes left (every item takes at
// least one), so a corrupt length cannot ask for a huge allocation.
func (r *reader) count() int {
	if r.err != nil {
		return 0
	}
	n := r.uvarint()
	if n > uint64(len(r.s)) {
		r.err = errCorrupt
		return 0
	}
	return int(n)
}

func (r *reader) string() string {
	n := r.count()
	s := r.s[:n]
	r.s = r.s[n:]
	return s
}

func (r *reader) strings() []string {
	n := r.count()
	if n == 0 {
		return nil
	}
	out := make([]string, n)
	for i := range out {
		out[i] = r.string()
	}
	return out
}

func (r *reader) time() Time {
	if r.byte() == 0 {
		return Time{}
	}
	u := r.uvarint() // zig-zag, as binary.AppendVarint writes it
	sec := int64(u >> 1)
	if u&1 != 0 {
		sec = ^sec
	}
	nsec := r.uvarint()
	if r.err != nil || nsec >= 1e9 {
		r.err = errCorrupt
		return Time{}
	}
	return Time{time.Unix(sec, int64(nsec)).UTC()}
}

// decodeHeader is the inverse of appendHeader.
func decodeHeader(b []byte) (Vulnerability, error) {
	r := reader{s: string(b)}
	var v Vulnerability
	v.SchemaVersion = r.string()
	v.ID = r.string()
	v.Modified, v.Published, v.Withdrawn = r.time(), r.time(), r.time()
	v.Aliases = r.strings()
	v.Related = r.strings()
	v.Summary = r.string()
	if n := r.count(); n > 0 {
		v.Severity = make([]Severity, n)
		for i := range v.Severity {
			v.Severity[i] = Severity{Type: r.string(), Score: r.string()}
		}
	}
	if n := r.count(); n > 0 {
		v.References = make([]Reference, n)
		for i := range v.References {
			v.References[i] = Reference{Type: r.string(), URL: r.string()}
		}
	}
	if ds := r.string(); ds != "" {
		v.DatabaseSpecific = json.RawMessage(ds)
	}
	return v, r.end()
}

// end reports the first error, or trailing bytes as one.
func (r *reader) end() error {
	if r.err == nil && r.s != "" {
		r.err = errCorrupt
	}
	return r.err
}

// byte reads one byte.
func (r *reader) byte() byte {
	if r.err != nil || r.s == "" {
		r.err = errCorrupt
		return 0
	}
	c := r.s[0]
	r.s = r.s[1:]
	return c
}

// Range types and event kinds of the compact range form.
const (
	rangeEcosystem = 'E'
	rangeSemver    = 'S'
	eventIntro     = 'i'
	eventFixed     = 'f'
	eventLast      = 'l'
	eventLimit     = 'm'
)

// appendEntry appends the stored form of an affected entry, less its
// ecosystem and indexed name (columns of their own). ECOSYSTEM and SEMVER
// ranges, nearly all there are, are stored compact; anything else the
// entry has (GIT ranges, ranges with a repo or database_specific, severity)
// is kept as JSON, decoded only when present.
func appendEntry(b []byte, a *Affected) ([]byte, error) {
	rest := *a
	rest.Package, rest.Ranges, rest.Versions, rest.EcosystemSpecific, rest.DatabaseSpecific = Package{}, nil, nil, nil, nil
	var compact []Range
	for _, r := range a.Ranges {
		if (r.Type == RangeEcosystem || r.Type == RangeSemver) && r.Repo == "" && len(r.DatabaseSpecific) == 0 {
			compact = append(compact, r)
		} else {
			rest.Ranges = append(rest.Ranges, r)
		}
	}
	var data []byte
	if len(rest.Ranges) > 0 || len(rest.Severity) > 0 {
		var err error
		if data, err = json.Marshal(&rest); err != nil {
			return nil, err
		}
	}
	b = appendString(b, a.Package.Name)
	b = appendString(b, a.Package.PURL)
	b = binary.AppendUvarint(b, uint64(len(compact)))
	for _, r := range compact {
		t := byte(rangeEcosystem)
		if r.Type == RangeSemver {
			t = rangeSemver
		}
		b = append(b, t)
		b = binary.AppendUvarint(b, uint64(len(r.Events)))
		for _, e := range r.Events {
			switch {
			case e.Introduced != "":
				b = appendString(append(b, eventIntro), e.Introduced)
			case e.Fixed != "":
				b = appendString(append(b, eventFixed), e.Fixed)
			case e.LastAffected != "":
				b = appendString(append(b, eventLast), e.LastAffected)
			default:
				b = appendString(append(b, eventLimit), e.Limit)
			}
		}
	}
	b = binary.AppendUvarint(b, uint64(len(a.Versions)))
	for _, v := range a.Versions {
		b = appendString(b, v)
	}
	b = appendString(b, string(data))
	b = appendString(b, string(compactJSON(a.EcosystemSpecific)))
	return appendString(b, string(compactJSON(a.DatabaseSpecific))), nil
}

// decodeEntry is the inverse of appendEntry; the ecosystem comes from its
// column.
func decodeEntry(ecosystem string, b []byte) (Affected, error) {
	r := reader{s: string(b)}
	var a Affected
	a.Package = Package{Ecosystem: ecosystem, Name: r.string(), PURL: r.string()}
	if n := r.count(); n > 0 {
		a.Ranges = make([]Range, n)
		for i := range a.Ranges {
			rg := &a.Ranges[i]
			switch r.byte() {
			case rangeEcosystem:
				rg.Type = RangeEcosystem
			case rangeSemver:
				rg.Type = RangeSemver
			default:
				r.err = errCorrupt
			}
			rg.Events = make([]Event, r.count())
			for j := range rg.Events {
				e := &rg.Events[j]
				switch r.byte() {
				case eventIntro:
					e.Introduced = r.string()
				case eventFixed:
					e.Fixed = r.string()
				case eventLast:
					e.LastAffected = r.string()
				case eventLimit:
					e.Limit = r.string()
				default:
					r.err = errCorrupt
				}
			}
		}
	}
	a.Versions = r.strings()
	data, eco, db := r.string(), r.string(), r.string()
	if err := r.end(); err != nil {
		return a, err
	}
	if data != "" {
		var rest Affected
		if err := json.Unmarshal([]byte(data), &rest); err != nil {
			return a, err
		}
		a.Severity = rest.Severity
		a.Ranges = append(a.Ranges, rest.Ranges...)
	}
	if eco != "" {
		a.EcosystemSpecific = json.RawMessage(eco)
	}
	if db != "" {
		a.DatabaseSpecific = json.RawMessage(db)
	}
	return a, nil
}

// compactJSON returns m without insignificant space, or nil when it is
// empty, null or not JSON.
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
