//go:build !(aix || darwin || dragonfly || freebsd || linux || netbsd || openbsd || solaris || zos)

package main

import "errors"

// echoOff is not available here; the prompt then comes first and
// term.ReadPassword turns the echo off as it starts reading.
func echoOff(int) (func(), error) { return nil, errors.ErrUnsupported }
