package testenv

import (
	"fmt"
	"net"
	"strings"
	"testing"
)

// StallRequest opens a POST of path to addr from the local address from
// (nil: the system's choice) with the given header lines ("Name: value"),
// announces a body of 1,000 bytes and sends one byte of it: a sender that
// stalls mid-body. The connection closes with t.
func StallRequest(t testing.TB, addr string, from net.Addr, path string, headers ...string) net.Conn {
	t.Helper()
	c, err := (&net.Dialer{LocalAddr: from}).Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	var head strings.Builder
	for _, h := range headers {
		head.WriteString(h + "\r\n")
	}
	if _, err := fmt.Fprintf(c, "POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n%sContent-Length: 1000\r\n\r\n{", path, head.String()); err != nil {
		t.Fatal(err)
	}
	return c
}
