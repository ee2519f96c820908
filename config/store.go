package config

import (
	"strconv"
	"strings"
	"time"
)

// applyStore lays the file's [store] table over the defaults.
func (c *Config) applyStore(f fileStore) []error {
	if f.Retention == nil {
		return nil
	}
	d, err := parseDays(*f.Retention)
	if err != nil {
		return []error{c.src.errorf("store.retention", "%q is not a duration; write e.g. \"14d\" or \"336h\"", *f.Retention)}
	}
	c.Store.Retention = d
	return nil
}

// parseDays reads a duration that may also be written in whole days ("14d").
func parseDays(s string) (time.Duration, error) {
	if n, ok := strings.CutSuffix(strings.TrimSpace(s), "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil || days < 0 {
			return 0, strconv.ErrSyntax
		}
		return time.Duration(days) * 24 * time.Hour, nil
	}
	return time.ParseDuration(s)
}

// formatDays writes d in days when it is a whole number of them.
func formatDays(d time.Duration) string {
	if d > 0 && d%(24*time.Hour) == 0 {
		return strconv.Itoa(int(d/(24*time.Hour))) + "d"
	}
	return formatDuration(d)
}
