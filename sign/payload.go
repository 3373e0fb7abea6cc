package sign

import (
	"encoding/json"
	"fmt"
)

// SimpleSigningType is critical.type of a cosign image signature payload.
const SimpleSigningType = "cosign container image signature"

// SimpleSigning is the payload of a legacy cosign signature: the "simple
// signing" format of containers/image, as cosign writes it. Only the image
// digest is binding; docker-reference is informative.
type SimpleSigning struct {
	Critical Critical       `json:"critical"`
	Optional map[string]any `json:"optional"`
}

// Critical is the part of the payload a verifier must check.
type Critical struct {
	Identity struct {
		DockerReference string `json:"docker-reference"`
	} `json:"identity"`
	Image struct {
		DockerManifestDigest string `json:"docker-manifest-digest"`
	} `json:"image"`
	Type string `json:"type"`
}

// newSimpleSigning builds the payload for repo (registry/repository, no tag)
// at digest, with the user's annotations in optional.
func newSimpleSigning(repo, digest string, annotations map[string]string) ([]byte, error) {
	var p SimpleSigning
	p.Critical.Identity.DockerReference = repo
	p.Critical.Image.DockerManifestDigest = digest
	p.Critical.Type = SimpleSigningType
	p.Optional = map[string]any{}
	for k, v := range annotations {
		p.Optional[k] = v
	}
	b, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("encode signature payload: %w", err)
	}
	return b, nil
}

// parseSimpleSigning decodes and checks the shape of a payload.
func parseSimpleSigning(b []byte) (*SimpleSigning, error) {
	var p SimpleSigning
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("payload is not simple-signing JSON: %w", err)
	}
	if p.Critical.Type != SimpleSigningType {
		return nil, fmt.Errorf("payload type is %q, want %q", p.Critical.Type, SimpleSigningType)
	}
	if p.Critical.Image.DockerManifestDigest == "" {
		return nil, fmt.Errorf("payload has no critical.image.docker-manifest-digest")
	}
	return &p, nil
}
