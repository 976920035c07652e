package io.sockscope.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * LDAP StartTLS (RFC 4511 §4.14): an ExtendedRequest named 1.3.6.1.4.1.1466.20037; a resultCode of
 * success (0) lets TLS begin, any other code (protocolError from a server that does not know the
 * operation, unavailable from one without a certificate) means no TLS.
 */
final class LdapStartTls implements StartTls {
  static final String OID = "1.3.6.1.4.1.1466.20037";

  /** [APPLICATION 23] ExtendedRequest, [APPLICATION 24] ExtendedResponse, both constructed. */
  static final int EXTENDED_REQUEST = 0x77;

  static final int EXTENDED_RESPONSE = 0x78;

  /** requestName is [0] LDAPOID, context-specific primitive. */
  private static final int REQUEST_NAME = 0x80;

  private static final int MESSAGE_ID = 1;
  private static final int MAX_RESPONSE = 16 * 1024;

  static final byte[] REQUEST =
      Ber.encode(
          Ber.SEQUENCE,
          Ber.encode(Ber.INTEGER, new byte[] {MESSAGE_ID}),
          Ber.encode(
              EXTENDED_REQUEST, Ber.encode(REQUEST_NAME, OID.getBytes(StandardCharsets.US_ASCII))));

  @Override
  public void negotiate(InputStream in, OutputStream out) throws IOException {
    out.write(REQUEST);
    out.flush();
    Ber message = Ber.read(in, MAX_RESPONSE);
    if (message.tag() != Ber.SEQUENCE) {
      throw StartTlsException.garbage(String.format("not LDAP: message tag 0x%02x", message.tag()));
    }
    List<Ber> parts = message.children();
    if (parts.size() < 2 || parts.get(0).tag() != Ber.INTEGER) {
      throw StartTlsException.garbage("not LDAP: no message id");
    }
    Ber op = parts.get(1);
    if (op.tag() != EXTENDED_RESPONSE) {
      throw StartTlsException.garbage(
          String.format("not an LDAP ExtendedResponse: tag 0x%02x", op.tag()));
    }
    List<Ber> fields = op.children();
    if (fields.size() < 3 || fields.get(0).tag() != Ber.ENUMERATED) {
      throw StartTlsException.garbage("not an LDAP result: no resultCode");
    }
    int code = fields.get(0).intValue();
    String diagnostic = new String(fields.get(2).value(), StandardCharsets.UTF_8);
    int id = parts.get(0).intValue();
    if (id == 0) {
      // RFC 4511 §4.4.1 Notice of Disconnection: the server is closing the connection
      throw StartTlsException.refused(
          "LDAP server disconnected (resultCode " + code + "): " + TextLines.quote(diagnostic));
    }
    if (id != MESSAGE_ID) {
      throw StartTlsException.garbage("LDAP answer to message " + id + ", not " + MESSAGE_ID);
    }
    if (code != 0) {
      throw StartTlsException.refused(
          "LDAP StartTLS refused, resultCode " + code + ": " + TextLines.quote(diagnostic));
    }
  }
}
