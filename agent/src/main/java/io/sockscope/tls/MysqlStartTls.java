package io.sockscope.tls;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * MySQL and MariaDB: the server speaks first (Initial Handshake Packet, protocol 10); a client that
 * wants TLS answers with the short SSLRequest packet (the first 32 bytes of a HandshakeResponse41
 * with {@code CLIENT_SSL} set) and starts the TLS handshake right after it. References: MySQL
 * Source Code Documentation, "Protocol::HandshakeV10", "Protocol::SSLRequest"; MariaDB Knowledge
 * Base, "Connection" (client/server protocol).
 */
final class MysqlStartTls implements StartTls {
  static final int CLIENT_LONG_PASSWORD = 0x1;
  static final int CLIENT_PROTOCOL_41 = 0x200;
  static final int CLIENT_SSL = 0x800;
  static final int CLIENT_SECURE_CONNECTION = 0x8000;

  /** utf8mb4_general_ci: any valid collation id serves, the probe never authenticates. */
  private static final int CHARSET = 45;

  /** A greeting is ~100 bytes; a larger first packet is not a MySQL server's. */
  private static final int MAX_GREETING = 4096;

  @Override
  public void negotiate(InputStream in, OutputStream out) throws IOException {
    byte[] greeting = packet(in);
    int capabilities = capabilities(greeting);
    if ((capabilities & CLIENT_SSL) == 0) {
      throw StartTlsException.refused("MySQL server does not offer CLIENT_SSL (TLS is off)");
    }
    byte[] request = new byte[4 + 32];
    request[0] = 32; // payload length, 3 bytes little-endian
    request[3] = 1; // sequence id: the reply to the greeting (0)
    int flags = CLIENT_LONG_PASSWORD | CLIENT_PROTOCOL_41 | CLIENT_SSL | CLIENT_SECURE_CONNECTION;
    putInt(request, 4, flags);
    putInt(request, 8, 1 << 24); // max packet size: 16 MiB
    request[12] = CHARSET;
    // 23 bytes of zero filler follow
    out.write(request);
    out.flush();
  }

  private static byte[] packet(InputStream in) throws IOException {
    byte[] header = in.readNBytes(4);
    if (header.length < 4) {
      throw new EOFException("server closed the connection before its greeting");
    }
    int length = (header[0] & 0xff) | (header[1] & 0xff) << 8 | (header[2] & 0xff) << 16;
    if (length < 1 || length > MAX_GREETING) {
      throw StartTlsException.garbage("not a MySQL greeting: packet length " + length);
    }
    byte[] payload = in.readNBytes(length);
    if (payload.length < length) {
      throw new EOFException("server closed the connection mid-greeting");
    }
    return payload;
  }

  /** The capability flags of a HandshakeV10 payload (lower 16 bits are all that decide TLS). */
  static int capabilities(byte[] p) throws StartTlsException {
    if ((p[0] & 0xff) == 0xff) {
      // ERR packet: int<1> 0xff, int<2> code, string message (e.g. host not allowed, too many)
      String message = new String(p, 3, Math.max(0, p.length - 3), StandardCharsets.UTF_8);
      throw StartTlsException.garbage("MySQL refused the connection: " + TextLines.quote(message));
    }
    if (p[0] != 10) {
      throw StartTlsException.garbage("not a MySQL greeting: protocol version " + (p[0] & 0xff));
    }
    int i = 1;
    while (i < p.length && p[i] != 0) {
      i++; // server version, NUL-terminated
    }
    i += 1 + 4 + 8 + 1; // NUL, connection id, auth-plugin-data part 1, filler
    if (i + 2 > p.length) {
      return 0; // a pre-4.1 greeting stops here: no capability flags, no TLS
    }
    return (p[i] & 0xff) | (p[i + 1] & 0xff) << 8;
  }

  private static void putInt(byte[] b, int at, int v) {
    for (int k = 0; k < 4; k++) {
      b[at + k] = (byte) (v >>> (8 * k));
    }
  }
}
