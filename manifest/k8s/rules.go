package k8s

// Rules lists every K8Sxxx check, sorted by ID. The Pod Security Standards
// checks are not here: they come from the upstream library (see PSSRules).
func Rules() []Rule {
	return []Rule{
		k8s001,
		k8s002,
		k8s003,
		k8s004,
		k8s005,
		k8s006,
		k8s007,
		k8s008,
		k8s009,
		k8s010,
		k8s011,
		k8s012,
	}
}
