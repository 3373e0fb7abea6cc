package secrets

// keywordMatcher finds every occurrence of a set of keywords in a text, ASCII
// case-insensitively, in one pass: an Aho-Corasick automaton compiled into a
// full DFA over byte classes. Bytes that occur in no keyword share one class,
// so the table stays small (states x classes) and the inner loop is one table
// lookup per byte.
type keywordMatcher struct {
	class   [256]uint16 // byte -> class (lower-cased)
	nclass  int
	delta   []int32   // state*nclass+class -> next state*nclass; negative = state with outputs
	outputs [][]int32 // state -> keyword indexes ending here (incl. suffixes)
	lens    []int     // keyword index -> length in bytes
	empty   bool
}

func lowerASCII(b byte) byte {
	if 'A' <= b && b <= 'Z' {
		return b + ('a' - 'A')
	}
	return b
}

// newKeywordMatcher builds the automaton. Empty keywords are ignored.
func newKeywordMatcher(keywords []string) *keywordMatcher {
	m := &keywordMatcher{lens: make([]int, len(keywords))}
	// Byte classes: one per distinct (lower-cased) byte used by a keyword, plus class 0.
	var used [256]bool
	for _, k := range keywords {
		for i := 0; i < len(k); i++ {
			used[lowerASCII(k[i])] = true
		}
	}
	m.nclass = 1
	var classOf [256]uint16
	for b := 0; b < 256; b++ {
		if used[b] {
			classOf[b] = uint16(m.nclass)
			m.nclass++
		}
	}
	for b := 0; b < 256; b++ {
		m.class[b] = classOf[lowerASCII(byte(b))]
	}

	// Trie with goto transitions (-1 = none).
	type node struct {
		next []int32
		out  []int32
		fail int32
	}
	newNode := func() node {
		n := node{next: make([]int32, m.nclass)}
		for i := range n.next {
			n.next[i] = -1
		}
		return n
	}
	nodes := []node{newNode()}
	any := false
	for ki, k := range keywords {
		m.lens[ki] = len(k)
		if k == "" {
			continue
		}
		any = true
		s := int32(0)
		for i := 0; i < len(k); i++ {
			c := m.class[k[i]]
			if nodes[s].next[c] < 0 {
				nodes = append(nodes, newNode())
				nodes[s].next[c] = int32(len(nodes) - 1)
			}
			s = nodes[s].next[c]
		}
		nodes[s].out = append(nodes[s].out, int32(ki))
	}
	m.empty = !any
	// BFS to compute failure links and complete the DFA.
	queue := make([]int32, 0, len(nodes))
	for c := 0; c < m.nclass; c++ {
		if t := nodes[0].next[c]; t >= 0 {
			nodes[t].fail = 0
			queue = append(queue, t)
		} else {
			nodes[0].next[c] = 0
		}
	}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		f := nodes[s].fail
		nodes[s].out = append(nodes[s].out, nodes[f].out...)
		for c := 0; c < m.nclass; c++ {
			if t := nodes[s].next[c]; t >= 0 {
				nodes[t].fail = nodes[f].next[c]
				queue = append(queue, t)
			} else {
				nodes[s].next[c] = nodes[f].next[c]
			}
		}
	}
	m.delta = make([]int32, len(nodes)*m.nclass)
	m.outputs = make([][]int32, len(nodes))
	for s := range nodes {
		m.outputs[s] = nodes[s].out
		for c := 0; c < m.nclass; c++ {
			t := nodes[s].next[c]
			v := t * int32(m.nclass)
			if len(nodes[t].out) > 0 {
				v = -v - 1
			}
			m.delta[s*m.nclass+c] = v
		}
	}
	return m
}

// scan calls hit(keyword, end) for every occurrence of every keyword in text,
// end being the offset just past the occurrence, in increasing end order.
func (m *keywordMatcher) scan(text []byte, hit func(kw int32, end int)) {
	if m.empty {
		return
	}
	delta, class := m.delta, &m.class
	s := int32(0)
	for i, b := range text {
		s = delta[s+int32(class[b])]
		if s < 0 {
			s = -s - 1
			for _, kw := range m.outputs[s/int32(m.nclass)] {
				hit(kw, i+1)
			}
		}
	}
}
