// Package httpserve runs an HTTP server until its context ends, then shuts
// it down gracefully. The standalone sandboxes share it.
package httpserve

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"
)

// ShutdownTimeout bounds the graceful shutdown.
const ShutdownTimeout = 5 * time.Second

// Serve serves h on ln until ctx ends or serving fails. When ctx ends it calls
// beforeShutdown (if not nil; e.g. to release hanging requests), then shuts
// the server down, waiting at most ShutdownTimeout for requests in flight.
func Serve(ctx context.Context, ln net.Listener, h http.Handler, beforeShutdown func()) error {
	hs := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	if beforeShutdown != nil {
		beforeShutdown()
	}
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), ShutdownTimeout)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}
