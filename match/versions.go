package match

import "github.com/sluice-dev/sluice/version"

// memoComparer is a version ordering that parses each version string once.
// One match compares the same strings over and over: a package's version
// with every event of every range, and the same fixed versions across the
// advisories of a package and across packages (every binary package of one
// source RPM). Parsing is most of the cost of a comparison (PEP 440 and npm
// parse with regular expressions), so remembering parses makes evaluation
// several times cheaper. Not safe for concurrent use.
type memoComparer struct {
	version.Comparer
	parsed map[string]parseResult
}

type parseResult struct {
	v   version.Version
	err error
}

var _ version.Comparer = (*memoComparer)(nil)

func newMemoComparer(c version.Comparer) *memoComparer {
	return &memoComparer{Comparer: c, parsed: map[string]parseResult{}}
}

// Parse returns the parse of s, from the memo when s was seen before.
func (m *memoComparer) Parse(s string) (version.Version, error) {
	r, ok := m.parsed[s]
	if !ok {
		r.v, r.err = m.Comparer.Parse(s)
		m.parsed[s] = r
	}
	return r.v, r.err
}

func (m *memoComparer) Valid(s string) error {
	_, err := m.Parse(s)
	return err
}

func (m *memoComparer) Compare(a, b string) (int, error) {
	return version.CompareWith(m.Parse, a, b)
}

// orderings hands out one memoComparer per scheme.
type orderings map[string]*memoComparer

// forEcosystem returns the memoised ordering of an ecosystem.
func (o orderings) forEcosystem(ecosystem string) (version.Comparer, error) {
	c, err := version.For(ecosystem)
	if err != nil {
		return nil, err
	}
	m, ok := o[c.Scheme()]
	if !ok {
		m = newMemoComparer(c)
		o[c.Scheme()] = m
	}
	return m, nil
}
