package netguard

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"

	"github.com/sluice-dev/sluice/internal/testutil"
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

	// 192.0.2.1 is TEST-NET-1 (RFC 5737) and registry.example.com is not
	// in any hosts file: both are refused before any packet, DNS included,
	// leaves the machine.
	for _, u := range []string{"http://192.0.2.1/db.zip", "https://registry.example.com/v2/"} {
		_, err = client.Get(u)
		var ge *Error
		host := strings.TrimPrefix(strings.TrimPrefix(u, "http://"), "https://")
		host = strings.SplitN(host, "/", 2)[0]
		if !errors.As(err, &ge) || ge.Who != "db update" || !strings.Contains(err.Error(), "db update tried to connect to "+host+":") {
			t.Errorf("GET %s: err = %v, want a netguard error naming db update and the address", u, err)
		}
	}
}

// A proxy is a way out: offline drops the proxy settings that online
// keeps (http.ProxyFromEnvironment).
func TestOfflineIgnoresProxy(t *testing.T) {
	if Transport("registry", true).Proxy != nil {
		t.Error("offline transport keeps a proxy function")
	}
	if Transport("registry", false).Proxy == nil {
		t.Error("online transport lost the environment's proxy settings")
	}
}

func TestLoopbackAddrs(t *testing.T) {
	tests := []struct {
		host string
		ok   bool
	}{
		{"127.0.0.1", true},
		{"::1", true},
		{"127.8.9.10", true},
		{"::ffff:127.0.0.1", true},
		{"10.0.0.1", false},
		{"192.0.2.1", false},
		{"2001:db8::1", false},
		{"registry.example.com", false},
	}
	for _, tt := range tests {
		if got := len(loopbackAddrs(context.Background(), tt.host)) > 0; got != tt.ok {
			t.Errorf("loopbackAddrs(%q) allowed=%v, want %v", tt.host, got, tt.ok)
		}
	}
	for _, tt := range []struct {
		addr string
		ok   bool
	}{{"127.0.0.1:5000", true}, {"[::1]:443", true}, {"10.0.0.1:443", false}, {"localhost:80", false}} {
		if got := isLoopback(tt.addr); got != tt.ok {
			t.Errorf("isLoopback(%q) = %v, want %v", tt.addr, got, tt.ok)
		}
	}
}

// A name is resolved from the hosts file only; where the file maps
// localhost (as it does almost everywhere), a local registry can be named.
func TestLocalhostFromHostsFile(t *testing.T) {
	hosts, err := os.ReadFile("/etc/hosts")
	if err != nil || !strings.Contains(string(hosts), "localhost") {
		t.Skip("no /etc/hosts entry for localhost")
	}
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer srv.Close()
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(srv.URL, "http://"))
	resp, err := (&http.Client{Transport: Transport("registry", true)}).Get("http://localhost:" + port + "/")
	if err != nil {
		t.Fatalf("offline GET localhost: %v", err)
	}
	resp.Body.Close()
}

func TestWatchSeesEveryDial(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer srv.Close()
	var mu sync.Mutex
	var dials []Dial
	stop := Watch(func(d Dial) {
		mu.Lock()
		defer mu.Unlock()
		dials = append(dials, d)
	})
	for _, offline := range []bool{false, true} {
		resp, err := (&http.Client{Transport: Transport("scan", offline)}).Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	(&http.Client{Transport: Transport("scan", true)}).Get("http://192.0.2.1/")
	stop()
	(&http.Client{Transport: Transport("scan", true)}).Get(srv.URL)

	mu.Lock()
	defer mu.Unlock()
	if len(dials) != 3 {
		t.Fatalf("watched %d dials, want 3 (two allowed, one refused; none after stop): %v", len(dials), dials)
	}
	host := strings.TrimPrefix(srv.URL, "http://")
	for i, d := range dials[:2] {
		if d.Who != "scan" || d.Address != host || d.Err != nil {
			t.Errorf("dial %d = %+v, want an allowed dial by scan to %s", i, d, host)
		}
	}
	var ge *Error
	if !errors.As(dials[2].Err, &ge) || dials[2].Address != "192.0.2.1:80" {
		t.Errorf("dial 2 = %+v, want a refusal of 192.0.2.1:80", dials[2])
	}
}

func TestContextPolicy(t *testing.T) {
	ctx := context.Background()
	if Offline(ctx) || !Offline(WithOffline(ctx, true)) || Offline(WithOffline(WithOffline(ctx, true), false)) {
		t.Fatal("WithOffline/Offline disagree")
	}
	_, err := (&http.Client{Transport: ContextTransport(WithOffline(ctx, true), "feeds")}).Get("http://192.0.2.1/")
	var ge *Error
	if !errors.As(err, &ge) || ge.Who != "feeds" {
		t.Errorf("ContextTransport offline: err = %v, want a refusal by feeds", err)
	}
}

// countingKeychain records the registries it was asked about.
type countingKeychain struct{ asked []string }

func (k *countingKeychain) Resolve(r authn.Resource) (authn.Authenticator, error) {
	k.asked = append(k.asked, r.RegistryStr())
	return authn.FromConfig(authn.AuthConfig{Username: "u", Password: "p"}), nil
}

func TestOfflineKeychainAsksOnlyForLoopback(t *testing.T) {
	kc := &countingKeychain{}
	guarded := loopbackKeychain{kc}
	for _, reg := range []string{"ghcr.io", "123.dkr.ecr.us-east-1.amazonaws.com", "127.0.0.1:5000", "[::1]:5000"} {
		r, err := name.NewRegistry(reg)
		if err != nil {
			t.Fatal(err)
		}
		a, err := authn.Resolve(context.Background(), guarded, r)
		if err != nil {
			t.Fatal(err)
		}
		if loop := strings.HasPrefix(reg, "127.") || strings.HasPrefix(reg, "[::1]"); loop == (a == authn.Anonymous) {
			t.Errorf("%s: authenticator %v", reg, a)
		}
	}
	if want := []string{"127.0.0.1:5000", "[::1]:5000"}; strings.Join(kc.asked, " ") != strings.Join(want, " ") {
		t.Errorf("keychain asked about %v, want only %v: a credential helper makes its own network calls", kc.asked, want)
	}
	if n := len(RegistryOptions(context.Background(), "registry", nil, nil)); n != 3 {
		t.Errorf("RegistryOptions gave %d options, want context, transport and keychain", n)
	}
}

// TestGitOfflineCannotFetch reads a blob a partial clone lacks: online
// git fetches it from the (file://) origin by itself; offline it must not.
func TestGitOfflineCannotFetch(t *testing.T) {
	clone := testutil.PartialClone(t, map[string]string{"f": "hello\n"})
	blob := testutil.Git(t, "-C", clone, "rev-parse", "HEAD:f")

	offline := WithOffline(context.Background(), true)
	if out, err := Git(offline, "-C", clone, "cat-file", "-p", blob).CombinedOutput(); err == nil {
		t.Fatalf("offline git fetched the missing blob: %s", out)
	}
	out, err := Git(context.Background(), "-C", clone, "cat-file", "-p", blob).CombinedOutput()
	if err != nil || string(out) != "hello\n" {
		t.Fatalf("online git cat-file = %q, %v; the test needs git to fetch lazily online", out, err)
	}
}

func TestDialerRefusesBeforeConnect(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	tr := Transport("registry", true)
	c, err := tr.DialContext(context.Background(), "tcp", ln.Addr().String())
	if err != nil {
		t.Fatalf("loopback dial: %v", err)
	}
	c.Close()
	_, err = tr.DialContext(context.Background(), "tcp", "[2001:db8::1]:443")
	var ge *Error
	if !errors.As(err, &ge) || ge.Address != "[2001:db8::1]:443" {
		t.Fatalf("dial err = %v, want *Error for [2001:db8::1]:443", err)
	}
}

func TestCommandOffline(t *testing.T) {
	if _, err := Command(WithOffline(context.Background(), true), []string{"true"}); !errors.Is(err, ErrCommandOffline) {
		t.Errorf("offline: err = %v, want ErrCommandOffline", err)
	}
	c, err := Command(context.Background(), []string{"echo", "hi"})
	if err != nil || c.Args[0] != "echo" || c.Args[1] != "hi" {
		t.Errorf("online: %v %v", c, err)
	}
	if _, err := Command(context.Background(), nil); err == nil {
		t.Error("an empty command must be an error")
	}
}
