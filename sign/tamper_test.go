package sign

import (
	"encoding/base64"
	"encoding/json"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/static"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// These helpers act as an attacker with write access to the registry.

func resolveT(t *testing.T, ref string) *Target {
	t.Helper()
	tg, err := Registry{}.Resolve(ctx(t), ref)
	if err != nil {
		t.Fatal(err)
	}
	return tg
}

// replaceLegacyPayload rewrites the first signature payload under the .sig
// tag of ref, keeping its signature annotation.
func replaceLegacyPayload(t *testing.T, ref string, edit func(string) string) {
	t.Helper()
	tg := resolveT(t, ref)
	tag := tagFor(tg.Repo, tg.Descriptor.Digest, "sig")
	img, err := remote.Image(tag)
	if err != nil {
		t.Fatal(err)
	}
	m, _ := img.Manifest()
	payload, err := Registry{}.readBlob(ctx(t), tg.Repo, m.Layers[0].Digest)
	if err != nil {
		t.Fatal(err)
	}
	base := mutate.ConfigMediaType(mutate.MediaType(empty.Image, types.OCIManifestSchema1), types.OCIConfigJSON)
	out, err := mutate.Append(base, mutate.Addendum{
		Layer:       static.NewLayer([]byte(edit(string(payload))), SimpleSigningMediaType),
		Annotations: m.Layers[0].Annotations,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(tag, out); err != nil {
		t.Fatal(err)
	}
}

// firstBundle returns the first bundle referrer of ref and its bytes.
func firstBundle(t *testing.T, ref string) (*Target, v1.Descriptor, []byte) {
	t.Helper()
	tg := resolveT(t, ref)
	refs, err := Registry{}.referrers(ctx(t), tg.Repo, tg.Descriptor.Digest)
	if err != nil || len(refs) == 0 {
		t.Fatalf("referrers of %s: %v (%d)", ref, err, len(refs))
	}
	img, err := remote.Image(tg.Repo.Digest(refs[0].Digest.String()))
	if err != nil {
		t.Fatal(err)
	}
	m, _ := img.Manifest()
	b, err := Registry{}.readBlob(ctx(t), tg.Repo, m.Layers[0].Digest)
	if err != nil {
		t.Fatal(err)
	}
	return tg, refs[0], b
}

// replaceBundlePayload swaps the signed statement of the first bundle for an
// edited one (an added annotation), keeping the signature.
func replaceBundlePayload(t *testing.T, ref string) {
	t.Helper()
	tg, desc, raw := firstBundle(t, ref)
	var b Bundle
	if err := json.Unmarshal(raw, &b); err != nil {
		t.Fatal(err)
	}
	st, _ := base64.StdEncoding.DecodeString(b.DSSEEnvelope.Payload)
	var s Statement
	if err := json.Unmarshal(st, &s); err != nil {
		t.Fatal(err)
	}
	s.Subject[0].Annotations = map[string]any{"env": "prod"}
	st, _ = json.Marshal(s)
	b.DSSEEnvelope.Payload = base64.StdEncoding.EncodeToString(st)
	raw, _ = json.Marshal(b)
	// Take the original out of the referrers tag index, then delete it.
	fallback := tg.Repo.Tag(tg.Descriptor.Digest.Algorithm + "-" + tg.Descriptor.Digest.Hex)
	if idx, err := remote.Index(fallback); err == nil {
		im, _ := idx.IndexManifest()
		var keep []v1.Descriptor
		for _, m := range im.Manifests {
			if m.Digest != desc.Digest {
				keep = append(keep, m)
			}
		}
		im.Manifests = keep
		body, _ := json.Marshal(im)
		if err := remote.Put(fallback, rawManifest{raw: body, mt: types.OCIImageIndex}); err != nil {
			t.Fatal(err)
		}
	}
	if err := remote.Delete(tg.Repo.Digest(desc.Digest.String())); err != nil {
		t.Fatal(err)
	}
	if _, err := (Registry{}).writeReferrer(ctx(t), tg.Repo, tg.Descriptor, raw, CosignSignPredicateType, time.Now()); err != nil {
		t.Fatal(err)
	}
}

// copySig copies the .sig image of from to the .sig tag of another digest.
func copySig(t *testing.T, host, from, toDigest string) {
	t.Helper()
	tg := resolveT(t, host+from)
	img, err := remote.Image(tagFor(tg.Repo, tg.Descriptor.Digest, "sig"))
	if err != nil {
		t.Fatal(err)
	}
	h, _ := v1.NewHash(toDigest)
	if err := remote.Write(tagFor(tg.Repo, h, "sig"), img); err != nil {
		t.Fatal(err)
	}
}

// rebindBundle attaches the bundle of from as a referrer of another image.
func rebindBundle(t *testing.T, host, from, toDigest string) {
	t.Helper()
	tg, _, raw := firstBundle(t, host+from)
	other := resolveT(t, tg.Repo.Digest(toDigest).String())
	if _, err := (Registry{}).writeReferrer(ctx(t), tg.Repo, other.Descriptor, raw, CosignSignPredicateType, time.Now()); err != nil {
		t.Fatal(err)
	}
}
