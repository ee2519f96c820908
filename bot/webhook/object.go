package webhook

import (
	"bytes"
	"encoding/json"
	"errors"
)

// errNotObject is a payload that is valid JSON but not an object.
var errNotObject = errors.New("payload is not a JSON object")

// decodeHead reads the routing fields of a payload. GitHub always sends an
// object; json.Unmarshal alone accepts "null" into a struct, so a signed
// "null" would be stored as a delivery. Arrays, strings, numbers, booleans
// and null are refused.
func decodeHead(body []byte, head *payloadHead) error {
	if t := bytes.TrimLeft(body, " \t\r\n"); len(t) == 0 || t[0] != '{' {
		return errNotObject
	}
	return json.Unmarshal(body, head)
}
