package job

import (
	"errors"
	"testing"
	"time"

	"github.com/goalbot/goalbot/bot"
	"github.com/riverqueue/river/rivertype"
)

type waitErr struct{ d time.Duration }

func (e waitErr) Error() string             { return "slow down" }
func (e waitErr) RetryDelay() time.Duration { return e.d }

func TestFate(t *testing.T) {
	plain := errors.New("502 Bad Gateway")
	tests := []struct {
		name string
		err  error
		want string // "nil", "snooze", "cancel", "retry"
	}{
		{"success", nil, "nil"},
		{"rate limited", waitErr{30 * time.Second}, "snooze"},
		{"rate limited, wrapped", errors.Join(errors.New("edit comment"), waitErr{time.Minute}), "snooze"},
		{"invalid input", bot.Errorf(bot.EINVALID, "bad payload"), "cancel"},
		{"gone", bot.Errorf(bot.ENOTFOUND, "deleted"), "cancel"},
		{"forbidden", bot.Errorf(bot.EFORBIDDEN, "no permission"), "cancel"},
		{"transient", plain, "retry"},
	}
	for _, tt := range tests {
		got := Fate(tt.err)
		kind := "retry"
		var snooze *rivertype.JobSnoozeError
		var cancel *rivertype.JobCancelError
		switch {
		case got == nil:
			kind = "nil"
		case errors.As(got, &snooze):
			kind = "snooze"
			if snooze.Duration < 30*time.Second {
				t.Errorf("%s: snooze of %v, want the error's delay", tt.name, snooze.Duration)
			}
		case errors.As(got, &cancel):
			kind = "cancel"
		}
		if kind != tt.want {
			t.Errorf("%s: Fate = %v (%s), want %s", tt.name, got, kind, tt.want)
		}
		if kind == "retry" && got != tt.err {
			t.Errorf("%s: a retried error must be returned as is, got %v", tt.name, got)
		}
	}
	var snooze *rivertype.JobSnoozeError
	if errors.As(Fate(waitErr{0}), &snooze); snooze == nil || snooze.Duration != time.Second {
		t.Errorf("a zero delay should snooze a second, got %v", snooze)
	}
}

func TestRetryPolicyGrowsToItsCap(t *testing.T) {
	p := RetryPolicy{Base: time.Second, Max: 10 * time.Second}
	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 10 * time.Second, 10 * time.Second}
	for i, w := range want {
		before := time.Now()
		got := p.NextRetry(&rivertype.JobRow{Attempt: i + 1}).Sub(before)
		if got < w || got > w+time.Second/2 {
			t.Errorf("attempt %d: next retry in %v, want %v", i+1, got, w)
		}
	}
}
