package gateway

import (
	"errors"
	"io"
	"sync/atomic"
)

// errBodyTooLarge ends a body read past its limit.
var errBodyTooLarge = errors.New("gateway: request body too large")

// limitedBody is a request body that fails past left bytes and says so,
// so that the gateway answers 413 rather than blame the instance when a
// body without a Content-Length turns out too large.
type limitedBody struct {
	body     io.ReadCloser
	left     int64
	exceeded atomic.Bool // read by the handler, set by the transport's writer
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.left < 0 {
		b.exceeded.Store(true)
		return 0, errBodyTooLarge
	}
	if int64(len(p)) > b.left+1 {
		p = p[:b.left+1] // one byte more tells a body of exactly the limit from a larger one
	}
	n, err := b.body.Read(p)
	b.left -= int64(n)
	if b.left < 0 {
		b.exceeded.Store(true)
		return 0, errBodyTooLarge
	}
	return n, err
}

func (b *limitedBody) Close() error { return b.body.Close() }
