# The binary and where it came from.
"$SLUICE" version
