package compose

// Rules lists every Compose check, sorted by ID.
func Rules() []Rule {
	return []Rule{
		dc001,
		dc002,
		dc003,
		dc004,
		dc005,
		dc006,
		dc007,
		dc008,
		dc009,
		dc010,
	}
}
