package audit

// Rules lists every image check, sorted by ID.
func Rules() []Rule {
	return []Rule{
		aud001,
		aud002,
		aud003,
		aud004,
		aud005,
		aud006,
		aud007,
		aud008,
		aud009,
		aud010,
		aud011,
	}
}
