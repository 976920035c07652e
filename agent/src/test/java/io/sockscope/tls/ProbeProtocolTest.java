package io.sockscope.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Choosing a protocol, and the bytes of the two binary requests against their specifications. */
class ProbeProtocolTest {
  @ParameterizedTest
  @CsvSource(nullValues = "-", value = {
    "postgresql, -, 8443, POSTGRES",
    "example.com/postgresql, -, 8443, POSTGRES",
    "https, postgres, 5432, TLS",
    "-, postgres, 15432, POSTGRES",
    "-, smtp-relay, 2525, SMTP",
    "-, submission, 2587, SMTP",
    "-, imap, 1143, IMAP",
    "-, ldap-internal, 1389, LDAP",
    "-, mysql, 13306, MYSQL",
    "-, db, 3306, MYSQL",
    "kubernetes.io/h2c, grpc, 110, POP3",
    "-, https, 8443, TLS",
    "-, -, 636, TLS",
    "-, -, 389, LDAP",
  })
  void forServiceTakesAppProtocolThenNameThenPort(String appProtocol, String name, int port,
      ProbeProtocol expected) {
    assertThat(ProbeProtocol.forService(appProtocol, name, port)).isEqualTo(expected);
  }

  @Test
  void configurationSpellings() {
    assertThat(ProbeProtocol.named("PostgreSQL")).contains(ProbeProtocol.POSTGRES);
    assertThat(ProbeProtocol.named("none")).contains(ProbeProtocol.TLS);
    assertThat(ProbeProtocol.named("mariadb")).contains(ProbeProtocol.MYSQL);
    assertThat(ProbeProtocol.named("ftp")).isEmpty();
    assertThat(ProbeProtocol.spellings()).startsWith("tls, https, none, postgres");
  }

  /** RFC 4511 §4.14.1, encoded by hand from X.690: the bytes every StartTLS client sends. */
  @Test
  void ldapStartTlsRequestIsTheRfcEncoding() {
    assertThat(HexFormat.of().formatHex(LdapStartTls.REQUEST)).isEqualTo(
        "301d02010177188016" + HexFormat.of().formatHex("1.3.6.1.4.1.1466.20037".getBytes()));
  }

  @Test
  void ldapResultIsReadWithLongFormLengths() throws Exception {
    // ExtendedResponse, resultCode 2 (protocolError), a 200-byte diagnostic: 0x81 length forms
    byte[] diag = "x".repeat(200).getBytes();
    byte[] response = Ber.encode(Ber.SEQUENCE, Ber.encode(Ber.INTEGER, new byte[] {1}),
        Ber.encode(LdapStartTls.EXTENDED_RESPONSE, Ber.encode(Ber.ENUMERATED, new byte[] {2}),
            Ber.encode(Ber.OCTET_STRING), Ber.encode(Ber.OCTET_STRING, diag)));
    var out = new ByteArrayOutputStream();
    try {
      new LdapStartTls().negotiate(new ByteArrayInputStream(response), out);
      org.assertj.core.api.Assertions.fail("refusal expected");
    } catch (StartTlsException e) {
      assertThat(e.reason()).isEqualTo(FailureReason.STARTTLS_REFUSED);
      assertThat(e.getMessage()).contains("resultCode 2");
    }
    assertThat(out.toByteArray()).isEqualTo(LdapStartTls.REQUEST);
  }

  /** PostgreSQL's documented SSLRequest: length 8, code 80877103. */
  @Test
  void postgresSslRequestBytes() throws Exception {
    var out = new ByteArrayOutputStream();
    new PostgresStartTls().negotiate(new ByteArrayInputStream(new byte[] {'S'}), out);
    var b = java.nio.ByteBuffer.wrap(out.toByteArray());
    assertThat(b.getInt()).isEqualTo(8);
    assertThat(b.getInt()).isEqualTo(80877103);
  }
}
