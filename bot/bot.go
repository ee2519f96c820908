// Package bot is goalbot's domain: the values the other packages exchange
// (deliveries, items, links, statuses) and the error codes they share. It
// imports no store implementation and no HTTP server.
package bot

import (
	"errors"
	"fmt"
	"time"
)

// Delivery is one webhook delivery as GitHub sent it, stored before it is
// acknowledged so that nothing acknowledged is lost.
type Delivery struct {
	ID             string    // X-GitHub-Delivery; the same on redelivery
	Event          string    // X-GitHub-Event
	Action         string    // payload "action", "" when absent
	Repo           string    // owner/repo, "" for app-level events
	InstallationID int64     // payload installation.id, 0 when absent
	ReceivedAt     time.Time // when goalbot stored it
	Payload        []byte    // the raw body, exactly as signed
	ProcessedAt    time.Time // zero until a worker finished it
	Outcome        string    // "queued", "done", "failed", "ignored"
	Error          string    // the last error, for failed deliveries
}

// Delivery outcomes.
const (
	OutcomeQueued  = "queued"
	OutcomeDone    = "done"
	OutcomeFailed  = "failed"
	OutcomeIgnored = "ignored"
)

// ProcessDelivery is the durable job that runs the handlers for one stored
// delivery. It carries the delivery id, never the payload.
type ProcessDelivery struct {
	DeliveryID string `json:"delivery_id" river:"unique"`
}

// Kind names the job for the queue.
func (ProcessDelivery) Kind() string { return "process_delivery" }

// Error codes. Each maps to one HTTP status, one job outcome and one kind of
// reply; see ErrorCode.
const (
	EINVALID   = "invalid"   // the input is wrong; retrying will not help
	ENOTFOUND  = "not_found" // the thing does not exist (or no longer)
	EFORBIDDEN = "forbidden" // the actor may not do this
	ECONFLICT  = "conflict"  // it exists already
	EINTERNAL  = "internal"  // anything else; may be retried
)

// Error is a domain error with a code and a message fit for users. Causes
// belong in wrapped errors and logs, not in Message.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return fmt.Sprintf("%s: %s", e.Code, e.Message) }

// Errorf returns an *Error with the given code and formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL
// for any other non-nil error and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	default:
		return EINTERNAL
	}
}

// ErrorMessage returns the user-facing message of err: the *Error's message
// or "Internal error." so that causes never reach users.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}
