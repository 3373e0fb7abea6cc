package image

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// DefaultPlatform is chosen from a multi-platform index when Options.Platform
// is empty.
const DefaultPlatform = "linux/amd64"

// Options choose an image inside a target. The zero value works.
type Options struct {
	// Platform is os/arch[/variant] to pick from a multi-platform index;
	// DefaultPlatform when empty.
	Platform string
	// Tag picks one image from an archive or layout holding several
	// (docker save of several tags, an OCI layout with ref.name annotations).
	Tag string
	// Insecure allows plain HTTP to a registry on localhost only.
	Insecure bool
	// Keychain authenticates to registries; authn.DefaultKeychain (the
	// docker config and its credential helpers) when nil.
	Keychain authn.Keychain
	// Transport is the HTTP transport for registries; when nil, a
	// netguard transport under the context's network policy (offline:
	// loopback only).
	Transport http.RoundTripper
}

// Open opens the image a target string names (see ParseTarget).
func Open(ctx context.Context, target string, opts Options) (*Image, error) {
	t, err := ParseTarget(target)
	if err != nil {
		return nil, err
	}
	return OpenTarget(ctx, t, opts)
}

// OpenTarget opens a parsed target.
func OpenTarget(ctx context.Context, t Target, opts Options) (*Image, error) {
	var (
		img *Image
		err error
	)
	switch t.Kind {
	case KindOCIDir:
		img, err = openLayout(t.Path, false, opts)
	case KindOCIArchive:
		img, err = openLayout(t.Path, true, opts)
	case KindDockerArchive:
		img, err = openDockerArchive(t.Path, opts)
	case KindRegistry:
		img, err = openRegistry(ctx, t.Path, opts)
	default:
		return nil, fmt.Errorf("target %s is not an image (want oci-dir:, oci-archive:, docker-archive: or registry:)", t)
	}
	if err != nil {
		return nil, err
	}
	img.Name = t.Path
	img.Kind = t.Kind
	if opts.Platform != "" && img.Config != nil {
		want, err := wantPlatform(opts)
		if err != nil {
			img.Close()
			return nil, err
		}
		if p := img.Config.Platform(); p != nil && p.OS != "" && !p.Satisfies(*want) {
			img.Close()
			return nil, fmt.Errorf("the image is %s, not %s (--platform)", platformString(*p), platformString(*want))
		}
	}
	return img, nil
}

func wantPlatform(opts Options) (*v1.Platform, error) {
	s := opts.Platform
	if s == "" {
		s = DefaultPlatform
	}
	p, err := v1.ParsePlatform(s)
	if err != nil {
		return nil, fmt.Errorf("--platform %q: %w", s, err)
	}
	return p, nil
}

// blobName is where a layout keeps a blob.
func blobName(h v1.Hash) string { return "blobs/" + h.Algorithm + "/" + h.Hex }

// openLayout reads an OCI image layout from a directory or an OCI archive.
func openLayout(p string, archive bool, opts Options) (img *Image, err error) {
	var s store
	if archive {
		s, err = openTarStore(p)
	} else {
		s, err = openDirStore(p)
	}
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			s.Close()
		}
	}()
	raw, err := readMeta(s, "index.json")
	if err != nil {
		return nil, err
	}
	idx, err := v1.ParseIndexManifest(strings.NewReader(string(raw)))
	if err != nil {
		return nil, fmt.Errorf("parse index.json in %s: %w", p, err)
	}
	img = &Image{closers: []io.Closer{s}}
	desc, err := chooseManifest(s, idx, opts, img, 0)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	if err := readImageManifest(s, desc, img); err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	return img, nil
}

const (
	annotationRefName        = "org.opencontainers.image.ref.name"
	annotationContainerdName = "io.containerd.image.name"
)

// chooseManifest picks an image manifest from an index: by tag when asked,
// then by platform, descending into nested indexes.
func chooseManifest(s store, idx *v1.IndexManifest, opts Options, img *Image, depth int) (v1.Descriptor, error) {
	if depth > 4 {
		return v1.Descriptor{}, fmt.Errorf("indexes nested too deep")
	}
	cands := idx.Manifests
	if depth == 0 && opts.Tag != "" {
		var match []v1.Descriptor
		for _, d := range cands {
			if tagMatches(opts.Tag, d.Annotations[annotationRefName]) || tagMatches(opts.Tag, d.Annotations[annotationContainerdName]) {
				match = append(match, d)
			}
		}
		if len(match) == 0 {
			return v1.Descriptor{}, fmt.Errorf("no image tagged %q (has %s)", opts.Tag, listRefs(cands))
		}
		cands = match
		img.Tag = opts.Tag
	}
	if len(cands) == 0 {
		return v1.Descriptor{}, fmt.Errorf("the index lists no manifest")
	}
	if depth == 0 && opts.Tag == "" {
		refs := map[string]bool{}
		for _, d := range cands {
			if r := d.Annotations[annotationRefName]; r != "" {
				refs[r] = true
			}
		}
		if len(refs) > 1 {
			return v1.Descriptor{}, fmt.Errorf("holds several images (%s): choose one with --tag", listRefs(cands))
		}
	}
	var chosen v1.Descriptor
	if len(cands) == 1 {
		chosen = cands[0]
	} else {
		d, err := choosePlatform(cands, opts, img)
		if err != nil {
			return v1.Descriptor{}, err
		}
		chosen = d
	}
	if chosen.MediaType.IsIndex() {
		raw, err := readMeta(s, blobName(chosen.Digest))
		if err != nil {
			return v1.Descriptor{}, err
		}
		if err := verifyDigest(raw, chosen.Digest); err != nil {
			return v1.Descriptor{}, err
		}
		child, err := v1.ParseIndexManifest(strings.NewReader(string(raw)))
		if err != nil {
			return v1.Descriptor{}, fmt.Errorf("parse index %s: %w", chosen.Digest, err)
		}
		return chooseManifest(s, child, opts, img, depth+1)
	}
	return chosen, nil
}

func tagMatches(want, have string) bool {
	if have == "" {
		return false
	}
	if want == have {
		return true
	}
	// A layout ref.name is often just the tag; a containerd name is a full reference.
	if !strings.ContainsAny(have, ":/@") && strings.HasSuffix(want, ":"+have) {
		return true
	}
	a, errA := name.ParseReference(want)
	b, errB := name.ParseReference(have)
	return errA == nil && errB == nil && a.Name() == b.Name()
}

func listRefs(ds []v1.Descriptor) string {
	var refs []string
	for _, d := range ds {
		r := d.Annotations[annotationRefName]
		if c := d.Annotations[annotationContainerdName]; c != "" {
			r = c
		}
		if r == "" {
			r = d.Digest.String()
		}
		if !slices.Contains(refs, r) {
			refs = append(refs, r)
		}
	}
	return strings.Join(refs, ", ")
}

// choosePlatform picks the manifest for the wanted platform among several.
func choosePlatform(cands []v1.Descriptor, opts Options, img *Image) (v1.Descriptor, error) {
	want, err := wantPlatform(opts)
	if err != nil {
		return v1.Descriptor{}, err
	}
	var have []string
	found := -1
	for i, d := range cands {
		if d.Platform == nil || d.Platform.OS == "unknown" {
			continue // attestation manifests
		}
		have = append(have, platformString(*d.Platform))
		if found < 0 && d.Platform.Satisfies(*want) {
			found = i
		}
	}
	if len(have) == 0 {
		return v1.Descriptor{}, fmt.Errorf("several manifests without platform or tag: choose one with --tag")
	}
	if found < 0 {
		return v1.Descriptor{}, fmt.Errorf("no manifest for platform %s (has %s): use --platform", platformString(*want), strings.Join(have, ", "))
	}
	if opts.Platform == "" && len(have) > 1 {
		img.Notes = append(img.Notes, fmt.Sprintf("multi-platform image: chose %s by default (--platform picks another of %s)", DefaultPlatform, strings.Join(have, ", ")))
	}
	return cands[found], nil
}

func verifyDigest(b []byte, want v1.Hash) error {
	got, _, err := v1.SHA256(strings.NewReader(string(b)))
	if err != nil {
		return err
	}
	if want.Algorithm == "sha256" && got != want {
		return fmt.Errorf("blob %s has digest %s: the archive is corrupt or was tampered with", want, got)
	}
	return nil
}

// readImageManifest reads an image manifest and its config from a layout.
func readImageManifest(s store, desc v1.Descriptor, img *Image) error {
	raw, err := readMeta(s, blobName(desc.Digest))
	if err != nil {
		return err
	}
	if err := verifyDigest(raw, desc.Digest); err != nil {
		return err
	}
	m, err := v1.ParseManifest(strings.NewReader(string(raw)))
	if err != nil {
		return fmt.Errorf("parse manifest %s: %w", desc.Digest, err)
	}
	if m.Config.MediaType != "" && !m.Config.MediaType.IsConfig() && m.Config.MediaType != types.DockerConfigJSON {
		return fmt.Errorf("manifest %s is not an image (config media type %s)", desc.Digest, m.Config.MediaType)
	}
	img.ManifestDigest = desc.Digest.String()
	img.Annotations = m.Annotations
	if err := setConfig(s, m.Config.Digest, img); err != nil {
		return err
	}
	for _, l := range m.Layers {
		name := blobName(l.Digest)
		img.Layers = append(img.Layers, Layer{
			Digest: l.Digest.String(), Size: l.Size, MediaType: string(l.MediaType),
			open: func() (io.ReadCloser, error) { rc, _, err := s.open(name); return rc, err },
		})
	}
	return img.finish()
}

func setConfig(s store, digest v1.Hash, img *Image) error {
	raw, err := readMeta(s, blobName(digest))
	if err != nil {
		return err
	}
	if err := verifyDigest(raw, digest); err != nil {
		return err
	}
	return img.setRawConfig(raw, digest.String())
}

func (img *Image) setRawConfig(raw []byte, digest string) error {
	cfg, err := v1.ParseConfigFile(strings.NewReader(string(raw)))
	if err != nil {
		return fmt.Errorf("parse image config %s: %w", digest, err)
	}
	img.Config, img.RawConfig, img.ConfigDigest = cfg, raw, digest
	return nil
}

// dockerManifest is one entry of a docker save manifest.json
// (https://github.com/moby/moby/blob/master/image/spec/v1.2.md, "combined image JSON + filesystem changeset format").
type dockerManifest struct {
	Config   string
	RepoTags []string
	Layers   []string
}

func openDockerArchive(p string, opts Options) (img *Image, err error) {
	s, err := openTarStore(p)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			s.Close()
		}
	}()
	raw, err := readMeta(s, "manifest.json")
	if err != nil {
		return nil, err
	}
	var ms []dockerManifest
	if err := json.Unmarshal(raw, &ms); err != nil {
		return nil, fmt.Errorf("parse manifest.json in %s: %w", p, err)
	}
	img = &Image{closers: []io.Closer{s}}
	m, err := chooseDockerImage(ms, opts.Tag, img)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	rawCfg, err := readMeta(s, m.Config)
	if err != nil {
		return nil, err
	}
	digest, _, err := v1.SHA256(strings.NewReader(string(rawCfg)))
	if err != nil {
		return nil, err
	}
	if err := img.setRawConfig(rawCfg, digest.String()); err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	for _, l := range m.Layers {
		l := l
		var size int64
		if rc, n, err := s.open(l); err == nil {
			rc.Close()
			size = n
		} else {
			return nil, err
		}
		layer := Layer{Size: size, open: func() (io.ReadCloser, error) { rc, _, err := s.open(l); return rc, err }}
		if hex, ok := strings.CutPrefix(l, "blobs/sha256/"); ok {
			layer.Digest = "sha256:" + hex
		}
		img.Layers = append(img.Layers, layer)
	}
	if err := img.finish(); err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	for i := range img.Layers {
		if img.Layers[i].Digest == "" { // legacy layer.tar: stored uncompressed
			img.Layers[i].Digest = img.Layers[i].DiffID
		}
	}
	img.ManifestDigest, img.Annotations = dockerIndexManifest(s, img.ConfigDigest)
	return img, nil
}

func chooseDockerImage(ms []dockerManifest, tag string, img *Image) (dockerManifest, error) {
	if len(ms) == 0 {
		return dockerManifest{}, fmt.Errorf("manifest.json lists no image")
	}
	var all []string
	for _, m := range ms {
		all = append(all, m.RepoTags...)
	}
	if tag == "" {
		if len(ms) > 1 {
			return dockerManifest{}, fmt.Errorf("holds %d images (%s): choose one with --tag", len(ms), strings.Join(all, ", "))
		}
		if len(ms[0].RepoTags) > 0 {
			img.Tag = ms[0].RepoTags[0]
		}
		return ms[0], nil
	}
	for _, m := range ms {
		for _, t := range m.RepoTags {
			if tagMatches(tag, t) {
				img.Tag = t
				return m, nil
			}
		}
	}
	return dockerManifest{}, fmt.Errorf("no image tagged %q (has %s)", tag, strings.Join(all, ", "))
}

// dockerIndexManifest finds the manifest digest and annotations in archives made
// by Docker 25 and later, which carry an OCI index beside manifest.json.
func dockerIndexManifest(s store, configDigest string) (string, map[string]string) {
	raw, err := readMeta(s, "index.json")
	if err != nil {
		return "", nil
	}
	idx, err := v1.ParseIndexManifest(strings.NewReader(string(raw)))
	if err != nil {
		return "", nil
	}
	for _, d := range idx.Manifests {
		if !d.MediaType.IsImage() {
			continue
		}
		mraw, err := readMeta(s, blobName(d.Digest))
		if err != nil {
			continue
		}
		m, err := v1.ParseManifest(strings.NewReader(string(mraw)))
		if err == nil && m.Config.Digest.String() == configDigest {
			return d.Digest.String(), m.Annotations
		}
	}
	return "", nil
}
