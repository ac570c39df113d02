package main

import (
	"errors"
	"fmt"
	"net/url"
)

// checkCluster refuses a malformed -nats URL, and -node without -nats.
func checkCluster(natsURL, node string) error {
	if natsURL == "" {
		if node != "" {
			return errors.New("-node needs -nats")
		}
		return nil
	}
	u, err := url.Parse(natsURL)
	if err != nil {
		return fmt.Errorf("-nats: %w", err)
	}
	if (u.Scheme != "nats" && u.Scheme != "tls") || u.Host == "" {
		return fmt.Errorf("-nats %q: want nats://HOST:PORT", natsURL)
	}
	return nil
}
