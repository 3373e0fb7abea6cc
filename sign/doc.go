// Package sign signs, attests and verifies container images in the formats
// cosign uses, so that what sluice signs is accepted by cosign, Kyverno or the
// Sigstore policy-controller, and the reverse.
//
// It covers cosign's key formats (the encrypted private key PEM with its
// scrypt + nacl/secretbox envelope, PKIX public keys, plain PKCS#8 keys), the
// two signature layouts cosign reads and writes (the legacy simple-signing
// payload under the sha256-<hex>.sig tag, and the Sigstore bundle v0.3
// attached as an OCI 1.1 referrer), in-toto attestations in DSSE envelopes
// (legacy .att tag and bundle form), a trust policy over registries and
// repositories, and promotion of an image by digest with its signatures and
// attestations.
//
// Everything is offline: nothing is uploaded to a transparency log and no
// certificate authority is contacted; trust comes from the keys alone.
//
// Formats, by reference:
//   - simple signing payload: https://github.com/containers/image/blob/main/docs/containers-signature.5.md
//   - cosign signature layout: https://github.com/sigstore/cosign/blob/main/specs/SIGNATURE_SPEC.md
//   - cosign bundle layout: https://github.com/sigstore/cosign/blob/main/specs/BUNDLE_SPEC.md
//   - DSSE: https://github.com/secure-systems-lab/dsse/blob/master/protocol.md
//   - in-toto Statement v1: https://github.com/in-toto/attestation/blob/main/spec/v1/statement.md
package sign
