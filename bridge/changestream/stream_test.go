package changestream

import (
	"testing"

	"github.com/carebridge/carebridge/connectors/salesforce/metadata"
)

// TestReplayCursorNameIsUnchanged: the replay id is stored under the name
// earlier releases used, so a stream upgraded in place resumes where it
// left off instead of starting from now.
func TestReplayCursorNameIsUnchanged(t *testing.T) {
	if got, want := replayCursor(metadata.ChannelTopic("Carebridge__chn")), "pubsub:/data/Carebridge__chn"; got != want {
		t.Errorf("replay cursor %q, want %q", got, want)
	}
}
