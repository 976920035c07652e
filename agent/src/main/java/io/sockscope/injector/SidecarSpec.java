package io.sockscope.injector;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * What the injector adds: the container and volumes the chart rendered into {@code sidecar.json}
 * (the same template as the manual snippet), so chart, snippet and injected pod cannot drift.
 */
record SidecarSpec(ObjectNode container, JsonNode volumes) {
  static final String CONTAINER_NAME = "sockscope";
  private static final JsonMapper JSON = new JsonMapper();

  SidecarSpec {
    if (!CONTAINER_NAME.equals(container.path("name").asString(""))) {
      throw new IllegalArgumentException(
          "sidecar container must be named '" + CONTAINER_NAME + "', got "
              + container.path("name"));
    }
    if (!volumes.isArray()) {
      throw new IllegalArgumentException("sidecar volumes must be a list");
    }
  }

  static SidecarSpec parse(String json) {
    try {
      JsonNode root = JSON.readTree(json);
      if (!(root.get("container") instanceof ObjectNode c)) {
        throw new IllegalArgumentException("sidecar spec has no 'container' object");
      }
      JsonNode volumes = root.path("volumes");
      return new SidecarSpec(c, volumes.isMissingNode() ? JSON.createArrayNode() : volumes);
    } catch (JacksonException e) {
      throw new IllegalArgumentException("sidecar spec is not JSON: " + e.getOriginalMessage());
    }
  }

  /** Reads the file on each call: a mounted ConfigMap changes under a running injector. */
  static SidecarSpec load(Path file) {
    try {
      return parse(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read sidecar spec " + file, e);
    }
  }
}
