// Package netguard enforces `--offline`: every network connection sluice
// opens goes through a dialer that refuses any address outside the loopback
// range, with an error naming what tried to connect and where. Loopback stays
// allowed so a local registry or advisory mirror on the same machine works.
package netguard

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"syscall"
)

// Error is a refused connection.
type Error struct {
	Who     string // the component that tried: "registry", "db update", ...
	Address string
}

func (e *Error) Error() string {
	return fmt.Sprintf("offline mode: %s tried to connect to %s; only loopback addresses are allowed", e.Who, e.Address)
}

// Dialer returns a dialer that refuses non-loopback addresses. The check runs
// on the resolved address just before connect(2), so a name that resolves to
// a public address is refused too.
func Dialer(who string) *net.Dialer {
	return &net.Dialer{Control: func(network, address string, _ syscall.RawConn) error {
		return check(who, address)
	}}
}

func check(who, address string) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		host = address
	}
	ip, err := netip.ParseAddr(host)
	if err != nil || !ip.Unmap().IsLoopback() {
		return &Error{Who: who, Address: address}
	}
	return nil
}

// Transport returns an HTTP transport for who. Offline, it dials only
// loopback and ignores proxy settings (a proxy is a way out); online it is a
// clone of http.DefaultTransport.
func Transport(who string, offline bool) *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	if offline {
		d := Dialer(who)
		t.Proxy = nil
		t.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
			return d.DialContext(ctx, network, addr)
		}
	}
	return t
}
