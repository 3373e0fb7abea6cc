package sign

import (
	"context"
	"crypto"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// AttestOptions configure Attest. The zero value attaches a custom predicate
// in bundle form.
type AttestOptions struct {
	Registry
	Format Format
	// Type is a cosign predicate type name (cyclonedx, spdx, vuln,
	// slsaprovenance, custom, ...) or a predicate type URI.
	Type      string
	Recursive bool
	Logger    *slog.Logger
	Now       func() time.Time
}

// MaxPredicate bounds a predicate file (an SBOM can be large).
const MaxPredicate = 64 << 20

// Attest wraps predicate in an in-toto statement about the image ref points
// to, signs it in a DSSE envelope and stores it as cosign does.
func Attest(ctx context.Context, ref string, predicate []byte, key crypto.Signer, opts AttestOptions) ([]Signed, error) {
	format, err := ParseFormat(string(opts.Format))
	if err != nil {
		return nil, err
	}
	typeURI, err := PredicateTypeURI(opts.Type)
	if err != nil {
		return nil, err
	}
	if len(predicate) > MaxPredicate {
		return nil, fmt.Errorf("predicate is %d bytes, more than %d", len(predicate), MaxPredicate)
	}
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	pred, err := buildPredicate(typeURI, predicate, now())
	if err != nil {
		return nil, err
	}
	t, err := opts.Resolve(ctx, ref)
	if err != nil {
		return nil, err
	}
	descs := append([]v1.Descriptor{t.Descriptor}, func() []v1.Descriptor {
		if opts.Recursive {
			return t.Children
		}
		return nil
	}()...)
	var out []Signed
	for _, d := range descs {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		st, err := newStatement(t.Repo.Name(), d.Digest.String(), typeURI, pred, nil)
		if err != nil {
			return out, err
		}
		s := Signed{Image: t.Repo.Digest(d.Digest.String()).String(), Digest: d.Digest.String(), MediaType: string(d.MediaType), Format: format}
		switch format {
		case FormatLegacy:
			env, err := signEnvelope(key, InTotoPayloadType, st)
			if err != nil {
				return out, err
			}
			blob, err := json.Marshal(env)
			if err != nil {
				return out, fmt.Errorf("encode DSSE envelope: %w", err)
			}
			tag := tagFor(t.Repo, d.Digest, "att")
			ann := map[string]string{PredicateAnnotation: typeURI, SignatureAnnotation: ""}
			if err := opts.appendLegacy(ctx, tag, blob, DSSEMediaType, ann); err != nil {
				return out, err
			}
			s.Location = tag.String()
		default:
			b, err := newDSSEBundle(key, st)
			if err != nil {
				return out, err
			}
			h, err := opts.writeReferrer(ctx, t.Repo, d, b, typeURI, now())
			if err != nil {
				return out, err
			}
			s.Location = t.Repo.Digest(h.String()).String()
		}
		if opts.Logger != nil {
			opts.Logger.Debug("attested", "image", s.Image, "type", typeURI, "format", s.Format, "at", s.Location)
		}
		out = append(out, s)
	}
	return out, nil
}
