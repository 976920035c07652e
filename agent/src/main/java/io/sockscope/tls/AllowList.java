package io.sockscope.tls;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code tls.probeEndpoint.allow}: CIDRs ({@code 10.0.0.0/8}, {@code fd00::/8}), single IPs, exact
 * host names, and host patterns whose {@code *} stands for one or more leading labels ({@code
 * *.svc} allows {@code web.ns.svc}).
 */
public final class AllowList {
  private record Cidr(byte[] network, int bits) {
    boolean contains(InetAddress a) {
      byte[] b = a.getAddress();
      if (b.length != network.length) {
        return false;
      }
      for (int i = 0; i < bits; i++) {
        int mask = 0x80 >> (i % 8);
        if ((b[i / 8] & mask) != (network[i / 8] & mask)) {
          return false;
        }
      }
      return true;
    }
  }

  private final List<Cidr> cidrs;
  private final List<String> hosts;

  private AllowList(List<Cidr> cidrs, List<String> hosts) {
    this.cidrs = cidrs;
    this.hosts = hosts;
  }

  /** Parses the entries; throws {@link IllegalArgumentException} naming a bad one. */
  public static AllowList parse(List<String> entries) {
    List<Cidr> cidrs = new ArrayList<>();
    List<String> hosts = new ArrayList<>();
    for (String e : entries) {
      String s = e.strip().toLowerCase(Locale.ROOT);
      int slash = s.indexOf('/');
      String ip = slash < 0 ? s : s.substring(0, slash);
      if (HostnameMatcher.isIpLiteral(ip)) {
        byte[] net = literal(ip, e).getAddress();
        int bits = slash < 0 ? net.length * 8 : bits(s.substring(slash + 1), net.length * 8, e);
        cidrs.add(new Cidr(net, bits));
      } else if (s.matches(
          "(\\*\\.)?[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*")) {
        hosts.add(s);
      } else {
        throw new IllegalArgumentException(
            "expected a CIDR (10.0.0.0/8), an IP, a host name or *.suffix, got '" + e + "'");
      }
    }
    return new AllowList(List.copyOf(cidrs), List.copyOf(hosts));
  }

  public boolean allowsHost(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    return hosts.stream()
        .anyMatch(
            p ->
                p.startsWith("*.")
                    ? h.endsWith(p.substring(1)) && h.length() > p.length() - 1
                    : h.equals(p));
  }

  public boolean allowsAddress(InetAddress a) {
    return cidrs.stream().anyMatch(c -> c.contains(a));
  }

  public boolean hasCidrs() {
    return !cidrs.isEmpty();
  }

  private static InetAddress literal(String ip, String entry) {
    try {
      return InetAddress.ofLiteral(ip);
    } catch (IllegalArgumentException ex) {
      throw new IllegalArgumentException("not a valid CIDR or IP: '" + entry + "'");
    }
  }

  private static int bits(String s, int max, String entry) {
    try {
      int b = Integer.parseInt(s);
      if (b >= 0 && b <= max) {
        return b;
      }
    } catch (NumberFormatException ex) {
      // reported below
    }
    throw new IllegalArgumentException("not a valid CIDR or IP: '" + entry + "'");
  }
}
