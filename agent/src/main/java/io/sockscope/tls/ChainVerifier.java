package io.sockscope.tls;

import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Verifies a recorded chain after the handshake and says every way it fails. The path to an anchor
 * is built by hand (issuer name + signature) so that a missing intermediate and an unknown root are
 * told apart; the built path then goes through the JDK PKIX validator (basic constraints, key
 * usage, critical extensions) at a date inside every element's validity, dates being reported
 * separately.
 */
final class ChainVerifier {
  private ChainVerifier() {}

  static Set<VerifyReason> verify(
      List<X509Certificate> chain, String name, TrustAnchors anchors, Instant now) {
    EnumSet<VerifyReason> reasons = EnumSet.noneOf(VerifyReason.class);
    if (chain.isEmpty()) {
      reasons.add(VerifyReason.UNTRUSTED);
      return reasons;
    }
    for (X509Certificate c : chain) {
      if (now.isAfter(c.getNotAfter().toInstant())) {
        reasons.add(VerifyReason.EXPIRED);
      } else if (now.isBefore(c.getNotBefore().toInstant())) {
        reasons.add(VerifyReason.NOT_YET_VALID);
      }
    }
    X509Certificate leaf = chain.getFirst();
    if (!HostnameMatcher.matches(name, CertificateFacts.of(leaf))) {
      reasons.add(VerifyReason.HOSTNAME_MISMATCH);
    }
    // The configured anchors first: when the chain verifies to one of them, the JDK's cacerts
    // (parsed on demand, TrustAnchors) cannot change the verdict and are never read.
    EnumSet<VerifyReason> trust = EnumSet.noneOf(VerifyReason.class);
    trust(chain, anchors.own(), now, trust);
    if (!trust.isEmpty() && anchors.defersJdk()) {
      trust.clear();
      trust(chain, anchors.complete(), now, trust);
    }
    reasons.addAll(trust);
    strength(chain, anchors, reasons);
    return reasons;
  }

  private static void trust(
      List<X509Certificate> chain, TrustAnchors anchors, Instant now, Set<VerifyReason> out) {
    List<X509Certificate> path = new ArrayList<>();
    X509Certificate current = chain.getFirst();
    for (int depth = 0; depth < 10; depth++) {
      if (anchors.contains(current)) {
        validate(path, current, now, out); // a served anchor (or a trusted self-signed leaf)
        return;
      }
      path.add(current);
      X509Certificate anchor =
          issuerAmong(current, anchors.withSubject(current.getIssuerX500Principal()));
      if (anchor != null) {
        validate(path, anchor, now, out);
        return;
      }
      if (isSelfSigned(current)) {
        out.add(VerifyReason.UNTRUSTED);
        return;
      }
      X509Certificate next = issuerAmong(current, chain);
      if (next == null || next == current) {
        out.add(VerifyReason.INCOMPLETE_CHAIN);
        return;
      }
      current = next;
    }
    out.add(VerifyReason.UNTRUSTED); // a loop or an absurdly long chain
  }

  /**
   * PKIX checks on the built path, at an instant valid for all of it (dates are reported apart).
   */
  private static void validate(
      List<X509Certificate> path, X509Certificate anchor, Instant now, Set<VerifyReason> out) {
    if (path.isEmpty()) {
      return; // the leaf itself is an anchor
    }
    try {
      PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(anchor, null)));
      params.setRevocationEnabled(false);
      params.setDate(Date.from(commonInstant(path, now)));
      CertPathValidator.getInstance("PKIX")
          .validate(CertificateFactory.getInstance("X.509").generateCertPath(path), params);
    } catch (GeneralSecurityException e) {
      out.add(VerifyReason.UNTRUSTED);
    }
  }

  private static Instant commonInstant(List<X509Certificate> path, Instant now) {
    Instant latestStart =
        path.stream().map(c -> c.getNotBefore().toInstant()).max(Instant::compareTo).orElseThrow();
    Instant earliestEnd =
        path.stream().map(c -> c.getNotAfter().toInstant()).min(Instant::compareTo).orElseThrow();
    if (!now.isBefore(latestStart) && !now.isAfter(earliestEnd)) {
      return now;
    }
    return latestStart.isAfter(earliestEnd) ? earliestEnd : latestStart;
  }

  private static X509Certificate issuerAmong(X509Certificate c, List<X509Certificate> candidates) {
    for (X509Certificate i : candidates) {
      if (i.getSubjectX500Principal().equals(c.getIssuerX500Principal()) && signedBy(c, i)) {
        return i;
      }
    }
    return null;
  }

  private static boolean isSelfSigned(X509Certificate c) {
    return c.getSubjectX500Principal().equals(c.getIssuerX500Principal()) && signedBy(c, c);
  }

  private static boolean signedBy(X509Certificate c, X509Certificate issuer) {
    try {
      c.verify(issuer.getPublicKey());
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** Weak keys anywhere served; weak signatures except on self-signed (anchor) certificates. */
  private static void strength(
      List<X509Certificate> chain, TrustAnchors anchors, Set<VerifyReason> out) {
    for (X509Certificate c : chain) {
      String alg = c.getPublicKey().getAlgorithm();
      int bits = CertificateFacts.keyBits(c.getPublicKey());
      boolean weak =
          switch (alg) {
            case "RSA", "DSA", "RSASSA-PSS" -> bits > 0 && bits < 2048;
            case "EC" -> bits > 0 && bits < 224;
            default -> false;
          };
      if (weak && !anchors.contains(c)) {
        out.add(VerifyReason.WEAK_KEY);
      }
      String sig = c.getSigAlgName().toUpperCase(Locale.ROOT);
      boolean weakSig = sig.contains("SHA1") || sig.contains("MD5") || sig.contains("MD2");
      if (weakSig && !isSelfSigned(c) && !anchors.contains(c)) {
        out.add(VerifyReason.WEAK_SIGNATURE);
      }
    }
  }
}
