package gh

// KnownBotLogin returns the login goalbot posts as if it is configured or
// was discovered already, and "" otherwise; it never calls GitHub, so the
// webhook receiver can ask it on every delivery.
func (c *Client) KnownBotLogin() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.login
}
