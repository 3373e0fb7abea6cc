// Package sluice holds the repository-wide tests that keep the codebase
// honest: the dependency layers of DESIGN.md §2 and one doc per package.
// The program is cmd/sluice; the libraries are the packages below.
package sluice
