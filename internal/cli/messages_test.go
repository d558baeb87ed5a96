package cli

import (
	"testing"

	"sipgate-account/sipgate"
)

// TestEveryCodeWorded: the command has words of its own for every code, so
// a new code in the core cannot reach a terminal as a bare summary
// unnoticed.
func TestEveryCodeWorded(t *testing.T) {
	for _, c := range sipgate.Codes() {
		if advice[c] == nil {
			t.Errorf("internal/cli/messages.go has no words for %s", c)
		}
	}
	if len(advice) != len(sipgate.Codes()) {
		t.Errorf("internal/cli/messages.go words %d codes, the core has %d", len(advice), len(sipgate.Codes()))
	}
}
