# syntax=docker/dockerfile:1.7
# escape=\
ARG GO_VERSION=1.22
ARG BASE=debian:12
FROM golang:${GO_VERSION} AS build
ARG GO_VERSION
ENV CGO_ENABLED=0 OUT="/out dir"
WORKDIR /src
RUN --mount=type=cache,target=/root/.cache/go-build \
    go build -o /out/app ./cmd/app && \
    echo "built with ${GO_VERSION}" | tee /out/version
RUN <<EOF
set -e
cd /src
make test
EOF

FROM ${BASE} AS runtime
# hadolint ignore=DL3008
RUN apt-get update && apt-get install -y curl
COPY --from=build /out/app /usr/local/bin/app
ONBUILD RUN echo triggered
CMD ["app"]

FROM mcr.microsoft.com/windows/nanoserver:ltsc2022 AS win
RUN dir C:\ | findstr x
