package io.sockscope.config;

import java.time.Duration;
import java.util.List;

/** {@code tls:} section: probe defaults, targets and the {@code /probe} endpoint. */
public record TlsConfig(
    Duration interval,
    Duration timeout,
    Integer concurrency,
    List<TlsTargetConfig> targets,
    List<String> caFiles,
    List<Integer> peerPorts,
    Boolean peerTargets,
    ProbeEndpointConfig probeEndpoint,
    Integer maxTargets,
    Integer maxDnsNamesLength,
    Integer maxChainLength,
    List<CertificateFileConfig> certificateFiles,
    Integer maxCertificateFiles) {

  /**
   * {@code tls.probeEndpoint}: the ad-hoc {@code /probe} route, off by default (SSRF risk); at
   * most {@code maxConcurrent} probes at once, more are answered 429.
   */
  public record ProbeEndpointConfig(Boolean enabled, List<String> allow, Integer maxConcurrent) {
    public ProbeEndpointConfig {
      enabled = enabled != null && enabled;
      allow = allow == null ? List.of() : List.copyOf(allow);
      maxConcurrent = maxConcurrent == null ? 4 : maxConcurrent;
    }

    public ProbeEndpointConfig(Boolean enabled, List<String> allow) {
      this(enabled, allow, null);
    }
  }

  public TlsConfig {
    interval = interval == null ? Duration.ofSeconds(60) : interval;
    timeout = timeout == null ? Duration.ofSeconds(5) : timeout;
    concurrency = concurrency == null ? 32 : concurrency;
    targets = targets == null ? List.of() : List.copyOf(targets);
    caFiles = caFiles == null ? List.of() : List.copyOf(caFiles);
    peerPorts = peerPorts == null ? List.of(443, 8443, 6443, 9443) : List.copyOf(peerPorts);
    probeEndpoint = probeEndpoint == null ? new ProbeEndpointConfig(null, null) : probeEndpoint;
    maxTargets = maxTargets == null ? 256 : maxTargets;
    maxDnsNamesLength = maxDnsNamesLength == null ? 1024 : maxDnsNamesLength;
    maxChainLength = maxChainLength == null ? 64 : maxChainLength;
    certificateFiles = certificateFiles == null ? List.of() : List.copyOf(certificateFiles);
    maxCertificateFiles = maxCertificateFiles == null ? 16 : maxCertificateFiles;
  }

  /** Without the caps (kept at their defaults): the form tests and older callers use. */
  public TlsConfig(
      Duration interval,
      Duration timeout,
      Integer concurrency,
      List<TlsTargetConfig> targets,
      List<String> caFiles,
      List<Integer> peerPorts,
      Boolean peerTargets,
      ProbeEndpointConfig probeEndpoint) {
    this(interval, timeout, concurrency, targets, caFiles, peerPorts, peerTargets, probeEndpoint,
        null, null, null, null, null);
  }

  public static TlsConfig defaults() {
    return new TlsConfig(null, null, null, null, null, null, null, null);
  }

  /** Peer-derived targets default to on in the sidecar role only. */
  public boolean peerTargetsFor(Role role) {
    return peerTargets != null ? peerTargets : role == Role.SIDECAR;
  }

  TlsConfig withExtra(List<TlsTargetConfig> extraTargets, List<String> extraCaFiles) {
    var t = new java.util.ArrayList<>(targets);
    t.addAll(extraTargets);
    var c = new java.util.ArrayList<>(caFiles);
    c.addAll(extraCaFiles);
    return new TlsConfig(interval, timeout, concurrency, t, c, peerPorts, peerTargets, probeEndpoint,
        maxTargets, maxDnsNamesLength, maxChainLength, certificateFiles, maxCertificateFiles);
  }

  /** Adds certificate files (the {@code --certificate-file} flags the injector writes). */
  TlsConfig withCertificateFiles(List<CertificateFileConfig> extra) {
    var f = new java.util.ArrayList<>(certificateFiles);
    f.addAll(extra);
    return new TlsConfig(interval, timeout, concurrency, targets, caFiles, peerPorts, peerTargets,
        probeEndpoint, maxTargets, maxDnsNamesLength, maxChainLength, f, maxCertificateFiles);
  }

  static final Duration MIN_INTERVAL = Duration.ofSeconds(1);
  static final Duration MAX_INTERVAL = Duration.ofHours(24);
  static final Duration MIN_TIMEOUT = Duration.ofMillis(100);
  static final Duration MAX_TIMEOUT = Duration.ofMinutes(1);

  void validate(Validation v) {
    v.duration("tls.interval", interval, MIN_INTERVAL, MAX_INTERVAL);
    v.duration("tls.timeout", timeout, MIN_TIMEOUT, MAX_TIMEOUT);
    v.range("tls.concurrency", concurrency, 1, 4096);
    v.range("tls.maxTargets", maxTargets, 1, 100_000);
    v.range("tls.maxDnsNamesLength", maxDnsNamesLength, 64, 65_536);
    v.range("tls.maxChainLength", maxChainLength, 1, 1000);
    v.range("tls.probeEndpoint.maxConcurrent", probeEndpoint.maxConcurrent(), 1, 1024);
    for (int i = 0; i < targets.size(); i++) {
      targets.get(i).validate(v, "tls.targets[" + i + "]");
    }
    v.range("tls.maxCertificateFiles", maxCertificateFiles, 0, 256);
    for (int i = 0; i < certificateFiles.size(); i++) {
      certificateFiles.get(i).validate(v, "tls.certificateFiles[" + i + "]");
    }
    for (int i = 0; i < probeEndpoint.allow().size(); i++) {
      v.allowEntry("tls.probeEndpoint.allow[" + i + "]", probeEndpoint.allow().get(i));
    }
    for (int i = 0; i < peerPorts.size(); i++) {
      v.range("tls.peerPorts[" + i + "]", peerPorts.get(i), 1, 65535);
    }
  }
}
