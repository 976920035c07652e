package io.sockscope.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The snapshot's JSON without Jackson in the agent: checked here by parsing it with Jackson (a
 * test dependency only), so an escaping or structure error would fail to parse or differ.
 */
class JsonTest {
  record Target(String target, Double daysLeft, boolean verified, List<String> reasons,
      Duration p50, Instant lastProbe, Kind kind) {}

  enum Kind { STATIC }

  @Test
  void writesMapsRecordsAndEscapesAsJacksonReadsThem() {
    Map<String, Object> in = new LinkedHashMap<>();
    in.put("tls", List.of(new Target("a\"b\\c\n\u0001:443", 12.5, true, List.of("expired"),
        Duration.ofMillis(3), Instant.parse("2026-12-01T02:00:00Z"), Kind.STATIC)));
    in.put("nan", Double.NaN);
    in.put("empty", Map.of());
    in.put("none", null);
    String json = Json.write(in);
    JsonNode n = JsonMapper.builder().build().readTree(json);
    JsonNode t = n.path("tls").get(0);
    assertThat(t.path("target").asString()).isEqualTo("a\"b\\c\n\u0001:443");
    assertThat(t.path("daysLeft").asDouble()).isEqualTo(12.5);
    assertThat(t.path("verified").asBoolean()).isTrue();
    assertThat(t.path("reasons").get(0).asString()).isEqualTo("expired");
    assertThat(t.path("p50").asString()).isEqualTo("PT0.003S");
    assertThat(t.path("lastProbe").asString()).isEqualTo("2026-12-01T02:00:00Z");
    assertThat(t.path("kind").asString()).isEqualTo("STATIC");
    assertThat(n.path("nan").isNull()).isTrue();
    assertThat(n.path("empty").isEmpty()).isTrue();
    assertThat(n.path("none").isNull()).isTrue();
  }
}
