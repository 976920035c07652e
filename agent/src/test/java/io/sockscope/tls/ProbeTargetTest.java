package io.sockscope.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The one place a target's text form is read and written. */
class ProbeTargetTest {
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "api.example.com:443|api.example.com|443|",
    "10.0.0.12:8443,payments.internal|10.0.0.12|8443|payments.internal",
    "[fd00::1]:443|fd00::1|443|",
    "[::1]:5432,db.test|::1|5432|db.test",
    "my_svc.ns.svc:443|my_svc.ns.svc|443|",
  })
  void parsesAndWritesBackTheSameText(String text, String host, int port, String serverName) {
    ProbeTarget t = ProbeTarget.parse(text, ProbeSource.STATIC);
    assertThat(t.host()).isEqualTo(host);
    assertThat(t.port()).isEqualTo(port);
    assertThat(t.serverName()).isEqualTo(serverName);
    assertThat(t.id()).isEqualTo(text);
    assertThat(t.source()).isEqualTo(ProbeSource.STATIC);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "api.example.com|expected HOST:PORT",
    "api.example.com:|expected HOST:PORT",
    ":443|expected HOST:PORT",
    "fd00::1:443|write an IPv6 address as [ADDR]:PORT",
    "a.test:https|port is not a number",
    "a.test:70000|port must be 1-65535",
    "a.test:0|port must be 1-65535",
    "a.test:443,bad name|not a DNS name",
    "bad/host:443|not a host name or IP address",
    "[a.test]:443|not a host name or IP address",
  })
  void rejectsWithAMessageSayingWhy(String text, String message) {
    assertThatThrownBy(() -> ProbeTarget.parse(text, ProbeSource.STATIC))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @Test
  void theProtocolFollowsTheWellKnownPortUnlessGiven() {
    assertThat(ProbeTarget.parse("db:5432", ProbeSource.STATIC).protocol()).isEqualTo(ProbeProtocol.POSTGRES);
    assertThat(ProbeTarget.parse("mail:587", ProbeSource.STATIC).protocol()).isEqualTo(ProbeProtocol.SMTP);
    assertThat(ProbeTarget.parse("mail:465", ProbeSource.STATIC).protocol()).isEqualTo(ProbeProtocol.TLS);
    assertThat(ProbeTarget.parse("db:5432", ProbeSource.STATIC).withProtocol(ProbeProtocol.TLS).protocol())
        .isEqualTo(ProbeProtocol.TLS);
  }

  @Test
  void addressesWriteIpv6InBrackets() {
    assertThat(ProbeTarget.address("fd00::1", 443)).isEqualTo("[fd00::1]:443");
    assertThat(ProbeTarget.address("10.1.2.3", 443)).isEqualTo("10.1.2.3:443");
  }

  @Test
  void sourcesHaveOneSpellingEach() {
    assertThat(ProbeSource.SCHEDULED).extracting(ProbeSource::label)
        .containsExactly("static", "peer", "service", "ingress", "backend");
    assertThat(ProbeSource.ADHOC.label()).isEqualTo("adhoc");
  }
}
