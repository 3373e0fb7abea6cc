package vulndb

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"time"
)

// An advisory's header is everything but its affected entries and details:
// what matching reads for every advisory a lookup returns. It is stored in
// a binary form, not JSON, because decoding JSON headers by reflection was
// the largest single cost of a 1,000-package match. The form is a sequence
// of fields in the order of appendHeader; a string is its length as a
// uvarint then its bytes, a list its count then its items, a time a flag
// (0 for the zero time) then Unix seconds (varint) and nanoseconds.

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

var errCorruptHeader = errors.New("corrupt advisory header")

// headerReader decodes a header held in one string, so every string field
// is a substring of it: one allocation for all of them. The first error
// sticks and every later read returns a zero value.
type headerReader struct {
	s   string
	err error
}

func (r *headerReader) uvarint() uint64 {
	var n uint64
	for i := 0; i < len(r.s) && i < binary.MaxVarintLen64; i++ {
		c := r.s[i]
		n |= uint64(c&0x7f) << (7 * i)
		if c < 0x80 {
			r.s = r.s[i+1:]
			return n
		}
	}
	r.err = errCorruptHeader
	return 0
}

// count reads a length, bounded by the bytes left (every item takes at
// least one), so a corrupt length cannot ask for a huge allocation.
func (r *headerReader) count() int {
	if r.err != nil {
		return 0
	}
	n := r.uvarint()
	if n > uint64(len(r.s)) {
		r.err = errCorruptHeader
		return 0
	}
	return int(n)
}

func (r *headerReader) string() string {
	n := r.count()
	s := r.s[:n]
	r.s = r.s[n:]
	return s
}

func (r *headerReader) strings() []string {
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

func (r *headerReader) time() Time {
	if r.err != nil || r.s == "" {
		r.err = errCorruptHeader
		return Time{}
	}
	set := r.s[0]
	r.s = r.s[1:]
	if set == 0 {
		return Time{}
	}
	u := r.uvarint() // zig-zag, as binary.AppendVarint writes it
	sec := int64(u >> 1)
	if u&1 != 0 {
		sec = ^sec
	}
	nsec := r.uvarint()
	if r.err != nil || nsec >= 1e9 {
		r.err = errCorruptHeader
		return Time{}
	}
	return Time{time.Unix(sec, int64(nsec)).UTC()}
}

// decodeHeader is the inverse of appendHeader.
func decodeHeader(b []byte) (Vulnerability, error) {
	r := headerReader{s: string(b)}
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
	if r.err == nil && r.s != "" {
		r.err = errCorruptHeader
	}
	return v, r.err
}
