// Package artifact keeps the advisory database in an OCI registry: Push
// uploads the database file as the single layer of an OCI artifact; Pull
// downloads it (the registry client verifies the digest), checks that it is
// a database this binary can read, and swaps it in atomically. An internal
// registry thus mirrors the database for air-gapped pipelines.
package artifact

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/static"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/sluice-dev/sluice/internal/netguard"
	"github.com/sluice-dev/sluice/internal/safeio"
	"github.com/sluice-dev/sluice/vulndb"
)

// Media types of the artifact.
const (
	ConfigMediaType types.MediaType = "application/vnd.sluice.db.config.v1+json"
	LayerMediaType  types.MediaType = "application/vnd.sluice.db.layer.v1.sqlite"
)

// MaxSize bounds a pulled database.
const MaxSize = 4 << 30

// Options configure Push and Pull. The zero value uses the Docker config
// keychain and HTTPS.
type Options struct {
	// Insecure allows plain HTTP registries.
	Insecure bool
	// Transport is the HTTP transport; when nil, a netguard transport under
	// the context's network policy (offline: loopback only).
	Transport http.RoundTripper
	// Keychain supplies credentials; nil means the Docker config.
	Keychain authn.Keychain
}

func (o Options) ref(s string) (name.Reference, error) {
	var nopts []name.Option
	if o.Insecure {
		nopts = append(nopts, name.Insecure)
	}
	r, err := name.ParseReference(s, nopts...)
	if err != nil {
		return nil, fmt.Errorf("reference %q: %w", s, err)
	}
	return r, nil
}

func (o Options) remote(ctx context.Context) []remote.Option {
	return netguard.RegistryOptions(ctx, "db registry", o.Transport, o.Keychain)
}

// Push uploads the database at dbPath to ref and returns the manifest digest.
func Push(ctx context.Context, dbPath, ref string, opts Options) (string, error) {
	s, err := vulndb.Open(ctx, dbPath)
	if err != nil {
		return "", err
	}
	info := s.Info()
	s.Close()
	f, err := os.Open(dbPath)
	if err != nil {
		return "", err
	}
	data, err := safeio.ReadAll(f, MaxSize, dbPath)
	f.Close()
	if err != nil {
		return "", err
	}
	r, err := opts.ref(ref)
	if err != nil {
		return "", err
	}
	img := mutate.MediaType(empty.Image, types.OCIManifestSchema1)
	img = mutate.ConfigMediaType(img, ConfigMediaType)
	img, err = mutate.Append(img, mutate.Addendum{
		Layer:       static.NewLayer(data, LayerMediaType),
		Annotations: map[string]string{"org.opencontainers.image.title": filepath.Base(dbPath)},
	})
	if err != nil {
		return "", fmt.Errorf("push %s: %w", ref, err)
	}
	img = mutate.Annotations(img, map[string]string{
		"org.opencontainers.image.created": info.Built.Format(time.RFC3339),
		"dev.sluice.db.schema":             strconv.Itoa(info.SchemaVersion),
		"dev.sluice.db.advisories":         strconv.Itoa(info.Advisories),
	}).(v1.Image)
	if err := remote.Write(r, img, opts.remote(ctx)...); err != nil {
		return "", fmt.Errorf("push %s: %w", ref, err)
	}
	d, err := img.Digest()
	if err != nil {
		return "", err
	}
	return d.String(), nil
}

// Pull downloads the database at ref and installs it at dbPath atomically;
// a failed pull leaves the existing database as it was.
func Pull(ctx context.Context, ref, dbPath string, opts Options) (vulndb.Info, error) {
	r, err := opts.ref(ref)
	if err != nil {
		return vulndb.Info{}, err
	}
	img, err := remote.Image(r, opts.remote(ctx)...)
	if err != nil {
		return vulndb.Info{}, fmt.Errorf("pull %s: %w", ref, err)
	}
	m, err := img.Manifest()
	if err != nil {
		return vulndb.Info{}, fmt.Errorf("pull %s: %w", ref, err)
	}
	if m.Config.MediaType != ConfigMediaType || len(m.Layers) != 1 || m.Layers[0].MediaType != LayerMediaType {
		return vulndb.Info{}, fmt.Errorf("pull %s: not a sluice database artifact (config %s, %d layers)", ref, m.Config.MediaType, len(m.Layers))
	}
	if m.Layers[0].Size > MaxSize {
		return vulndb.Info{}, fmt.Errorf("pull %s: database of %d bytes exceeds %d", ref, m.Layers[0].Size, int64(MaxSize))
	}
	layer, err := img.LayerByDigest(m.Layers[0].Digest)
	if err != nil {
		return vulndb.Info{}, fmt.Errorf("pull %s: %w", ref, err)
	}
	rc, err := layer.Compressed() // the blob as stored; its digest is verified while reading
	if err != nil {
		return vulndb.Info{}, fmt.Errorf("pull %s: %w", ref, err)
	}
	defer rc.Close()
	if err := os.MkdirAll(filepath.Dir(dbPath), 0o755); err != nil {
		return vulndb.Info{}, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(dbPath), "."+filepath.Base(dbPath)+".pull-*")
	if err != nil {
		return vulndb.Info{}, err
	}
	defer os.Remove(tmp.Name())
	_, err = io.Copy(tmp, safeio.LimitReader(rc, MaxSize, ref))
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return vulndb.Info{}, fmt.Errorf("pull %s: %w", ref, err)
	}
	s, err := vulndb.Open(ctx, tmp.Name())
	if err != nil {
		return vulndb.Info{}, fmt.Errorf("pull %s: %w", ref, err)
	}
	info := s.Info()
	s.Close()
	if err := os.Rename(tmp.Name(), dbPath); err != nil {
		return vulndb.Info{}, fmt.Errorf("pull %s: %w", ref, err)
	}
	info.Path = dbPath
	return info, nil
}
