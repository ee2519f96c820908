package store

import (
	"sync"

	"github.com/goalbot/goalbot/bot/goaldoc"
)

// docCache keeps, per goal, the document last decoded and the stored text
// it came from. A change reads its goal several times (the recompute, the
// render before and under its lease, placing what discovery found), and
// decoding the document was the largest part of each read: 14% of the CPU
// of the slow-GitHub bench run, 12% of loading a 1,000-item goal. A read
// whose text is the one cached (compared in full) gets the cached
// document, shared with every other reader: bot.Goal.Doc is read-only.
type docCache struct {
	mu   sync.Mutex
	docs map[string]cachedDoc // by goal id; goals are never deleted
}

type cachedDoc struct {
	schema int
	text   string
	doc    *goaldoc.Document
}

// decode returns the document of goal id stored as text in schema
// version schema.
func (c *docCache) decode(id string, schema int, text string) (*goaldoc.Document, error) {
	c.mu.Lock()
	e, ok := c.docs[id]
	c.mu.Unlock()
	if ok && e.schema == schema && e.text == text {
		return e.doc, nil
	}
	doc, err := decodeDoc(schema, text)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.docs == nil {
		c.docs = map[string]cachedDoc{}
	}
	c.docs[id] = cachedDoc{schema: schema, text: text, doc: doc}
	c.mu.Unlock()
	return doc, nil
}
