# The Temporal server, its SQL tool, the Temporal CLI and the Temporal web UI for docker-compose.yml
# and infra/k8s,
# built from the same pinned Go modules as infra/obtain.sh builds where there is no release
# download, and configured by the same templates as the local cluster topology
# (infra/temporal/server.yaml, ui.yaml, dynamicconfig.yaml). The server is `baton-temporal`
# (infra/temporal/server: the Temporal server with mutual TLS and Baton's authorizer), as on the
# local stack. One image, seven roles (infra/docker/temporal-entrypoint.sh): certs,
# kubernetes-identities, schema, server, health, namespace, ui.
#   docker build -f infra/docker/temporal.Dockerfile -t baton/temporal:1.29.2 .
ARG GO_IMAGE=golang:1.25-bookworm
FROM ${GO_IMAGE} AS build
ARG TEMPORAL_SERVER_VERSION=1.29.2
ARG TEMPORAL_CLI_VERSION=1.5.1
ARG TEMPORAL_UI_VERSION=2.42.1
ENV CGO_ENABLED=0
# baton-temporal from its own module (go.mod, go.sum beside it): the server with identities.
COPY infra/temporal/server /src/baton-temporal
RUN cd /src/baton-temporal && go build -trimpath -ldflags "-s -w" -o /out/bin/baton-temporal . && \
    GOBIN=/out/sql go install -trimpath -ldflags "-s -w" go.temporal.io/server/cmd/tools/sql@v${TEMPORAL_SERVER_VERSION} && \
    GOBIN=/out/cli go install -trimpath -ldflags "-s -w -X github.com/temporalio/cli/temporalcli.Version=${TEMPORAL_CLI_VERSION}" github.com/temporalio/cli/cmd/temporal@v${TEMPORAL_CLI_VERSION} && \
    GOBIN=/out/ui go install -trimpath -ldflags "-s -w" github.com/temporalio/ui-server/v2/cmd/server@v${TEMPORAL_UI_VERSION} && \
    mv /out/sql/sql /out/bin/temporal-sql-tool && \
    mv /out/cli/temporal /out/bin/temporal && mv /out/ui/server /out/bin/ui-server

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates postgresql-client curl && \
    rm -rf /var/lib/apt/lists/* && useradd --system --uid 1000 --create-home temporal && \
    mkdir -p /var/lib/baton-temporal-ca && chown temporal /var/lib/baton-temporal-ca && chmod 700 /var/lib/baton-temporal-ca
# /var/lib/baton-temporal-ca: the CA's folder, owned by the temporal user, so a new volume mounted
# there (docker-compose.yml's temporal-ca, the certs role's alone) is too.
COPY --from=build /out/bin/ /usr/local/bin/
COPY infra/temporal/server.yaml /etc/baton/temporal-server/baton.yaml
COPY infra/temporal/ui.yaml /etc/baton/temporal-ui/baton.yaml
COPY infra/temporal/dynamicconfig.yaml /etc/baton/temporal-server/dynamicconfig.yaml
COPY infra/docker/temporal-entrypoint.sh /usr/local/bin/baton-temporal-entrypoint
USER temporal
ENTRYPOINT ["bash", "/usr/local/bin/baton-temporal-entrypoint"]
CMD ["server"]
