package io.sockscope.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The plaintext step a protocol takes before its TLS handshake. An implementation reads exactly
 * what the server sends up to its "go ahead" and never buffers past it: the next bytes on the wire
 * are the server's TLS records, read by the JDK's TLS socket layered on the same connection.
 */
interface StartTls {
  /**
   * Negotiates TLS; returns when the client may send its ClientHello.
   *
   * @throws StartTlsException the server refused TLS or answered with something else
   * @throws IOException the connection failed (timeout, reset, end of stream)
   */
  void negotiate(InputStream in, OutputStream out) throws IOException;
}
