package cli

import (
	"errors"
	"fmt"
)

// Exit codes of every sluice command (DESIGN.md §3). They are decided here
// and nowhere else.
const (
	ExitPass   = 0 // no finding at or above --fail-on; policy passed
	ExitFailed = 1 // findings at or above --fail-on, or the policy failed
	ExitError  = 2 // usage or input error
)

// exitError carries the exit code a command wants, with the message to print.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// usageErrorf reports a mistake in how the command was called (exit 2).
func usageErrorf(format string, args ...any) error {
	return &exitError{code: ExitError, err: fmt.Errorf(format, args...)}
}

// errFailed means the run worked and found what the user asked to fail on
// (exit 1). Its message has already been printed as part of the report.
var errFailed = &exitError{code: ExitFailed, err: errors.New("findings at or above the failure threshold")}

// failedf reports a policy failure with a message (exit 1).
func failedf(format string, args ...any) error {
	return &exitError{code: ExitFailed, err: fmt.Errorf(format, args...)}
}

// exitCode maps an error returned by a command to the process exit code:
// any error not marked otherwise is an input or usage error.
func exitCode(err error) int {
	if err == nil {
		return ExitPass
	}
	var e *exitError
	if errors.As(err, &e) {
		return e.code
	}
	return ExitError
}
