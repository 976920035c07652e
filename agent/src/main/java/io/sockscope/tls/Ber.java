package io.sockscope.tls;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The little BER (X.690) LDAP's StartTLS needs: definite lengths, single-byte tags, no indefinite
 * forms (RFC 4511 §5.1 forbids them in LDAP). Enough to build one ExtendedRequest and read one
 * ExtendedResponse; anything else is reported as not LDAP.
 *
 * @param tag the identifier octet (class, constructed bit, number)
 * @param value the contents octets
 */
record Ber(int tag, byte[] value) {
  static final int SEQUENCE = 0x30;
  static final int INTEGER = 0x02;
  static final int OCTET_STRING = 0x04;
  static final int ENUMERATED = 0x0a;

  /** One element from the stream, at most {@code max} content bytes. */
  static Ber read(InputStream in, int max) throws IOException {
    int tag = in.read();
    if (tag < 0) {
      throw new EOFException("server closed the connection");
    }
    if ((tag & 0x1f) == 0x1f) {
      throw StartTlsException.garbage(String.format("not LDAP: multi-byte BER tag 0x%02x", tag));
    }
    int length = length(in);
    if (length > max) {
      throw StartTlsException.garbage("not LDAP: BER element of " + length + " bytes");
    }
    byte[] value = in.readNBytes(length);
    if (value.length < length) {
      throw new EOFException("server closed the connection mid-message");
    }
    return new Ber(tag, value);
  }

  private static int length(InputStream in) throws IOException {
    int first = in.read();
    if (first < 0) {
      throw new EOFException("server closed the connection");
    }
    if (first < 0x80) {
      return first;
    }
    int octets = first & 0x7f;
    if (octets == 0 || octets > 3) {
      throw StartTlsException.garbage(String.format("not LDAP: BER length octet 0x%02x", first));
    }
    int length = 0;
    for (int i = 0; i < octets; i++) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("server closed the connection");
      }
      length = length << 8 | b;
    }
    return length;
  }

  /** The elements inside a constructed value. */
  List<Ber> children() throws IOException {
    var in = new java.io.ByteArrayInputStream(value);
    List<Ber> out = new ArrayList<>();
    while (in.available() > 0) {
      out.add(read(in, value.length));
    }
    return out;
  }

  /** A non-negative INTEGER or ENUMERATED value (message ids and result codes are small). */
  int intValue() throws StartTlsException {
    if (value.length == 0 || value.length > 4) {
      throw StartTlsException.garbage("not LDAP: integer of " + value.length + " bytes");
    }
    int v = value[0]; // sign-extended: BER integers are two's complement
    for (int i = 1; i < value.length; i++) {
      v = v << 8 | (value[i] & 0xff);
    }
    return v;
  }

  /** Encodes {@code tag}, the definite length, and the concatenated {@code parts}. */
  static byte[] encode(int tag, byte[]... parts) {
    var body = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      body.writeBytes(p);
    }
    var out = new ByteArrayOutputStream();
    out.write(tag);
    int n = body.size();
    if (n < 0x80) {
      out.write(n);
    } else if (n < 0x100) {
      out.write(0x81);
      out.write(n);
    } else {
      out.write(0x82);
      out.write(n >>> 8);
      out.write(n);
    }
    out.writeBytes(body.toByteArray());
    return out.toByteArray();
  }
}
