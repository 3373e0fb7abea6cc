package ecs

import (
	"os"
	"path/filepath"
)

func readFixture(name string) ([]byte, error) { return os.ReadFile(filepath.Join("testdata", name)) }
