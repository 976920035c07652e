package io.sockscope.sockets;

/** Text forms of the addresses held in {@link SocketRow} (no DNS, no allocation beyond the string). */
public final class Addresses {
  private Addresses() {}

  public static String text(int family, long hi, long lo) {
    if (family == SocketRow.AF_INET) {
      return ipv4(lo);
    }
    if (hi == 0 && (lo >>> 32) == 0xFFFFL) {
      return ipv4(lo & 0xFFFFFFFFL); // IPv4-mapped (::ffff:a.b.c.d): an IPv4 peer of a dual-stack socket
    }
    StringBuilder sb = new StringBuilder(39);
    int[] groups = new int[8];
    for (int i = 0; i < 4; i++) {
      groups[i] = (int) (hi >>> (48 - 16 * i)) & 0xFFFF;
      groups[i + 4] = (int) (lo >>> (48 - 16 * i)) & 0xFFFF;
    }
    // RFC 5952: compress the longest run (>= 2) of zero groups.
    int bestStart = -1;
    int bestLen = 1;
    for (int i = 0; i < 8; ) {
      if (groups[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLen) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j;
    }
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        sb.append(i == 0 ? "::" : ":");
        i += bestLen - 1;
        continue;
      }
      sb.append(Integer.toHexString(groups[i]));
      if (i < 7) {
        sb.append(':');
      }
    }
    return sb.toString();
  }

  private static String ipv4(long v) {
    return (v >>> 24 & 0xFF) + "." + (v >>> 16 & 0xFF) + "." + (v >>> 8 & 0xFF) + "." + (v & 0xFF);
  }
}
