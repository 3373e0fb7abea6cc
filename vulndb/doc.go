// Package vulndb is sluice's advisory database: the OSV schema as the one
// model every feed converts into, and a single SQLite file that stores it,
// indexed by (ecosystem, package) so matching never scans the whole
// database. A database is always built into a temporary file and renamed
// into place, so a failed build or update leaves the previous one working.
//
// Importers for the individual feeds live in vulndb/importer/<feed>; the
// list of them is vulndb/importer/feeds.
package vulndb
