package netguard

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestOfflineTransport(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("ok")) }))
	defer srv.Close()
	client := &http.Client{Transport: Transport("db update", true)}

	resp, err := client.Get(srv.URL)
	if err != nil {
		t.Fatalf("loopback refused offline: %v", err)
	}
	resp.Body.Close()

	// 192.0.2.1 is TEST-NET-1 (RFC 5737): the dial is refused before any
	// packet leaves, so nothing is sent anywhere.
	_, err = client.Get("http://192.0.2.1/db.zip")
	var ge *Error
	if !errors.As(err, &ge) || ge.Who != "db update" || !strings.Contains(err.Error(), "192.0.2.1:80") {
		t.Fatalf("err = %v, want a netguard error naming db update and the address", err)
	}
}

func TestDialerRefusesNonLoopback(t *testing.T) {
	tests := []struct {
		addr string
		ok   bool
	}{
		{"127.0.0.1:5000", true},
		{"[::1]:443", true},
		{"127.8.9.10:1", true},
		{"[::ffff:127.0.0.1]:80", true},
		{"10.0.0.1:443", false},
		{"192.0.2.1:443", false},
		{"[2001:db8::1]:443", false},
		{"registry.example.com:443", false},
	}
	for _, tt := range tests {
		err := check("registry", tt.addr)
		if (err == nil) != tt.ok {
			t.Errorf("check(%q) = %v, want allowed=%v", tt.addr, err, tt.ok)
		}
	}
	_, err := Dialer("registry").DialContext(context.Background(), "tcp", "192.0.2.1:443")
	var ge *Error
	if !errors.As(err, &ge) {
		t.Fatalf("dial err = %v, want *Error", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	c, err := Dialer("registry").DialContext(context.Background(), "tcp", ln.Addr().String())
	if err != nil {
		t.Fatalf("loopback dial: %v", err)
	}
	c.Close()
}
