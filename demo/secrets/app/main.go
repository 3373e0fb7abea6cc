package main

import "os"

// The password comes from the environment: nothing to find here.
func dbPassword() string { return os.Getenv("DB_PASSWORD") }

func main() { _ = dbPassword() }
