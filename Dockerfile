# syntax=docker/dockerfile:1
# Build: docker build -t carebridge .
# Run:   docker run --rm -p 8080:8080 -v $PWD/carebridge.yaml:/etc/carebridge/carebridge.yaml:ro \
#          -e CAREBRIDGE_CARE_TOKEN -e CAREBRIDGE_CARE_SECRET -e CAREBRIDGE_SF_CLIENT_SECRET carebridge
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/carebridge ./cmd/carebridge

FROM gcr.io/distroless/static-debian12:nonroot
ARG VERSION=dev
LABEL org.opencontainers.image.title="carebridge" \
      org.opencontainers.image.description="Syncs escalated Emplifi Care cases with Salesforce Cases, both ways" \
      org.opencontainers.image.version="${VERSION}"
COPY --from=build /out/carebridge /usr/local/bin/carebridge
# Example configuration and the Salesforce metadata, for reference and `carebridge check`.
COPY configs/ /etc/carebridge/configs/
USER nonroot:nonroot
EXPOSE 8080
# No shell in the image: the binary asks its own /healthz (it follows
# CAREBRIDGE_LISTEN).
HEALTHCHECK --interval=30s --timeout=6s --start-period=20s CMD ["/usr/local/bin/carebridge", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/carebridge"]
CMD ["run", "--config", "/etc/carebridge/carebridge.yaml"]
