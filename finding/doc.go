// Package finding is the shared result model of sluice: every engine reports
// Findings, every report format renders a Result, and the policy decides over
// them. It is the bottom of the dependency graph and imports nothing of ours.
//
// The JSON shape of Result is the public contract "sluice.report/v1"
// (docs/report-schema.md): fields may be added, none renamed or removed
// without a schema version bump.
package finding
