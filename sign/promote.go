package sign

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// PromoteOptions configure Promote.
type PromoteOptions struct {
	Registry
	// Policy must pass for the source image; nil promotes without a check
	// (callers decide whether that is allowed).
	Policy *TrustPolicy
	// Force overwrites a destination tag that points to another digest.
	Force  bool
	Logger *slog.Logger
}

// Promotion reports what Promote did.
type Promotion struct {
	Source      string         `json:"source"`      // repository@digest
	Destination string         `json:"destination"` // as given
	Digest      string         `json:"digest"`
	Decision    *TrustDecision `json:"decision,omitempty"`
	// Copied lists what was copied: the image (and its platforms), then
	// signatures and attestations, legacy tags and referrers.
	Copied []string `json:"copied,omitempty"`
}

// ErrPolicy is returned (wrapped) when the trust policy refuses the source.
var ErrPolicy = errors.New("trust policy refused the image")

// ErrTagExists is returned (wrapped) when the destination tag points to
// another digest and Force is not set.
var ErrTagExists = errors.New("destination tag points to another image")

// Promote copies the image src points to, by digest, to dst (a tag, a digest
// or a bare repository), with every platform of an index and the signatures
// and attestations of each manifest, once the trust policy passes for src.
func Promote(ctx context.Context, src, dst string, opts PromoteOptions) (*Promotion, error) {
	t, err := opts.Resolve(ctx, src)
	if err != nil {
		return nil, err
	}
	p := &Promotion{Source: t.DigestRef(), Destination: dst, Digest: t.Digest()}
	if opts.Policy != nil {
		d, err := opts.Policy.evaluateTarget(ctx, t, opts.Registry)
		if err != nil {
			return nil, err
		}
		p.Decision = d
		if !d.Pass {
			return p, fmt.Errorf("%w: %s: %s", ErrPolicy, t.DigestRef(), strings.Join(d.Reasons, "; "))
		}
	}
	dref, tagged, err := opts.destination(dst, t)
	if err != nil {
		return p, err
	}
	if tagged {
		if err := opts.checkTag(ctx, dref, t, opts.Force); err != nil {
			return p, err
		}
	}
	dstRepo := dref.Context()
	// The image itself, by digest first, then the tag.
	byDigest := dstRepo.Digest(t.Digest())
	if err := opts.copyManifest(ctx, t.Repo.Digest(t.Digest()), byDigest); err != nil {
		return p, err
	}
	p.Copied = append(p.Copied, byDigest.String())
	if tagged {
		if err := opts.copyManifest(ctx, t.Repo.Digest(t.Digest()), dref); err != nil {
			return p, err
		}
		p.Copied = append(p.Copied, dref.String())
	}
	// Signatures and attestations of the index and of each platform.
	digests := []v1.Hash{t.Descriptor.Digest}
	for _, c := range t.Children {
		digests = append(digests, c.Digest)
	}
	for _, d := range digests {
		if err := ctx.Err(); err != nil {
			return p, err
		}
		copied, err := opts.copyAttached(ctx, t.Repo, dstRepo, d)
		if err != nil {
			return p, err
		}
		p.Copied = append(p.Copied, copied...)
	}
	if opts.Logger != nil {
		opts.Logger.Debug("promoted", "source", p.Source, "destination", dst, "copied", len(p.Copied))
	}
	return p, nil
}

// destination parses dst; tagged is false for a digest or a bare repository.
func (r Registry) destination(dst string, t *Target) (name.Reference, bool, error) {
	ref, err := r.parse(dst)
	if err != nil {
		return nil, false, err
	}
	switch ref := ref.(type) {
	case name.Digest:
		if ref.DigestStr() != t.Digest() {
			return nil, false, fmt.Errorf("destination %s names digest %s, but the source is %s", dst, ref.DigestStr(), t.Digest())
		}
		return ref, false, nil
	case name.Tag:
		// A bare repository parses as :latest; promote it by digest only.
		if ref.TagStr() == "latest" && !strings.HasSuffix(strings.TrimPrefix(dst, "registry:"), ":latest") {
			return ref.Context().Digest(t.Digest()), false, nil
		}
		return ref, true, nil
	}
	return ref, false, nil
}

// checkTag refuses to move an existing tag unless forced.
func (r Registry) checkTag(ctx context.Context, tag name.Reference, t *Target, force bool) error {
	d, err := remote.Head(tag, r.options(ctx)...)
	if err != nil {
		if isNotFound(err) {
			return nil
		}
		return fmt.Errorf("check destination %s: %w", tag, err)
	}
	if d.Digest == t.Descriptor.Digest || force {
		return nil
	}
	return fmt.Errorf("%w: %s is %s, not %s; tags are immutable here (use --force to move it)", ErrTagExists, tag, d.Digest, t.Digest())
}

// copyManifest copies one manifest (image or index, with its blobs and
// children) from src to dst, keeping its exact bytes and digest.
func (r Registry) copyManifest(ctx context.Context, src, dst name.Reference) error {
	d, err := remote.Get(src, r.options(ctx)...)
	if err != nil {
		return fmt.Errorf("read %s: %w", src, err)
	}
	if d.MediaType.IsIndex() {
		idx, err := d.ImageIndex()
		if err != nil {
			return fmt.Errorf("read index %s: %w", src, err)
		}
		if err := remote.WriteIndex(dst, idx, r.options(ctx)...); err != nil {
			return fmt.Errorf("copy %s to %s: %w", src, dst, err)
		}
		return nil
	}
	img, err := d.Image()
	if err != nil {
		return fmt.Errorf("read image %s: %w", src, err)
	}
	if err := remote.Write(dst, img, r.options(ctx)...); err != nil {
		return fmt.Errorf("copy %s to %s: %w", src, dst, err)
	}
	return nil
}

// copyAttached copies the .sig and .att tags and the referrers of digest.
func (r Registry) copyAttached(ctx context.Context, src, dst name.Repository, digest v1.Hash) ([]string, error) {
	var copied []string
	for _, suffix := range []string{"sig", "att"} {
		from, to := tagFor(src, digest, suffix), tagFor(dst, digest, suffix)
		ok, err := r.mergeLegacy(ctx, from, to)
		if err != nil {
			return copied, err
		}
		if ok {
			copied = append(copied, to.String())
		}
	}
	refs, err := r.referrers(ctx, src, digest)
	if err != nil {
		return copied, err
	}
	for _, d := range refs {
		to := dst.Digest(d.Digest.String())
		if err := r.copyManifest(ctx, src.Digest(d.Digest.String()), to); err != nil {
			return copied, err
		}
		copied = append(copied, to.String())
	}
	return copied, nil
}

// mergeLegacy copies a .sig/.att image, adding its layers to any already at
// the destination tag. It reports whether there was anything to copy.
func (r Registry) mergeLegacy(ctx context.Context, from, to name.Tag) (bool, error) {
	src, err := remote.Image(from, r.options(ctx)...)
	if err != nil {
		if isNotFound(err) {
			return false, nil
		}
		return false, fmt.Errorf("read %s: %w", from, err)
	}
	existing, err := remote.Image(to, r.options(ctx)...)
	if err != nil {
		if !isNotFound(err) {
			return false, fmt.Errorf("read %s: %w", to, err)
		}
		if err := remote.Write(to, src, r.options(ctx)...); err != nil {
			return false, fmt.Errorf("copy %s to %s: %w", from, to, err)
		}
		return true, nil
	}
	have, err := existing.Manifest()
	if err != nil {
		return false, err
	}
	seen := map[string]bool{}
	for _, l := range have.Layers {
		seen[l.Digest.String()+"\x00"+l.Annotations[SignatureAnnotation]] = true
	}
	sm, err := src.Manifest()
	if err != nil {
		return false, err
	}
	layers, err := src.Layers()
	if err != nil {
		return false, err
	}
	out := existing
	added := 0
	for i, l := range sm.Layers {
		if seen[l.Digest.String()+"\x00"+l.Annotations[SignatureAnnotation]] {
			continue
		}
		out, err = mutate.Append(out, mutate.Addendum{Layer: layers[i], Annotations: l.Annotations, MediaType: l.MediaType})
		if err != nil {
			return false, err
		}
		added++
	}
	if added == 0 {
		return true, nil
	}
	if err := remote.Write(to, out, r.options(ctx)...); err != nil {
		return false, fmt.Errorf("merge %s into %s: %w", from, to, err)
	}
	return true, nil
}
