// Package netguard is the one way sluice reaches the network, so that
// `--offline` can be enforced in one place: HTTP transports whose dialer
// refuses any address outside the loopback range, registry client options
// built on them, and git commands that cannot fetch. A refusal is an *Error
// naming what tried to connect and where. Loopback stays allowed so a local
// registry or advisory mirror on the same machine works.
//
// Whether an invocation is offline travels in its context (WithOffline), so
// an engine that builds a default transport or spawns git honours the policy
// without each caller remembering to pass it. A static test at the root of
// the module (network_test.go) fails when code in the binary opens a
// connection any other way.
package netguard

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"sync"
	"syscall"
	"time"
)

// Error is a connection refused by offline mode.
type Error struct {
	Who     string // what tried: "sluice sbom (image registry)", "db update", ...
	Address string // host:port as requested
}

func (e *Error) Error() string {
	return fmt.Sprintf("offline: %s tried to connect to %s; --offline allows loopback addresses only", e.Who, e.Address)
}

type offlineKey struct{}

// WithOffline returns ctx carrying the network policy of an invocation.
func WithOffline(ctx context.Context, offline bool) context.Context {
	return context.WithValue(ctx, offlineKey{}, offline)
}

// Offline reports whether ctx belongs to an offline invocation.
func Offline(ctx context.Context) bool {
	v, _ := ctx.Value(offlineKey{}).(bool)
	return v
}

// Transport returns an HTTP transport for who: a clone of
// http.DefaultTransport whose connections are all made by a guarded dialer.
// Offline, that dialer connects to loopback addresses only, resolves names
// from the hosts file only (a DNS query is itself a packet leaving the
// machine), and proxy settings are ignored (a proxy is a way out).
func Transport(who string, offline bool) *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	g := &guard{who: who, offline: offline, dialer: &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}}
	if offline {
		t.Proxy = nil
		// Checked again on the resolved address just before connect(2),
		// so nothing dials a non-loopback address even if a name slipped
		// through resolution.
		g.dialer.Control = func(_, address string, _ syscall.RawConn) error {
			if !isLoopback(address) {
				return &Error{Who: who, Address: address}
			}
			return nil
		}
	}
	t.DialContext = g.dial
	return t
}

// ContextTransport is Transport under ctx's policy: the default of every
// engine option that takes a transport.
func ContextTransport(ctx context.Context, who string) *http.Transport {
	return Transport(who, Offline(ctx))
}

// guard dials for one transport and reports every attempt to watchers.
type guard struct {
	who     string
	offline bool
	dialer  *net.Dialer
}

func (g *guard) dial(ctx context.Context, network, address string) (net.Conn, error) {
	var c net.Conn
	var err error
	if g.offline {
		c, err = g.dialLoopback(ctx, network, address)
	} else {
		c, err = g.dialer.DialContext(ctx, network, address)
	}
	notify(Dial{Who: g.who, Address: address, Err: err})
	return c, err
}

// dialLoopback connects to address only if it names a loopback address,
// directly or through the hosts file.
func (g *guard) dialLoopback(ctx context.Context, network, address string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(address)
	if err != nil {
		return nil, &Error{Who: g.who, Address: address}
	}
	addrs := loopbackAddrs(ctx, host)
	if len(addrs) == 0 {
		return nil, &Error{Who: g.who, Address: address}
	}
	var first error
	for _, a := range addrs {
		c, err := g.dialer.DialContext(ctx, network, net.JoinHostPort(a.String(), port))
		if err == nil {
			return c, nil
		}
		if first == nil {
			first = err
		}
	}
	return nil, first
}

// errNoDNS refuses the DNS queries of hostsOnly.
var errNoDNS = errors.New("DNS is not used offline")

// hostsOnly resolves names from the hosts file alone: the pure-Go resolver
// reads /etc/hosts first and falls back to DNS only through Dial, which
// refuses. (A resolver on 127.0.0.53 would forward the query off the
// machine, so loopback DNS is refused too.)
var hostsOnly = &net.Resolver{PreferGo: true, Dial: func(context.Context, string, string) (net.Conn, error) {
	return nil, errNoDNS
}}

// loopbackAddrs returns the loopback addresses host stands for: itself if
// it is a loopback IP, its hosts-file entries that are loopback if it is a
// name, and none otherwise.
func loopbackAddrs(ctx context.Context, host string) []netip.Addr {
	if ip, err := netip.ParseAddr(host); err == nil {
		if ip = ip.Unmap(); ip.IsLoopback() {
			return []netip.Addr{ip}
		}
		return nil
	}
	ips, err := hostsOnly.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return nil
	}
	var out []netip.Addr
	for _, ip := range ips {
		// The pure-Go resolver gives IPv4 entries in their IPv6-mapped form.
		if ip = ip.Unmap(); ip.IsLoopback() {
			out = append(out, ip)
		}
	}
	return out
}

// isLoopback reports whether a resolved host:port is a loopback address.
func isLoopback(address string) bool {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		host = address
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.Unmap().IsLoopback()
}

// Dial is one connection attempt through a guarded transport.
type Dial struct {
	Who     string
	Address string // host:port as requested
	Err     error  // an *Error when offline mode refused it
}

var watchers struct {
	sync.Mutex
	next int
	fns  map[int]func(Dial)
}

// Watch calls f for every connection attempt through a guarded transport
// until stop is called. Tests use it to prove that every connection a run
// made went through netguard and that none was refused; f must be safe for
// concurrent use.
func Watch(f func(Dial)) (stop func()) {
	watchers.Lock()
	defer watchers.Unlock()
	if watchers.fns == nil {
		watchers.fns = map[int]func(Dial){}
	}
	id := watchers.next
	watchers.next++
	watchers.fns[id] = f
	return func() {
		watchers.Lock()
		defer watchers.Unlock()
		delete(watchers.fns, id)
	}
}

func notify(d Dial) {
	watchers.Lock()
	fns := make([]func(Dial), 0, len(watchers.fns))
	for _, f := range watchers.fns {
		fns = append(fns, f)
	}
	watchers.Unlock()
	for _, f := range fns {
		f(d)
	}
}
