package io.sockscope.tls;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * How a probe reaches the TLS handshake: directly ({@link #TLS}: HTTPS, implicit TLS on 465, 636,
 * 993, 995...) or after a protocol's plaintext step (STARTTLS and its relatives). Chosen per target
 * by configuration, else by a Service port's {@code appProtocol} or name, else by the well-known
 * port; anything unknown is plain TLS.
 */
public enum ProbeProtocol {
  TLS(null, List.of(), List.of("https", "none")),
  POSTGRES(new PostgresStartTls(), List.of(5432), List.of("postgresql", "pg")),
  MYSQL(new MysqlStartTls(), List.of(3306), List.of("mariadb")),
  SMTP(new SmtpStartTls(), List.of(25, 587), List.of("submission")),
  IMAP(new ImapStartTls(), List.of(143), List.of()),
  POP3(new Pop3StartTls(), List.of(110), List.of()),
  LDAP(new LdapStartTls(), List.of(389), List.of());

  private final StartTls startTls;
  private final List<Integer> wellKnownPorts;
  private final List<String> aliases;

  ProbeProtocol(StartTls startTls, List<Integer> wellKnownPorts, List<String> aliases) {
    this.startTls = startTls;
    this.wellKnownPorts = wellKnownPorts;
    this.aliases = aliases;
  }

  /** The configuration spelling: {@code tls}, {@code postgres}, {@code mysql}, ... */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The plaintext step before TLS, or null for {@link #TLS}. */
  StartTls startTls() {
    return startTls;
  }

  /** The protocol of a well-known port (5432, 3306, 25, 587, 143, 110, 389), else {@link #TLS}. */
  public static ProbeProtocol forPort(int port) {
    return Arrays.stream(values())
        .filter(p -> p.wellKnownPorts.contains(port))
        .findFirst()
        .orElse(TLS);
  }

  /**
   * A name as written in configuration or in Kubernetes: the label or an alias ({@code https} and
   * {@code none} are plain TLS, {@code postgresql}, {@code mariadb}, {@code submission}),
   * case-insensitive; empty when it names no protocol.
   */
  public static Optional<ProbeProtocol> named(String name) {
    if (name == null) {
      return Optional.empty();
    }
    String n = name.strip().toLowerCase(Locale.ROOT);
    return Arrays.stream(values())
        .filter(p -> p.label().equals(n) || p.aliases.contains(n))
        .findFirst();
  }

  /**
   * For a Kubernetes Service port, pure: the {@code appProtocol} first (a prefixed name such as
   * {@code example.com/postgresql} counts by its last segment), then the port name by its leading
   * token ({@code postgres}, {@code smtp-relay}: the Istio convention {@code
   * <protocol>[-<suffix>]}), then the port number.
   */
  public static ProbeProtocol forService(String appProtocol, String portName, int port) {
    if (appProtocol != null && !appProtocol.isBlank()) {
      Optional<ProbeProtocol> p = named(appProtocol.substring(appProtocol.lastIndexOf('/') + 1));
      if (p.isPresent()) {
        return p.get();
      }
    }
    if (portName != null && !portName.isBlank()) {
      Optional<ProbeProtocol> p = named(portName.split("-", 2)[0]);
      if (p.isPresent()) {
        return p.get();
      }
    }
    return forPort(port);
  }

  /** Every accepted spelling, for error messages. */
  public static String spellings() {
    StringBuilder sb = new StringBuilder();
    for (ProbeProtocol p : values()) {
      sb.append(sb.isEmpty() ? "" : ", ").append(p.label());
      p.aliases.forEach(a -> sb.append(", ").append(a));
    }
    return sb.toString();
  }
}
