package sandbox

import (
	"encoding/json"
	"net/http"
	"strconv"
)

// deliveryJSON renders a delivery as GET /app/hook/deliveries lists it.
func deliveryJSON(d Delivery) map[string]any {
	var repoID any
	if d.RepositoryID != 0 {
		repoID = d.RepositoryID
	}
	var inst any
	if d.InstallationID != 0 {
		inst = d.InstallationID
	}
	return map[string]any{
		"id":              d.ID,
		"guid":            d.GUID,
		"delivered_at":    ts(d.DeliveredAt),
		"redelivery":      d.Redelivery,
		"duration":        d.Duration.Seconds(),
		"status":          d.Status,
		"status_code":     d.StatusCode,
		"event":           d.Event,
		"action":          nilIfEmpty(d.Action),
		"installation_id": inst,
		"repository_id":   repoID,
		"throttled_at":    nil,
	}
}

// handleListDeliveries lists deliveries newest first, paged by an opaque cursor (the last id seen).
func handleListDeliveries(c *call) reply {
	log := c.s.Deliveries()
	perPage := intParam(c.r, "per_page", 30, 1, 100)
	var cursor int64
	if v := c.r.URL.Query().Get("cursor"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return errReply(http.StatusBadRequest, "invalid cursor")
		}
		cursor = n
	}
	out := []any{}
	var last int64
	more := false
	for i := len(log) - 1; i >= 0; i-- {
		d := log[i]
		if cursor != 0 && d.ID >= cursor {
			continue
		}
		if len(out) == perPage {
			more = true
			break
		}
		out = append(out, deliveryJSON(d))
		last = d.ID
	}
	rep := ok(out)
	if more {
		q := c.r.URL.Query()
		q.Set("cursor", strconv.FormatInt(last, 10))
		u := *c.r.URL
		u.RawQuery = q.Encode()
		rep.header = http.Header{"Link": {`<` + c.s.base + u.RequestURI() + `>; rel="next"`}}
	}
	return rep
}

// handleGetDelivery shows one delivery with its request.
func handleGetDelivery(c *call) reply {
	id, _ := strconv.ParseInt(c.params["delivery_id"], 10, 64)
	d, found := c.s.findDelivery(func(d Delivery) bool { return d.ID == id })
	if !found {
		return notFound()
	}
	out := deliveryJSON(d)
	out["url"] = c.s.api("/app/hook/deliveries/%d", d.ID)
	out["request"] = map[string]any{
		"headers": map[string]any{"X-GitHub-Event": d.Event, "X-GitHub-Delivery": d.GUID},
		"payload": json.RawMessage(d.Payload),
	}
	out["response"] = map[string]any{"headers": map[string]any{}, "payload": nil}
	return ok(out)
}

// handleRedeliver queues a redelivery keeping the GUID and answers 202 like GitHub.
func handleRedeliver(c *call) reply {
	id, _ := strconv.ParseInt(c.params["delivery_id"], 10, 64)
	d, found := c.s.findDelivery(func(d Delivery) bool { return d.ID == id })
	if !found {
		return notFound()
	}
	c.s.redeliver(d)
	return reply{status: http.StatusAccepted, body: map[string]any{}}
}
