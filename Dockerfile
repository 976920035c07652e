# syntax=docker/dockerfile:1.7
# sockscope image: build the jar with the README's command, jlink a runtime with only the modules
# the jar needs (agent/jlink-modules.txt), then on debian:bookworm-slim (glibc, for the FFM netlink
# source) train an AOT cache (JEP 483/514: measured start-up gain in docs/performance.md) and run
# as a numeric non-root user on a read-only root filesystem (only /tmp is written: mount an
# emptyDir there). Verified here without a container engine: ImageBuildTest, JlinkRuntimeIT.

FROM maven:3.9-eclipse-temurin-25 AS build
WORKDIR /src
COPY pom.xml ./
COPY agent/pom.xml agent/
COPY agent/src agent/src
RUN --mount=type=cache,target=/root/.m2 mvn -B -q -ntp package -DskipTests

FROM build AS runtime
COPY agent/jlink-modules.txt agent/
# No --compress: compressed class resources cost start-up time and heap to inflate.
RUN jlink --add-modules "$(grep -v '^#' agent/jlink-modules.txt | tr -d ' \n')" \
      --strip-debug --no-man-pages --no-header-files --generate-cds-archive \
      --output /opt/sockscope/jre
COPY bin/sockscope /opt/sockscope/bin/sockscope
# The sidecar's own jar (only the libraries the sidecar runs on) beside the whole one: bin/sockscope
# runs it in the sidecar role.
RUN cp agent/target/sockscope.jar agent/target/sockscope-sidecar.jar /opt/sockscope/

FROM debian:bookworm-slim
ARG VERSION=0.1.0
ARG REVISION=unknown
ARG SOURCE=
LABEL org.opencontainers.image.title="sockscope" \
      org.opencontainers.image.description="Per-pod TCP socket and TLS probe facts as Prometheus metrics (Kubernetes sidecar)" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.source="${SOURCE}"
COPY --from=runtime /opt/sockscope /opt/sockscope
# AOT caches trained here, in the final stage, each on one real start-up through the launcher with
# its own flags and the very runtime and jar files that will run (the JVM refuses a cache made with
# another JDK, another jar or incompatible flags; a different heap size is fine). One per role
# (bin/sockscope picks <cache>-<role>.aot in role <role>): sockscope.aot in the default role, and
# sockscope-sidecar.aot on the sidecar role exactly as the chart runs it (--role sidecar, a config
# file, a peer-name file laid out as the kubelet writes it, sockscope-sidecar.jar as the launcher
# picks it): a cache of the sidecar's classes only touches fewer pages in every pod
# (docs/performance.md). The agent exits on SIGTERM and the JVM
# writes the cache then. bash's /dev/tcp polls /readyz and scrapes /metrics once (no curl here).
# The namespace prober runs C2 (bin/sockscope) and uses sockscope.aot as it is ("Using AOT-linked
# classes: true" with -XX:-TieredCompilation, docs/performance.md).
SHELL ["/bin/bash", "-c"]
RUN export JAVA_HOME=/opt/sockscope/jre SOCKSCOPE_JAR=/opt/sockscope/sockscope.jar; \
    get() { (exec 3<>/dev/tcp/127.0.0.1/19102 && printf 'GET %s HTTP/1.0\r\n\r\n' "$1" >&3 \
      && head -1 <&3) 2>/dev/null; }; \
    train() { local out=$1; shift; \
      SOCKSCOPE_JAVA_OPTS="-XX:AOTCacheOutput=$out" /opt/sockscope/bin/sockscope "$@" & local pid=$!; \
      for i in $(seq 150); do get /readyz | grep -q ' 200' && break; sleep 0.2; done; \
      get /metrics >/dev/null; kill -TERM $pid; wait $pid; test -s "$out"; }; \
    train /opt/sockscope/sockscope.aot --port 19102; \
    peers=/tmp/train/peers; mkdir -p $peers/..2026_01_01_00_00_00.1; \
    printf '# sockscope peer names v1: <ip> <service>.<namespace>\n10.96.0.1 kubernetes.default\n' \
      >$peers/..2026_01_01_00_00_00.1/peers; \
    ln -s ..2026_01_01_00_00_00.1 $peers/..data; ln -s ..data/peers $peers/peers; \
    printf 'role: sidecar\nport: 19102\nkubernetes:\n  secrets: false\n  peerNamesFile: %s\n' \
      $peers/peers >/tmp/train/config.yaml; \
    train /opt/sockscope/sockscope-sidecar.aot --role sidecar --config /tmp/train/config.yaml; \
    rm -rf /tmp/train /tmp/hsperfdata_*
ENV JAVA_HOME=/opt/sockscope/jre \
    SOCKSCOPE_JAR=/opt/sockscope/sockscope.jar \
    SOCKSCOPE_AOT_CACHE=/opt/sockscope/sockscope.aot
USER 65532:65532
EXPOSE 9102
ENTRYPOINT ["/opt/sockscope/bin/sockscope"]
