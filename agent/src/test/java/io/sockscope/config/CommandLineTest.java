package io.sockscope.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CommandLineTest {

  @Test
  void parsesTheStableCommandLine() {
    CommandLine c = CommandLine.parse("--config=/etc/s.yaml", "--check-config", "--role", "namespace-prober",
        "--port", "9200", "--tls-target", "a:443", "--tls-target", "[::1]:8443,localhost", "demo");
    assertThat(c.config()).hasToString("/etc/s.yaml");
    assertThat(c.checkConfig()).isTrue();
    assertThat(c.role()).isEqualTo(Role.NAMESPACE_PROBER);
    assertThat(c.port()).isEqualTo(9200);
    assertThat(c.tlsTargets()).containsExactly("a:443", "[::1]:8443,localhost");
    assertThat(c.demo()).isTrue();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "--bogus                   | unknown argument '--bogus' (see --help)",
      "--port                    | --port: needs a value",
      "--port=http               | --port: expected 0-65535, got 'http'",
      "--role=daemon             | --role: unknown role 'daemon'",
      "--tls-target=example.com  | --tls-target: expected HOST:PORT, got 'example.com'",
      "--tls-target=h:99999      | --tls-target: port must be 1-65535 in 'h:99999'",
  })
  void badFlagsAreOneLine(String arg, String message) {
    assertThatThrownBy(() -> CommandLine.parse(arg)).isInstanceOf(ConfigException.class).hasMessageStartingWith(message);
  }
}
