package io.sockscope.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sockscope.config.YamlNode.Mapping;
import io.sockscope.config.YamlNode.Scalar;
import io.sockscope.config.YamlNode.Sequence;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The YAML subset: what it reads, and the line, column and reason of everything it refuses. */
class YamlReaderTest {

  /** The tree as plain Java values: maps, lists, strings ("~" for null) */
  static Object plain(YamlNode n) {
    return switch (n) {
      case Mapping m -> {
        Map<String, Object> out = new LinkedHashMap<>();
        m.entries().forEach((k, e) -> out.put(k, plain(e.value())));
        yield out;
      }
      case Sequence s -> {
        List<Object> out = new ArrayList<>();
        s.items().forEach(i -> out.add(plain(i)));
        yield out;
      }
      case Scalar s -> s.isNull() ? "~" : s.value();
    };
  }

  static Object read(String yaml) {
    return plain(YamlReader.read(yaml));
  }

  @Test
  void blockMappingsSequencesAndScalars() {
    String yaml = """
        # a comment
        ---
        role: sidecar   # trailing comment
        port: 9102
        sockets:
          source: procfs
          empty:
          nul: null
          tilde: ~
        tls:
          caFiles: [/a.pem, "/b c.pem", 'it''s.pem', ]
          peerPorts: []
          nested: [[1, 2], [], {}]
          probeEndpoint: {}
          targets:
            - address: api.example.internal:443
              serverName: "api.example.internal"
            -   address: '[::1]:8443'
                interval: 30s
          compact:
          - a
          - b: c
            d: e
          -
            f: g
          - - x
            - y
        url: http://example.com:8080/path#frag
        hash: a#b
        key with spaces : value with spaces
        "quoted key": 'x'
        """;
    assertThat(read(yaml)).isEqualTo(Map.of(
        "role", "sidecar",
        "port", "9102",
        "sockets", Map.of("source", "procfs", "empty", "~", "nul", "~", "tilde", "~"),
        "tls", Map.of(
            "caFiles", List.of("/a.pem", "/b c.pem", "it's.pem"),
            "peerPorts", List.of(),
            "nested", List.of(List.of("1", "2"), List.of(), Map.of()),
            "probeEndpoint", Map.of(),
            "targets", List.of(
                Map.of("address", "api.example.internal:443", "serverName", "api.example.internal"),
                Map.of("address", "[::1]:8443", "interval", "30s")),
            "compact", List.of("a", Map.of("b", "c", "d", "e"), Map.of("f", "g"), List.of("x", "y"))),
        "url", "http://example.com:8080/path#frag",
        "hash", "a#b",
        "key with spaces", "value with spaces",
        "quoted key", "x"));
  }

  @Test
  void keysKeepTheirOrderAndPlaces() {
    Mapping m = (Mapping) YamlReader.read("b: 1\na:\n  - x\n");
    assertThat(m.entries().keySet()).containsExactly("b", "a");
    assertThat(m.entries().get("a").keyMark()).hasToString("2:1");
    Sequence s = (Sequence) m.entries().get("a").value();
    assertThat(s.items().getFirst().mark()).hasToString("3:5");
  }

  @Test
  void doubleQuotedEscapesAndQuotedScalarsAreNeverNull() {
    Mapping m = (Mapping) YamlReader.read(
        "a: \"tab\\there \\\"q\\\" \\\\ \\u00e9 \\x41 \\/\"\nb: \"null\"\nc: ''\n");
    assertThat(plain(m.entries().get("a").value())).isEqualTo("tab\there \"q\" \\ é A /");
    assertThat(((Scalar) m.entries().get("b").value()).isNull()).isFalse();
    assertThat(((Scalar) m.entries().get("c").value()).isNull()).isFalse();
  }

  @Test
  void emptyDocumentsAndWindowsLineEnds() {
    assertThat(YamlReader.read("")).isNull();
    assertThat(YamlReader.read("# only a comment\n\n---\n")).isNull();
    assertThat(read("\uFEFFa: 1\r\nb:\r\n  - 2\r\n")).isEqualTo(Map.of("a", "1", "b", List.of("2")));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '^', quoteCharacter = '`', value = {
      "tab indentation      ^ `a:\\n\\tb: 1`              ^ 2:1 ^ tab in indentation (YAML indents with spaces only)",
      "anchor               ^ `a: &x 1`                   ^ 1:4 ^ anchors ('&') are not supported",
      "alias                ^ `a: 1\\nb: *x`              ^ 2:4 ^ aliases ('*') are not supported",
      "tag                  ^ `a: !!str 1`                ^ 1:4 ^ tags ('!') are not supported",
      "block scalar         ^ `a: |\\n  text`             ^ 1:4 ^ block scalars ('|', '>') are not supported: write the value on one line, quoted if needed",
      "folded scalar        ^ `a: >-\\n  text`            ^ 1:4 ^ block scalars ('|', '>') are not supported: write the value on one line, quoted if needed",
      "flow mapping         ^ `a: {b: 1}`                 ^ 1:4 ^ flow mappings ('{a: b}') are not supported: use a block mapping ('{}' only for an empty one)",
      "second document      ^ `a: 1\\n---\\nb: 2`         ^ 2:1 ^ a second document ('---') is not supported: one file holds one configuration",
      "document end         ^ `a: 1\\n...`                ^ 2:1 ^ the document end marker '...' is not supported",
      "directive            ^ `%YAML 1.2\\n---\\na: 1`    ^ 1:1 ^ directives (%YAML, %TAG) are not supported",
      "unterminated double  ^ `a:\\n  b: \"10s`           ^ 2:6 ^ unterminated double-quoted string (a quoted value must end on its line)",
      "unterminated single  ^ `a: 'x`                     ^ 1:4 ^ unterminated single-quoted string (a quoted value must end on its line)",
      "unclosed flow        ^ `a: [1, 2`                  ^ 1:4 ^ flow sequence not closed on this line (a '[...]' must fit on one line)",
      "flow separator       ^ `a: [1 2] x`                ^ 1:10 ^ unexpected text after the value",
      "bad escape           ^ `a: \"\\q\"`                ^ 1:5 ^ unknown escape '\\q' in a double-quoted string",
      "duplicate key        ^ `a: 1\\nb: 2\\na: 3`        ^ 3:1 ^ duplicate key 'a' (first at line 1)",
      "nested duplicate     ^ `s:\\n  x: 1\\n  x: 2`      ^ 3:3 ^ duplicate key 's.x' (first at line 2)",
      "duplicate in item    ^ `t:\\n  - a: 1\\n    a: 2`  ^ 3:5 ^ duplicate key 't[0].a' (first at line 2)",
      "over-indented key    ^ `a: 1\\n  b: 2`             ^ 2:3 ^ unexpected indentation",
      "continued plain      ^ `a:\\n  b: 1\\n   c`        ^ 3:4 ^ unexpected indentation",
      "dedent to nowhere    ^ `  a: 1\\nb: 2`             ^ 2:1 ^ indentation does not match any enclosing block",
      "colon in a value     ^ `a: b: c`                   ^ 1:5 ^ ': ' inside a plain value (quote the value, or it is a nested key on the wrong line)",
      "text after quotes    ^ `a: \"x\" y`                ^ 1:8 ^ unexpected text after the value",
      "complex key          ^ `? a\\n: b`                 ^ 1:1 ^ complex keys ('? ') are not supported",
      "item among keys      ^ `a: 1\\n- b`                ^ 2:1 ^ a sequence item ('- ') where a key was expected",
      "not a key            ^ `a: 1\\nb`                  ^ 2:1 ^ expected 'key: value'",
  })
  void refusesWithLineColumnAndReason(String name, String yaml, String mark, String message) {
    String text = yaml.replace("\\n", "\n").replace("\\t", "\t");
    assertThatThrownBy(() -> YamlReader.read(text))
        .isInstanceOf(YamlReader.SyntaxError.class)
        .hasMessage(message)
        .satisfies(e -> assertThat(((YamlReader.SyntaxError) e).mark()).hasToString(mark));
  }
}
