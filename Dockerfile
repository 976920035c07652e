# syntax=docker/dockerfile:1.7
# sockscope image: build the jar with the README's command, jlink a runtime with only the modules
# the jar needs (agent/jlink-modules.txt), train an AOT cache (JEP 483/514: measured start-up gain
# in docs/performance.md), and run as a numeric non-root user on a read-only root filesystem
# (only /tmp is written: mount an emptyDir there).

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
RUN cp agent/target/sockscope.jar /opt/sockscope/sockscope.jar
# AOT cache trained on one real start-up with the launcher's own flags (a cache made with other
# flags or another JDK is ignored by the JVM). The agent exits on SIGTERM; the cache is written then.
RUN export JAVA_HOME=/opt/sockscope/jre SOCKSCOPE_JAR=/opt/sockscope/sockscope.jar; \
    SOCKSCOPE_JAVA_OPTS="-XX:AOTCacheOutput=/opt/sockscope/sockscope.aot" \
      /opt/sockscope/bin/sockscope --port 19102 & pid=$!; \
    for i in $(seq 150); do \
      curl -fs -o /dev/null http://127.0.0.1:19102/readyz && break; sleep 0.2; done; \
    kill -TERM $pid; wait $pid; test -s /opt/sockscope/sockscope.aot

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
ENV JAVA_HOME=/opt/sockscope/jre \
    SOCKSCOPE_JAR=/opt/sockscope/sockscope.jar \
    SOCKSCOPE_AOT_CACHE=/opt/sockscope/sockscope.aot
USER 65532:65532
EXPOSE 9102
ENTRYPOINT ["/opt/sockscope/bin/sockscope"]
