package webhook

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/goalbot/goalbot/bot"
	"github.com/rs/zerolog"
)

// TestReceiverNotObject: a signed body that is valid JSON but not an
// object gets 400 and is not stored (issue 12.4: "null" got 202).
func TestReceiverNotObject(t *testing.T) {
	for _, b := range []string{"null", " null\n", "[]", `[{"action":"x"}]`, `"text"`, "42", "true", "", " {"} {
		t.Run(b, func(t *testing.T) {
			st := &fakeStore{seen: map[string]bot.Delivery{}}
			rc, err := New(st, []string{"s"}, []string{"issues"}, zerolog.Nop(), nil)
			if err != nil {
				t.Fatal(err)
			}
			req := httptest.NewRequest("POST", "/webhook", strings.NewReader(b))
			req.Header.Set("X-GitHub-Event", "issues")
			req.Header.Set("X-GitHub-Delivery", "d1")
			req.Header.Set("X-Hub-Signature-256", Sign("s", []byte(b)))
			rec := httptest.NewRecorder()
			rc.ServeHTTP(rec, req)
			if rec.Code != 400 || !strings.Contains(rec.Body.String(), "not a JSON object") {
				t.Errorf("status %d %q, want 400 saying the body is not a JSON object", rec.Code, rec.Body)
			}
			if len(st.seen) != 0 {
				t.Errorf("stored %v", st.seen)
			}
		})
	}
}
