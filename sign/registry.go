package sign

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/sluice-dev/sluice/internal/netguard"
	"github.com/sluice-dev/sluice/internal/safeio"
)

// Media types and annotations of cosign's legacy layout.
const (
	SimpleSigningMediaType = "application/vnd.dev.cosign.simplesigning.v1+json"
	DSSEMediaType          = "application/vnd.dsse.envelope.v1+json"
	SignatureAnnotation    = "dev.cosignproject.cosign/signature"
	PredicateAnnotation    = "predicateType"

	emptyMediaType = "application/vnd.oci.empty.v1+json"
)

// Limits on what is read from a registry.
const (
	maxBlob     = 16 << 20 // one signature payload, bundle or attestation
	maxLayers   = 1000     // signatures under one .sig/.att tag
	maxManifest = 4 << 20
)

// Registry says how to reach registries. The zero value uses the docker
// config (~/.docker/config.json, DOCKER_CONFIG) for credentials.
type Registry struct {
	// Keychain supplies credentials; nil means the docker config.
	Keychain authn.Keychain
	// Insecure allows plain HTTP and unverified TLS, for localhost only.
	Insecure bool
	// Transport is the HTTP transport; when nil, a netguard transport under
	// the context's network policy (offline: loopback only). Insecure
	// skips TLS verification on it when it is an *http.Transport, as
	// netguard's are.
	Transport http.RoundTripper
}

// isLocalhost reports whether a registry host is this machine.
func isLocalhost(registry string) bool {
	host := registry
	if h, _, err := net.SplitHostPort(registry); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// parse parses an image reference with the registry options.
func (r Registry) parse(s string) (name.Reference, error) {
	s = strings.TrimPrefix(s, "registry:")
	var opts []name.Option
	if r.Insecure {
		opts = append(opts, name.Insecure)
	}
	ref, err := name.ParseReference(s, opts...)
	if err != nil {
		return nil, fmt.Errorf("parse image reference %q: %w", s, err)
	}
	if r.Insecure && !isLocalhost(ref.Context().RegistryStr()) {
		return nil, fmt.Errorf("--insecure is allowed only for localhost registries, not %q", ref.Context().RegistryStr())
	}
	return ref, nil
}

// options are the remote options for one call.
func (r Registry) options(ctx context.Context) []remote.Option {
	rt := r.Transport
	if rt == nil {
		rt = netguard.ContextTransport(ctx, "registry")
	}
	if t, ok := rt.(*http.Transport); ok && r.Insecure {
		t = t.Clone()
		t.TLSClientConfig = &tls.Config{InsecureSkipVerify: true} //nolint:gosec // --insecure, localhost only
		rt = t
	}
	return netguard.RegistryOptions(ctx, "registry", rt, r.Keychain)
}

// resolve returns the descriptor a reference points to now.
func (r Registry) resolve(ctx context.Context, ref name.Reference) (*remote.Descriptor, error) {
	d, err := remote.Get(ref, r.options(ctx)...)
	if err != nil {
		return nil, fmt.Errorf("resolve %s: %w", ref, err)
	}
	return d, nil
}

// isNotFound reports whether a registry error means "no such manifest".
func isNotFound(err error) bool {
	var te *transport.Error
	if errors.As(err, &te) {
		if te.StatusCode == http.StatusNotFound {
			return true
		}
		for _, d := range te.Errors {
			if d.Code == transport.ManifestUnknownErrorCode || d.Code == transport.NameUnknownErrorCode {
				return true
			}
		}
	}
	return false
}

// tagFor is the cosign tag of digest with suffix (sig, att) in repo.
func tagFor(repo name.Repository, digest v1.Hash, suffix string) name.Tag {
	return repo.Tag(fmt.Sprintf("%s-%s.%s", digest.Algorithm, digest.Hex, suffix))
}

// readBlob reads a (small) blob of repo, bounded.
func (r Registry) readBlob(ctx context.Context, repo name.Repository, d v1.Hash) ([]byte, error) {
	l, err := remote.Layer(repo.Digest(d.String()), r.options(ctx)...)
	if err != nil {
		return nil, fmt.Errorf("fetch blob %s: %w", d, err)
	}
	rc, err := l.Compressed()
	if err != nil {
		return nil, fmt.Errorf("fetch blob %s: %w", d, err)
	}
	defer rc.Close()
	b, err := safeio.ReadAll(rc, maxBlob, "blob "+d.String())
	if err != nil {
		return nil, err
	}
	got, _, err := v1.SHA256(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	if got != d {
		return nil, fmt.Errorf("blob %s has digest %s: the registry returned other content", d, got)
	}
	return b, nil
}

// rawManifest is a manifest pushed as exact bytes.
type rawManifest struct {
	raw []byte
	mt  types.MediaType
}

func (m rawManifest) RawManifest() ([]byte, error)        { return m.raw, nil }
func (m rawManifest) MediaType() (types.MediaType, error) { return m.mt, nil }
