package io.sockscope.util;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** The few DER encodings an X.509 certificate needs (ITU-T X.690). */
public final class Der {
  private Der() {}

  public static byte[] tlv(int tag, byte[]... parts) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      body.writeBytes(p);
    }
    byte[] content = body.toByteArray();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    int len = content.length;
    if (len < 0x80) {
      out.write(len);
    } else if (len < 0x100) {
      out.write(0x81);
      out.write(len);
    } else if (len < 0x10000) {
      out.write(0x82);
      out.write(len >> 8);
      out.write(len);
    } else {
      throw new IllegalArgumentException("DER value of " + len + " bytes: longer than this encoder writes");
    }
    out.writeBytes(content);
    return out.toByteArray();
  }

  public static byte[] seq(byte[]... parts) {
    return tlv(0x30, parts);
  }

  public static byte[] set(byte[]... parts) {
    return tlv(0x31, parts);
  }

  public static byte[] integer(BigInteger v) {
    return tlv(0x02, v.toByteArray());
  }

  public static byte[] bool(boolean v) {
    return tlv(0x01, new byte[] {(byte) (v ? 0xFF : 0)});
  }

  public static byte[] octets(byte[] v) {
    return tlv(0x04, v);
  }

  public static byte[] bits(byte[] v) {
    byte[] b = new byte[v.length + 1];
    System.arraycopy(v, 0, b, 1, v.length); // no unused bits
    return tlv(0x03, b);
  }

  public static byte[] utf8(String s) {
    return tlv(0x0C, s.getBytes(StandardCharsets.UTF_8));
  }

  /** UTCTime until 2049, GeneralizedTime after (RFC 5280 §4.1.2.5). */
  public static byte[] time(Instant t) {
    var z = t.atZone(ZoneOffset.UTC);
    if (z.getYear() < 2050) {
      return tlv(0x17, DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'").format(z).getBytes(StandardCharsets.US_ASCII));
    }
    return tlv(0x18, DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'").format(z).getBytes(StandardCharsets.US_ASCII));
  }

  public static byte[] oid(String dotted) {
    String[] p = dotted.split("\\.");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(Integer.parseInt(p[0]) * 40 + Integer.parseInt(p[1]));
    for (int i = 2; i < p.length; i++) {
      long v = Long.parseLong(p[i]);
      int n = 0;
      byte[] tmp = new byte[10];
      do {
        tmp[n++] = (byte) (v & 0x7F);
        v >>= 7;
      } while (v != 0);
      for (int k = n - 1; k >= 0; k--) {
        out.write(tmp[k] | (k > 0 ? 0x80 : 0));
      }
    }
    return tlv(0x06, out.toByteArray());
  }

  /** A context-specific tag: constructed {@code [n]} or primitive (implicit) {@code [n]}. */
  public static byte[] context(int n, boolean constructed, byte[]... parts) {
    return tlv((constructed ? 0xA0 : 0x80) | n, parts);
  }
}
