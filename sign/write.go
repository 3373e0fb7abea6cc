package sign

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/static"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// appendLegacy adds one layer to the cosign image under tag (.sig or .att),
// creating it when absent, keeping the layers already there.
func (r Registry) appendLegacy(ctx context.Context, tag name.Tag, blob []byte, mt types.MediaType, annotations map[string]string) error {
	base, err := remote.Image(tag, r.options(ctx)...)
	switch {
	case err == nil:
	case isNotFound(err):
		base = mutate.ConfigMediaType(mutate.MediaType(empty.Image, types.OCIManifestSchema1), types.OCIConfigJSON)
	default:
		return fmt.Errorf("read existing %s: %w", tag, err)
	}
	img, err := mutate.Append(base, mutate.Addendum{
		Layer:       static.NewLayer(blob, mt),
		Annotations: annotations,
	})
	if err != nil {
		return fmt.Errorf("add layer to %s: %w", tag, err)
	}
	if err := remote.Write(tag, img, r.options(ctx)...); err != nil {
		return fmt.Errorf("push %s: %w", tag, err)
	}
	return nil
}

// emptyJSON is the OCI empty descriptor's content.
var emptyJSON = []byte("{}")

// writeReferrer pushes a bundle as an OCI 1.1 referrer of subject, as cosign
// does (BUNDLE_SPEC.md). go-containerregistry maintains the referrers tag
// (sha256-<hex>) when the registry has no referrers API.
func (r Registry) writeReferrer(ctx context.Context, repo name.Repository, subject v1.Descriptor, bundle []byte, predicateType string, now time.Time) (v1.Hash, error) {
	bundleLayer := static.NewLayer(bundle, BundleMediaType)
	cfgLayer := static.NewLayer(emptyJSON, emptyMediaType)
	for _, l := range []v1.Layer{cfgLayer, bundleLayer} {
		if err := remote.WriteLayer(repo, l, r.options(ctx)...); err != nil {
			return v1.Hash{}, fmt.Errorf("push bundle blob to %s: %w", repo, err)
		}
	}
	bd, _ := bundleLayer.Digest()
	cd, _ := cfgLayer.Digest()
	m := v1.Manifest{
		SchemaVersion: 2,
		MediaType:     types.OCIManifestSchema1,
		ArtifactType:  BundleMediaType,
		Config:        v1.Descriptor{MediaType: emptyMediaType, Digest: cd, Size: int64(len(emptyJSON))},
		Layers: []v1.Descriptor{{
			MediaType:   BundleMediaType,
			Digest:      bd,
			Size:        int64(len(bundle)),
			Annotations: map[string]string{"org.opencontainers.image.title": fmt.Sprintf("%s-%s.sigstore.json", bd.Algorithm, bd.Hex)},
		}},
		Annotations: map[string]string{
			"org.opencontainers.image.created":  now.UTC().Format(time.RFC3339),
			"dev.sigstore.bundle.content":       "dsse-envelope",
			"dev.sigstore.bundle.predicateType": predicateType,
		},
		Subject: &v1.Descriptor{MediaType: subject.MediaType, Digest: subject.Digest, Size: subject.Size},
	}
	raw, err := json.Marshal(m)
	if err != nil {
		return v1.Hash{}, fmt.Errorf("encode referrer manifest: %w", err)
	}
	h, _, err := v1.SHA256(bytes.NewReader(raw))
	if err != nil {
		return v1.Hash{}, err
	}
	if err := remote.Put(repo.Digest(h.String()), rawManifest{raw: raw, mt: types.OCIManifestSchema1}, r.options(ctx)...); err != nil {
		return v1.Hash{}, fmt.Errorf("push referrer manifest to %s: %w", repo, err)
	}
	return h, nil
}
