#!/bin/sh
# The demo service's entrypoint.
exec node /app/server.js "$@"
