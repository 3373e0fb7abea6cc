package image

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/sluice-dev/sluice/internal/netguard"
)

// openRegistry resolves a reference on a registry. Layers are fetched lazily,
// when read, and their digests verified by go-containerregistry.
func openRegistry(ctx context.Context, ref string, opts Options) (*Image, error) {
	var nameOpts []name.Option
	if opts.Insecure {
		r, err := name.ParseReference(ref)
		if err != nil {
			return nil, fmt.Errorf("image reference %q: %w", ref, err)
		}
		if !isLocalhost(r.Context().RegistryStr()) {
			return nil, fmt.Errorf("--insecure is allowed only for registries on localhost, not %s", r.Context().RegistryStr())
		}
		nameOpts = append(nameOpts, name.Insecure)
	}
	r, err := name.ParseReference(ref, nameOpts...)
	if err != nil {
		return nil, fmt.Errorf("image reference %q: %w", ref, err)
	}
	want, err := wantPlatform(opts)
	if err != nil {
		return nil, err
	}
	var rt http.RoundTripper = opts.Transport
	if rt == nil {
		rt = netguard.ContextTransport(ctx, "image registry")
	}
	if !opts.Insecure {
		// go-containerregistry falls back to plain HTTP for localhost and
		// private addresses on its own; sluice does so only when asked.
		rt = httpsOnly{rt}
	}
	ropts := append(netguard.RegistryOptions(ctx, "image registry", rt, opts.Keychain), remote.WithPlatform(*want))
	desc, err := remote.Get(r, ropts...)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", r, err)
	}
	img := &Image{Tag: r.String()}
	if desc.MediaType.IsIndex() {
		idx, err := desc.ImageIndex()
		if err != nil {
			return nil, fmt.Errorf("fetch index %s: %w", r, err)
		}
		im, err := idx.IndexManifest()
		if err != nil {
			return nil, fmt.Errorf("fetch index %s: %w", r, err)
		}
		d, err := choosePlatform(im.Manifests, opts, img)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", r, err)
		}
		if d.MediaType.IsIndex() {
			return nil, fmt.Errorf("%s: nested index for %s is not supported", r, d.Digest)
		}
		v, err := idx.Image(d.Digest)
		if err != nil {
			return nil, fmt.Errorf("fetch %s@%s: %w", r, d.Digest, err)
		}
		return fromV1(v, img, r.String())
	}
	v, err := desc.Image()
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", r, err)
	}
	return fromV1(v, img, r.String())
}

// fromV1 adapts a go-containerregistry image.
func fromV1(v v1.Image, img *Image, what string) (*Image, error) {
	digest, err := v.Digest()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	img.ManifestDigest = digest.String()
	raw, err := v.RawConfigFile()
	if err != nil {
		return nil, fmt.Errorf("fetch config of %s: %w", what, err)
	}
	cfgName, err := v.ConfigName()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	if err := img.setRawConfig(raw, cfgName.String()); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	m, err := v.Manifest()
	if err != nil {
		return nil, fmt.Errorf("fetch manifest of %s: %w", what, err)
	}
	img.Annotations = m.Annotations
	for _, d := range m.Layers {
		l, err := v.LayerByDigest(d.Digest)
		if err != nil {
			return nil, fmt.Errorf("%s layer %s: %w", what, d.Digest, err)
		}
		img.Layers = append(img.Layers, Layer{
			Digest: d.Digest.String(), Size: d.Size, MediaType: string(d.MediaType),
			open: func() (io.ReadCloser, error) { return l.Compressed() },
		})
	}
	if err := img.finish(); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return img, nil
}

func isLocalhost(host string) bool {
	h, _, err := net.SplitHostPort(host)
	if err != nil {
		h = host
	}
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// httpsOnly refuses plain-HTTP requests.
type httpsOnly struct{ rt http.RoundTripper }

func (h httpsOnly) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Scheme != "https" {
		return nil, fmt.Errorf("refusing plain HTTP to %s: use --insecure for a registry on localhost", req.URL.Host)
	}
	return h.rt.RoundTrip(req)
}
