package store

import (
	"testing"
	"time"

	"github.com/riverqueue/river"
)

// TestDeliveryJobsNotifyOncePerCooldown checks the notification limiter
// of PostgreSQL ingest: one batch a cooldown notifies, and a batch that
// sent nothing (it failed, or stored only duplicates) gives its turn back
// to the next one.
func TestDeliveryJobsNotifyOncePerCooldown(t *testing.T) {
	j := newDeliveryJobs(&river.Config{FetchCooldown: time.Hour, MaxAttempts: 3})
	notifies := func() (bool, notifyClaim) {
		args, c := j.args()
		if len(args) != 5 || args[1] != 3 {
			t.Fatalf("args %v, want five with max attempts 3", args)
		}
		return args[4].(bool), c
	}
	first, claim := notifies()
	if !first {
		t.Fatal("the first batch does not notify")
	}
	if again, _ := notifies(); again {
		t.Fatal("a second batch within the cooldown notifies too")
	}
	j.release(notifyClaim{}) // a batch that claimed nothing gives nothing back
	if again, _ := notifies(); again {
		t.Fatal("releasing an empty claim let a batch within the cooldown notify")
	}
	j.release(claim)
	if again, _ := notifies(); !again {
		t.Fatal("after the first batch sent nothing, the next one does not notify")
	}
}
