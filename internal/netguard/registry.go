package netguard

import (
	"context"
	"net"
	"net/http"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// RegistryOptions are the go-containerregistry options of every registry
// call sluice makes: ctx, credentials from kc (the Docker config when nil)
// and rt as the transport (ContextTransport(ctx, who) when nil; remote would
// otherwise fall back to its own unguarded default). Callers may append
// options, but not a transport or keychain of their own.
//
// Offline, credentials are looked up for loopback registries only: a Docker
// credential helper (docker-credential-ecr-login, -gcr, ...) is a program
// that makes its own network calls, outside any transport sluice controls.
// Other registries get anonymous access, and their dial is then refused with
// an *Error as usual.
func RegistryOptions(ctx context.Context, who string, rt http.RoundTripper, kc authn.Keychain) []remote.Option {
	if rt == nil {
		rt = ContextTransport(ctx, who)
	}
	if kc == nil {
		kc = authn.DefaultKeychain
	}
	if Offline(ctx) {
		kc = loopbackKeychain{kc}
	}
	return []remote.Option{remote.WithContext(ctx), remote.WithTransport(rt), remote.WithAuthFromKeychain(kc)}
}

// loopbackKeychain consults its keychain for loopback registries only.
type loopbackKeychain struct{ kc authn.Keychain }

var (
	_ authn.Keychain        = loopbackKeychain{}
	_ authn.ContextKeychain = loopbackKeychain{}
)

func (k loopbackKeychain) Resolve(r authn.Resource) (authn.Authenticator, error) {
	return k.ResolveContext(context.Background(), r)
}

func (k loopbackKeychain) ResolveContext(ctx context.Context, r authn.Resource) (authn.Authenticator, error) {
	host := r.RegistryStr()
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if len(loopbackAddrs(ctx, host)) == 0 {
		return authn.Anonymous, nil
	}
	return authn.Resolve(ctx, k.kc, r)
}
