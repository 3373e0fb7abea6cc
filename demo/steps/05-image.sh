# Build the demo image (demo/image/README.md) as an OCI layout: the target of
# every image step that follows. Deterministic, offline, no Docker.
(cd "$DEMO/.." && go run ./demo/mkimage -o "$WORK/image" -files demo/image/files)
echo "demo image written to \$WORK/image (oci-dir), 4 layers:"
grep -o '"digest": *"sha256:[0-9a-f]*"' "$WORK/image/index.json" | head -1
