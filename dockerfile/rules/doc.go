// Package rules holds the Dockerfile lint rules, one file per rule named by
// its ID, and All, the list of every rule. DL rules carry hadolint's IDs,
// meanings and default severities (error is high, warning medium, info low,
// style info) so hadolint pragmas and configuration keep working; SL rules
// are sluice's own security checks.
package rules
