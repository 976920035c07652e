package io.sockscope.config;

/** A {@code HOST:PORT} or {@code [V6]:PORT} address, split and checked. */
public record HostPort(String host, int port) {

  public static HostPort parse(String key, String text) {
    int colon = text.lastIndexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw new ConfigException(key + ": expected HOST:PORT, got '" + text + "'");
    }
    String host = text.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.contains(":")) {
      throw new ConfigException(key + ": write an IPv6 address as [ADDR]:PORT, got '" + text + "'");
    }
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new ConfigException(key + ": port is not a number in '" + text + "'");
    }
    if (port < 1 || port > 65535) {
      throw new ConfigException(key + ": port must be 1-65535 in '" + text + "'");
    }
    return new HostPort(host, port);
  }

  @Override
  public String toString() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
