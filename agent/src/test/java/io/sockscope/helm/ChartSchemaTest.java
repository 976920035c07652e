package io.sockscope.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * values.schema.json refuses bad values before anything renders: each fixture
 * src/test/resources/helm/invalid-*.yaml starts with {@code # expect: <text>}, text Helm's error
 * must contain.
 */
class ChartSchemaTest {
  static Stream<Path> invalidFixtures() throws IOException {
    Path dir = RenderedChart.repo().resolve("agent/src/test/resources/helm");
    try (var files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().startsWith("invalid-")).sorted()
          .toList().stream();
    }
  }

  @Test
  void thereAreAtLeastFiveInvalidFixtures() throws IOException {
    assertThat(invalidFixtures()).hasSizeGreaterThanOrEqualTo(5);
  }

  @ParameterizedTest
  @MethodSource("invalidFixtures")
  void schemaRejects(Path fixture) throws IOException {
    String first = Files.readAllLines(fixture).getFirst();
    assertThat(first).startsWith("# expect: ");
    String expected = first.substring("# expect: ".length()).strip();
    assertThatThrownBy(() -> RenderedChart.render(fixture, Map.of()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("values don't meet the specifications of the schema")
        .hasMessageContaining(expected);
  }

  @Test
  void schemaIsStrictEverywhere() throws IOException {
    String schema = Files.readString(RenderedChart.chart().resolve("values.schema.json"));
    assertThat(schema).contains("\"additionalProperties\": false");
    // A valid, unusual combination still passes.
    RenderedChart.render(Map.of("sidecar.native", true, "injector.enabled", true,
        "injector.timeoutSeconds", 10, "prometheusRule.rules.SockscopeCloseWaitLeak.for", "1h30m"));
  }
}
