package sign

import (
	"context"
	"crypto"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// Candidate is one signature or attestation found for an image, with the
// outcome of checking it.
type Candidate struct {
	Form Format `json:"format"`
	// Location says where it was found: tag and layer index, or referrer.
	Location string `json:"location"`
	Verified bool   `json:"verified"`
	// Reason says why it did not verify (empty when verified).
	Reason string `json:"reason,omitempty"`
	// PredicateType of an attestation (or of a bundle signature).
	PredicateType string `json:"predicateType,omitempty"`
	// Annotations the signer recorded in the signed payload.
	Annotations map[string]string `json:"annotations,omitempty"`
	// Statement is the verified in-toto statement of an attestation.
	Statement *Statement `json:"statement,omitempty"`
}

// Verification is the outcome of checking an image's signatures or
// attestations against one key.
type Verification struct {
	Image  string `json:"image"` // repository@digest
	Ref    string `json:"ref"`   // as given
	Digest string `json:"digest"`
	// Candidates are every signature (or attestation) found, verified or not.
	Candidates []Candidate `json:"candidates"`
}

// Verified returns the candidates that verified.
func (v *Verification) Verified() []Candidate {
	var out []Candidate
	for _, c := range v.Candidates {
		if c.Verified {
			out = append(out, c)
		}
	}
	return out
}

// VerifyOptions configure Verify and VerifyAttestations.
type VerifyOptions struct {
	Registry
	// Annotations that a signature must carry with these values.
	Annotations map[string]string
	// PredicateType, for attestations: only this type counts ("" = any).
	PredicateType string
	Logger        *slog.Logger
}

// Verify finds the signatures of the image ref points to (legacy .sig and
// bundle referrers) and checks each against pub: the signature, that the
// signed payload names this image's digest, and the annotations asked for.
func Verify(ctx context.Context, ref string, pub crypto.PublicKey, opts VerifyOptions) (*Verification, error) {
	t, err := opts.Resolve(ctx, ref)
	if err != nil {
		return nil, err
	}
	return opts.verifyTarget(ctx, t, ref, pub, false, &opts)
}

// VerifyAttestations finds the attestations of the image ref points to and
// checks each against pub; verified candidates carry their statement.
func VerifyAttestations(ctx context.Context, ref string, pub crypto.PublicKey, opts VerifyOptions) (*Verification, error) {
	t, err := opts.Resolve(ctx, ref)
	if err != nil {
		return nil, err
	}
	if opts.PredicateType != "" {
		u, err := PredicateTypeURI(opts.PredicateType)
		if err != nil {
			return nil, err
		}
		opts.PredicateType = u
	}
	return opts.verifyTarget(ctx, t, ref, pub, true, &opts)
}

func (r Registry) verifyTarget(ctx context.Context, t *Target, ref string, pub crypto.PublicKey, attest bool, opts *VerifyOptions) (*Verification, error) {
	v := &Verification{Image: t.DigestRef(), Ref: ref, Digest: t.Digest()}
	suffix := "sig"
	if attest {
		suffix = "att"
	}
	legacy, err := r.legacyCandidates(ctx, t, suffix, pub, attest, opts)
	if err != nil {
		return nil, err
	}
	v.Candidates = append(v.Candidates, legacy...)
	bundles, err := r.bundleCandidates(ctx, t, pub, attest, opts)
	if err != nil {
		return nil, err
	}
	v.Candidates = append(v.Candidates, bundles...)
	return v, nil
}

// legacyCandidates checks every layer under the .sig or .att tag.
func (r Registry) legacyCandidates(ctx context.Context, t *Target, suffix string, pub crypto.PublicKey, attest bool, opts *VerifyOptions) ([]Candidate, error) {
	tag := tagFor(t.Repo, t.Descriptor.Digest, suffix)
	d, err := remote.Get(tag, r.options(ctx)...)
	if err != nil {
		if isNotFound(err) {
			return nil, nil
		}
		return nil, fmt.Errorf("read %s: %w", tag, err)
	}
	if len(d.Manifest) > maxManifest {
		return nil, fmt.Errorf("manifest %s is %d bytes, more than %d", tag, len(d.Manifest), maxManifest)
	}
	var m v1.Manifest
	if err := json.Unmarshal(d.Manifest, &m); err != nil {
		return []Candidate{{Form: FormatLegacy, Location: tag.String(), Reason: fmt.Sprintf("manifest is not an image manifest: %v", err)}}, nil
	}
	if len(m.Layers) > maxLayers {
		return nil, fmt.Errorf("%s has %d layers, more than %d", tag, len(m.Layers), maxLayers)
	}
	var out []Candidate
	for i, l := range m.Layers {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		c := Candidate{Form: FormatLegacy, Location: fmt.Sprintf("%s layer %d", tag, i)}
		if attest {
			c.PredicateType = l.Annotations[PredicateAnnotation]
			r.checkLegacyAttestation(ctx, t, l, pub, opts, &c)
		} else {
			r.checkLegacySignature(ctx, t, l, pub, opts, &c)
		}
		out = append(out, c)
	}
	return out, nil
}

func (r Registry) checkLegacySignature(ctx context.Context, t *Target, l v1.Descriptor, pub crypto.PublicKey, opts *VerifyOptions, c *Candidate) {
	if l.MediaType != SimpleSigningMediaType {
		c.Reason = fmt.Sprintf("layer media type %q is not a cosign signature payload", l.MediaType)
		return
	}
	sigText, ok := l.Annotations[SignatureAnnotation]
	if !ok || sigText == "" {
		c.Reason = "layer has no " + SignatureAnnotation + " annotation"
		return
	}
	sig, err := unb64(sigText)
	if err != nil {
		c.Reason = "signature annotation: " + err.Error()
		return
	}
	payload, err := r.readBlob(ctx, t.Repo, l.Digest)
	if err != nil {
		c.Reason = err.Error()
		return
	}
	if err := verifyBytes(pub, payload, sig); err != nil {
		c.Reason = err.Error()
		return
	}
	p, err := parseSimpleSigning(payload)
	if err != nil {
		c.Reason = err.Error()
		return
	}
	if got := p.Critical.Image.DockerManifestDigest; got != t.Digest() {
		c.Reason = fmt.Sprintf("signature is for digest %s, not %s (copied from another image, or the tag moved)", got, t.Digest())
		return
	}
	c.Annotations = stringify(p.Optional)
	checkAnnotations(c, opts.Annotations)
}

func (r Registry) checkLegacyAttestation(ctx context.Context, t *Target, l v1.Descriptor, pub crypto.PublicKey, opts *VerifyOptions, c *Candidate) {
	if l.MediaType != DSSEMediaType {
		c.Reason = fmt.Sprintf("layer media type %q is not a DSSE envelope", l.MediaType)
		return
	}
	blob, err := r.readBlob(ctx, t.Repo, l.Digest)
	if err != nil {
		c.Reason = err.Error()
		return
	}
	env, err := parseEnvelope(blob)
	if err != nil {
		c.Reason = err.Error()
		return
	}
	checkStatementEnvelope(env, t.Digest(), pub, true, opts, c)
}

// checkStatementEnvelope verifies a DSSE envelope holding an in-toto
// statement about digest: a signature (predicate sign/v1) or an attestation.
func checkStatementEnvelope(env *Envelope, digest string, pub crypto.PublicKey, attest bool, opts *VerifyOptions, c *Candidate) {
	if env.PayloadType != InTotoPayloadType {
		c.Reason = fmt.Sprintf("DSSE payload type %q is not an in-toto statement", env.PayloadType)
		return
	}
	payload, err := verifyEnvelope(pub, env)
	if err != nil {
		c.Reason = err.Error()
		return
	}
	st, err := parseStatement(payload)
	if err != nil {
		c.Reason = err.Error()
		return
	}
	c.PredicateType = st.PredicateType
	sub, ok := st.subjectFor(digest)
	if !ok {
		c.Reason = fmt.Sprintf("statement is about %s, not %s (copied from another image, or the tag moved)", st.subjectDigests(), digest)
		return
	}
	c.Annotations = stringify(sub.Annotations)
	switch {
	case !attest && st.PredicateType != CosignSignPredicateType:
		c.Reason = fmt.Sprintf("predicate type %s is an attestation, not a signature", st.PredicateType)
		return
	case attest && st.PredicateType == CosignSignPredicateType:
		c.Reason = "this is an image signature, not an attestation"
		return
	case attest && opts.PredicateType != "" && st.PredicateType != opts.PredicateType:
		c.Reason = fmt.Sprintf("predicate type %s, want %s", st.PredicateType, opts.PredicateType)
		return
	}
	if attest {
		c.Statement = st
	}
	checkAnnotations(c, opts.Annotations)
}

// bundleCandidates checks every Sigstore bundle referring to the image.
func (r Registry) bundleCandidates(ctx context.Context, t *Target, pub crypto.PublicKey, attest bool, opts *VerifyOptions) ([]Candidate, error) {
	refs, err := r.referrers(ctx, t.Repo, t.Descriptor.Digest)
	if err != nil {
		return nil, err
	}
	var out []Candidate
	for _, d := range refs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		// Some registries report the config media type as artifactType
		// (the empty descriptor): such referrers are opened and kept only
		// when they hold a bundle.
		sure := d.ArtifactType == BundleMediaType
		if !sure && d.ArtifactType != "" && d.ArtifactType != emptyMediaType {
			continue
		}
		pt := d.Annotations["dev.sigstore.bundle.predicateType"]
		// Skip early what is plainly the other kind; the statement decides otherwise.
		if pt != "" && (pt == CosignSignPredicateType) == attest {
			continue
		}
		c := Candidate{Form: FormatBundle, Location: t.Repo.Digest(d.Digest.String()).String(), PredicateType: pt}
		r.checkBundle(ctx, t, d, pub, attest, opts, &c)
		if !sure && strings.HasPrefix(c.Reason, "not a Sigstore bundle") {
			continue
		}
		out = append(out, c)
	}
	return out, nil
}

// referrers lists the manifests referring to digest (API or tag fallback).
func (r Registry) referrers(ctx context.Context, repo name.Repository, digest v1.Hash) ([]v1.Descriptor, error) {
	idx, err := remote.Referrers(repo.Digest(digest.String()), r.options(ctx)...)
	if err != nil {
		if isNotFound(err) {
			return nil, nil
		}
		return nil, fmt.Errorf("list referrers of %s: %w", digest, err)
	}
	im, err := idx.IndexManifest()
	if err != nil {
		if isNotFound(err) {
			return nil, nil
		}
		return nil, fmt.Errorf("list referrers of %s: %w", digest, err)
	}
	if len(im.Manifests) > maxLayers {
		return nil, fmt.Errorf("%s has %d referrers, more than %d", digest, len(im.Manifests), maxLayers)
	}
	return im.Manifests, nil
}

func (r Registry) checkBundle(ctx context.Context, t *Target, d v1.Descriptor, pub crypto.PublicKey, attest bool, opts *VerifyOptions, c *Candidate) {
	md, err := remote.Get(t.Repo.Digest(d.Digest.String()), r.options(ctx)...)
	if err != nil {
		c.Reason = fmt.Sprintf("fetch referrer manifest: %v", err)
		return
	}
	if len(md.Manifest) > maxManifest {
		c.Reason = fmt.Sprintf("referrer manifest is %d bytes, more than %d", len(md.Manifest), maxManifest)
		return
	}
	var m v1.Manifest
	if err := json.Unmarshal(md.Manifest, &m); err != nil {
		c.Reason = fmt.Sprintf("referrer manifest: %v", err)
		return
	}
	if m.Subject == nil || m.Subject.Digest != t.Descriptor.Digest {
		c.Reason = fmt.Sprintf("referrer's subject is not %s", t.Digest())
		return
	}
	var layer *v1.Descriptor
	for i := range m.Layers {
		if m.Layers[i].MediaType == BundleMediaType {
			layer = &m.Layers[i]
			break
		}
	}
	if layer == nil {
		c.Reason = "not a Sigstore bundle: referrer has no " + BundleMediaType + " layer"
		return
	}
	blob, err := r.readBlob(ctx, t.Repo, layer.Digest)
	if err != nil {
		c.Reason = err.Error()
		return
	}
	b, err := parseBundle(blob)
	if err != nil {
		c.Reason = err.Error()
		return
	}
	checkStatementEnvelope(b.DSSEEnvelope, t.Digest(), pub, attest, opts, c)
}

// checkAnnotations fails c when an annotation asked for is missing or differs.
func checkAnnotations(c *Candidate, want map[string]string) {
	for _, k := range sortedKeys(want) {
		got, ok := c.Annotations[k]
		switch {
		case !ok:
			c.Reason = fmt.Sprintf("annotation %s=%s required, but the signature has no %s", k, want[k], k)
			return
		case got != want[k]:
			c.Reason = fmt.Sprintf("annotation %s is %q, want %q", k, got, want[k])
			return
		}
	}
	c.Verified = true
}

// stringify renders annotation values (JSON of any type) as strings.
func stringify(m map[string]any) map[string]string {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		switch v := v.(type) {
		case string:
			out[k] = v
		default:
			b, _ := json.Marshal(v)
			out[k] = string(b)
		}
	}
	return out
}
