package ecs

// Rules lists every ECS check, sorted by ID.
func Rules() []Rule {
	return []Rule{
		ecs001,
		ecs002,
		ecs003,
		ecs004,
		ecs005,
		ecs006,
		ecs007,
		ecs008,
		ecs009,
		ecs010,
		ecs011,
	}
}
