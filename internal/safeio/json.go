package safeio

// CheckJSONDepth refuses JSON nested deeper than max, before a decoder
// recurses into it. It scans the bytes once, skipping string contents, and
// does not validate the JSON otherwise: the decoder that follows does that.
func CheckJSONDepth(b []byte, max int) error {
	depth := 0
	inString, escaped := false, false
	for _, c := range b {
		if inString {
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '{', '[':
			depth++
			if depth > max {
				return &LimitError{What: "JSON nesting depth", Limit: int64(max)}
			}
		case '}', ']':
			depth--
		}
	}
	return nil
}
