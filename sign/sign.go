package sign

import (
	"context"
	"crypto"
	"fmt"
	"log/slog"
	"sort"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// Format is how a signature or attestation is stored.
type Format string

// The two layouts cosign reads.
const (
	// FormatBundle is cosign v3's default: a Sigstore bundle as an OCI 1.1
	// referrer of the image (with the referrers tag fallback).
	FormatBundle Format = "bundle"
	// FormatLegacy is cosign v2's layout: layers of an image under the
	// sha256-<hex>.sig (or .att) tag in the same repository.
	FormatLegacy Format = "legacy"
)

// ParseFormat checks a --format value; "" means bundle.
func ParseFormat(s string) (Format, error) {
	switch Format(s) {
	case "", FormatBundle:
		return FormatBundle, nil
	case FormatLegacy:
		return FormatLegacy, nil
	}
	return "", fmt.Errorf("unknown signature format %q: want bundle or legacy", s)
}

// SignOptions configure Sign. The zero value signs in bundle form.
type SignOptions struct {
	Registry
	Format      Format
	Annotations map[string]string
	// Recursive signs, for an index, each platform manifest too.
	Recursive bool
	Logger    *slog.Logger
	// Now is the clock (tests); nil is time.Now.
	Now func() time.Time
}

func (o *SignOptions) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

// Signed describes one signature written.
type Signed struct {
	// Image is the repository@digest that was signed.
	Image  string `json:"image"`
	Digest string `json:"digest"`
	// MediaType of the signed manifest (an index or an image).
	MediaType string `json:"mediaType"`
	Format    Format `json:"format"`
	// Location is the .sig tag (legacy) or the referrer manifest (bundle).
	Location string `json:"location"`
}

// Target is a reference resolved to the digest it points to now.
type Target struct {
	Ref        name.Reference
	Repo       name.Repository
	Descriptor v1.Descriptor
	// Children are the platform manifests of an index.
	Children []v1.Descriptor
}

// Digest is the resolved digest as a string.
func (t *Target) Digest() string { return t.Descriptor.Digest.String() }

// DigestRef is repository@digest.
func (t *Target) DigestRef() string { return t.Repo.Digest(t.Digest()).String() }

// IsIndex reports whether the target is a multi-platform index.
func (t *Target) IsIndex() bool {
	return t.Descriptor.MediaType.IsIndex()
}

// Resolve turns a reference (tag or digest) into the digest it points to.
func (r Registry) Resolve(ctx context.Context, ref string) (*Target, error) {
	nref, err := r.parse(ref)
	if err != nil {
		return nil, err
	}
	d, err := r.resolve(ctx, nref)
	if err != nil {
		return nil, err
	}
	t := &Target{Ref: nref, Repo: nref.Context(), Descriptor: d.Descriptor}
	if d.MediaType.IsIndex() {
		idx, err := d.ImageIndex()
		if err != nil {
			return nil, fmt.Errorf("read index %s: %w", nref, err)
		}
		im, err := idx.IndexManifest()
		if err != nil {
			return nil, fmt.Errorf("read index %s: %w", nref, err)
		}
		for _, m := range im.Manifests {
			if m.MediaType.IsImage() || m.MediaType.IsIndex() {
				t.Children = append(t.Children, m)
			}
		}
	}
	return t, nil
}

// Sign signs the image ref points to, by digest, with key.
func Sign(ctx context.Context, ref string, key crypto.Signer, opts SignOptions) ([]Signed, error) {
	format, err := ParseFormat(string(opts.Format))
	if err != nil {
		return nil, err
	}
	t, err := opts.Resolve(ctx, ref)
	if err != nil {
		return nil, err
	}
	descs := []v1.Descriptor{t.Descriptor}
	if opts.Recursive {
		descs = append(descs, t.Children...)
	}
	var out []Signed
	for _, d := range descs {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		s, err := signOne(ctx, t.Repo, d, key, format, &opts)
		if err != nil {
			return out, err
		}
		out = append(out, s)
	}
	return out, nil
}

func signOne(ctx context.Context, repo name.Repository, d v1.Descriptor, key crypto.Signer, format Format, opts *SignOptions) (Signed, error) {
	s := Signed{Image: repo.Digest(d.Digest.String()).String(), Digest: d.Digest.String(), MediaType: string(d.MediaType), Format: format}
	switch format {
	case FormatLegacy:
		payload, err := newSimpleSigning(repo.Name(), d.Digest.String(), opts.Annotations)
		if err != nil {
			return s, err
		}
		sig, err := signBytes(key, payload)
		if err != nil {
			return s, fmt.Errorf("sign %s: %w", s.Image, err)
		}
		tag := tagFor(repo, d.Digest, "sig")
		if err := opts.appendLegacy(ctx, tag, payload, SimpleSigningMediaType, map[string]string{SignatureAnnotation: b64(sig)}); err != nil {
			return s, err
		}
		s.Location = tag.String()
	default:
		st, err := newStatement("", d.Digest.String(), CosignSignPredicateType, []byte("{}"), opts.Annotations)
		if err != nil {
			return s, err
		}
		b, err := newDSSEBundle(key, st)
		if err != nil {
			return s, err
		}
		h, err := opts.writeReferrer(ctx, repo, d, b, CosignSignPredicateType, opts.now())
		if err != nil {
			return s, err
		}
		s.Location = repo.Digest(h.String()).String()
	}
	if opts.Logger != nil {
		opts.Logger.Debug("signed", "image", s.Image, "format", s.Format, "at", s.Location)
	}
	return s, nil
}

// sortedKeys returns the keys of m in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
