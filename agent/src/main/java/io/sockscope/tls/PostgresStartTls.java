package io.sockscope.tls;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * PostgreSQL's SSLRequest (PostgreSQL documentation, "Frontend/Backend Protocol", 55.2.10 SSL
 * Session Encryption): an 8-byte message, length 8 and the code 80877103 (1234 in the high 16 bits,
 * 5679 in the low). The server answers one byte: {@code S} (go on with TLS) or {@code N} (no TLS on
 * this server). {@code E} comes only from servers too old to know the request; either way no TLS.
 */
final class PostgresStartTls implements StartTls {
  private static final byte[] SSL_REQUEST = {0, 0, 0, 8, 0x04, (byte) 0xd2, 0x16, 0x2f};

  @Override
  public void negotiate(InputStream in, OutputStream out) throws IOException {
    out.write(SSL_REQUEST);
    out.flush();
    int answer = in.read();
    switch (answer) {
      case 'S' -> {}
      case 'N' ->
          throw StartTlsException.refused("PostgreSQL answered N: SSL is off on this server");
      case 'E' -> throw StartTlsException.refused("PostgreSQL answered an error to SSLRequest");
      case -1 -> throw new EOFException("server closed the connection after SSLRequest");
      default ->
          throw StartTlsException.garbage(
              String.format("not a PostgreSQL answer to SSLRequest: byte 0x%02x", answer));
    }
  }
}
