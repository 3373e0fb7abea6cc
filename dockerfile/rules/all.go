package rules

import "github.com/sluice-dev/sluice/dockerfile"

// All returns every rule, sorted by ID: the hadolint-compatible DL rules,
// then sluice's own SL security rules. Callers pass it (or a subset) to
// dockerfile.Lint.
func All() []dockerfile.Rule {
	return []dockerfile.Rule{
		dl1000,
		dl1001,
		dl3000,
		dl3001,
		dl3002,
		dl3003,
		dl3004,
		dl3006,
		dl3007,
		dl3008,
		dl3009,
		dl3010,
		dl3011,
		dl3012,
		dl3013,
		dl3014,
		dl3015,
		dl3016,
		dl3018,
		dl3019,
		dl3020,
		dl3021,
		dl3022,
		dl3023,
		dl3024,
		dl3025,
		dl3026,
		dl3027,
		dl3028,
		dl3029,
		dl3030,
	}
}
