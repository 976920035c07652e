package io.sockscope.tls;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * RFC 6125 host name check, done by hand because the handshake runs without endpoint identification
 * (so that a mismatch is a reason, not an aborted handshake).
 */
final class HostnameMatcher {
  private HostnameMatcher() {}

  static boolean matches(String name, CertificateFacts leaf) {
    if (isIpLiteral(name)) {
      // RFC 6125 §6.2.1 / RFC 2818: an IP is only matched against iPAddress SANs, never the CN.
      InetAddress wanted = parseIp(name);
      return leaf.ipAddresses().stream().map(HostnameMatcher::parseIp).anyMatch(wanted::equals);
    }
    String host = normalize(name);
    if (!leaf.dnsNames().isEmpty()) {
      return leaf.dnsNames().stream().anyMatch(p -> matchesPattern(host, normalize(p)));
    }
    // RFC 6125 §6.4.4: the CN only when there is no DNS-ID at all.
    return commonNames(leaf.subject()).stream().anyMatch(cn -> matchesPattern(host, normalize(cn)));
  }

  /** A wildcard only as the whole left-most label, matching exactly one label (RFC 6125 §6.4.3). */
  static boolean matchesPattern(String host, String pattern) {
    if (!pattern.startsWith("*.")) {
      return host.equals(pattern);
    }
    String suffix = pattern.substring(1); // ".example.com"
    if (suffix.indexOf('.', 1) < 0 || suffix.contains("*")) {
      return false; // "*.com" or a second wildcard: never
    }
    if (!host.endsWith(suffix)) {
      return false;
    }
    String first = host.substring(0, host.length() - suffix.length());
    return !first.isEmpty() && !first.contains(".");
  }

  /**
   * IPv6 (any colon) or a dotted quad of 1-3 digit groups. By hand, not String.matches: that
   * compiled the pattern on each of the three calls per probe (docs/performance.md).
   */
  static boolean isIpLiteral(String s) {
    if (s.indexOf(':') >= 0) {
      return true;
    }
    int dots = 0;
    int digits = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9' && digits < 3) {
        digits++;
      } else if (c == '.' && digits > 0 && dots < 3) {
        dots++;
        digits = 0;
      } else {
        return false;
      }
    }
    return dots == 3 && digits > 0;
  }

  private static String normalize(String s) {
    String n = s.toLowerCase(Locale.ROOT);
    return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
  }

  private static InetAddress parseIp(String s) {
    try {
      return InetAddress.ofLiteral(s);
    } catch (IllegalArgumentException e) {
      return unknown();
    }
  }

  private static InetAddress unknown() {
    try {
      return InetAddress.getByAddress(new byte[16]); // :: never equals a probed address
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<String> commonNames(String dn) {
    try {
      return new LdapName(dn)
          .getRdns().stream()
              .filter(r -> r.getType().equalsIgnoreCase("CN"))
              .map(Rdn::getValue)
              .map(Object::toString)
              .toList();
    } catch (InvalidNameException e) {
      return List.of();
    }
  }
}
