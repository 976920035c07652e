package io.sockscope.metrics;

import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.sockscope.tls.CertificateFacts;
import io.sockscope.tls.ProbeResult;
import io.sockscope.tls.TargetState;
import io.sockscope.tls.VerifyReason;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/** The per-target TLS gauges, rebuilt from the latest immutable states at each scrape. */
final class TlsGauges {
  /** Default of {@code tls.maxDnsNamesLength}. */
  static final int DEFAULT_MAX_DNS_NAMES_LENGTH = 1024;

  private TlsGauges() {}

  /**
   * The {@code dns_names} label: the SANs joined by commas, at most {@code max} characters. Longer
   * lists keep the names that fit whole and end with {@code ,...(+N)}, N the names left out (one
   * certificate with 400 SANs made a 25,864-byte line; issue 13).
   */
  static String dnsNames(List<String> names, int max) {
    String all = String.join(",", names);
    if (all.length() <= max) {
      return all;
    }
    StringBuilder b = new StringBuilder();
    int kept = 0;
    for (String n : names) {
      String marker = ",...(+" + (names.size() - kept - 1) + ")";
      int sep = b.isEmpty() ? 0 : 1;
      if (b.length() + sep + n.length() + marker.length() > max) {
        break;
      }
      if (sep == 1) {
        b.append(',');
      }
      b.append(n);
      kept++;
    }
    return b.append(b.isEmpty() ? "" : ",").append("...(+").append(names.size() - kept).append(')')
        .toString();
  }

  /** Targets whose {@code dns_names} the cap shortens. */
  static long dnsNamesCut(Map<String, TargetState> states, int max) {
    return states.values().stream()
        .filter(s -> s.lastPresented() != null)
        .filter(s -> String.join(",", s.lastPresented().leaf().orElseThrow().dnsNames()).length() > max)
        .count();
  }

  static List<MetricSnapshot> collect(Map<String, TargetState> states) {
    return collect(states, DEFAULT_MAX_DNS_NAMES_LENGTH);
  }

  static List<MetricSnapshot> collect(Map<String, TargetState> states, int maxDnsNames) {
    return List.of(
        gauge(
            "sockscope_tls_probe_success",
            "1 when the latest probe connected, completed the handshake and verified.",
            states,
            (s, g) ->
                g.add(
                    Labels.of("target", s.target().id(), "source", s.target().source().label()),
                    s.last().success() ? 1 : 0)),
        gauge(
            "sockscope_tls_verify_error_info",
            "1 for each reason the latest handshake's certificate chain failed verification.",
            states,
            (s, g) -> {
              for (VerifyReason r : s.last().sortedReasons()) {
                g.add(Labels.of("target", s.target().id(), "reason", r.label()), 1);
              }
            }),
        gauge(
            "sockscope_tls_cert_not_after_timestamp_seconds",
            "Leaf certificate notAfter (Unix seconds), also when verification fails.",
            states,
            (s, g) -> leaf(s, (id, l) -> g.add(Labels.of("target", id), seconds(l.notAfter())))),
        gauge(
            "sockscope_tls_cert_not_before_timestamp_seconds",
            "Leaf certificate notBefore (Unix seconds).",
            states,
            (s, g) -> leaf(s, (id, l) -> g.add(Labels.of("target", id), seconds(l.notBefore())))),
        gauge(
            "sockscope_tls_chain_not_after_timestamp_seconds",
            "Earliest notAfter of the served chain, served self-signed roots excluded.",
            states,
            (s, g) -> {
              if (s.lastPresented() != null) {
                s.lastPresented()
                    .chainNotAfter()
                    .ifPresent(t -> g.add(Labels.of("target", s.target().id()), seconds(t)));
              }
            }),
        gauge(
            "sockscope_tls_cert_info",
            "Identity of the leaf certificate served; the value is always 1.",
            states,
            (s, g) ->
                leaf(
                    s,
                    (id, l) ->
                        g.add(
                            Labels.of(
                                "target",
                                id,
                                "subject",
                                l.subject(),
                                "issuer",
                                l.issuer(),
                                "serial",
                                l.serial(),
                                "fingerprint_sha256",
                                l.fingerprintSha256(),
                                "dns_names",
                                dnsNames(l.dnsNames(), maxDnsNames)),
                            1))),
        gauge(
            "sockscope_tls_session_info",
            "Negotiated TLS version and cipher of the latest completed handshake; always 1.",
            states,
            (s, g) -> {
              ProbeResult r = s.last();
              if (r.tlsVersion() != null) {
                g.add(
                    Labels.of(
                        "target", s.target().id(), "version", r.tlsVersion(), "cipher", r.cipher()),
                    1);
              }
            }),
        gauge(
            "sockscope_tls_last_success_timestamp_seconds",
            "When the latest successful probe finished (Unix seconds).",
            states,
            (s, g) -> {
              if (s.lastSuccess() != null) {
                g.add(Labels.of("target", s.target().id()), seconds(s.lastSuccess()));
              }
            }),
        gauge(
            "sockscope_tls_client_cert_not_after_timestamp_seconds",
            "notAfter of the target's own mTLS client certificate (Unix seconds).",
            states,
            (s, g) -> {
              if (s.last().clientCertNotAfter() != null) {
                g.add(Labels.of("target", s.target().id()), seconds(s.last().clientCertNotAfter()));
              }
            }));
  }

  private static void leaf(TargetState s, BiConsumer<String, CertificateFacts> f) {
    if (s.lastPresented() != null) {
      f.accept(s.target().id(), s.lastPresented().leaf().orElseThrow());
    }
  }

  private static double seconds(Instant t) {
    return t.getEpochSecond();
  }

  /** Collects data points for one gauge family. */
  static final class Points {
    private final GaugeSnapshot.Builder builder;

    Points(GaugeSnapshot.Builder builder) {
      this.builder = builder;
    }

    void add(Labels labels, double value) {
      builder.dataPoint(GaugeDataPointSnapshot.builder().labels(labels).value(value).build());
    }
  }

  private static MetricSnapshot gauge(
      String name,
      String help,
      Map<String, TargetState> states,
      BiConsumer<TargetState, Points> each) {
    GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
    Points p = new Points(b);
    states.values().forEach(s -> each.accept(s, p));
    return b.build();
  }
}
