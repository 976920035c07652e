package io.sockscope.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DemoCertificatesTest {

  @Test
  void issuesAChainThatPkixAcceptsWithExactDates() throws Exception {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    var ca = DemoCertificates.ca("sockscope demo CA", now.minus(1, ChronoUnit.DAYS), now.plus(30, ChronoUnit.DAYS));
    var leaf = DemoCertificates.leaf(ca, "localhost", List.of("localhost"), List.of(InetAddress.getByName("127.0.0.1")),
        now.minus(5, ChronoUnit.DAYS), now.plus(1, ChronoUnit.DAYS));

    leaf.certificate().verify(ca.certificate().getPublicKey());
    assertThat(leaf.certificate().getNotAfter().toInstant()).isEqualTo(now.plus(1, ChronoUnit.DAYS));
    assertThat(leaf.certificate().getNotBefore().toInstant()).isEqualTo(now.minus(5, ChronoUnit.DAYS));
    assertThat(leaf.certificate().getSubjectX500Principal().getName()).isEqualTo("CN=localhost");
    assertThat(leaf.certificate().getIssuerX500Principal()).isEqualTo(ca.certificate().getSubjectX500Principal());
    assertThat(leaf.certificate().getSubjectAlternativeNames())
        .containsExactlyInAnyOrder(List.of(2, "localhost"), List.of(7, "127.0.0.1"));
    assertThat(ca.certificate().getBasicConstraints()).isGreaterThanOrEqualTo(0);

    var params = new PKIXParameters(Set.of(new TrustAnchor(ca.certificate(), null)));
    params.setRevocationEnabled(false);
    params.setDate(new Date());
    var path = CertificateFactory.getInstance("X.509").generateCertPath(List.of(leaf.certificate()));
    CertPathValidator.getInstance("PKIX").validate(path, params);
    assertThat(leaf.pem()).startsWith("-----BEGIN CERTIFICATE-----\n").endsWith("-----END CERTIFICATE-----\n");
  }
}
