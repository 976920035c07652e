package io.sockscope.tls;

import static io.sockscope.tls.TestCa.days;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JDK's cacerts are read only when a chain does not verify to the configured anchors, and
 * then give the same verdict as if they had been loaded at start-up.
 */
class TrustAnchorsTest {
  @TempDir Path dir;

  /** One of the JDK's own roots, read from the runtime's cacerts as ground truth. */
  private static X509Certificate aJdkRoot() throws Exception {
    return jdkRoots().getFirst();
  }

  @Test
  void aChainToAConfiguredAnchorNeverReadsTheJdksAnchors() throws Exception {
    var root = TestCa.root("Configured Root");
    var leaf = TestCa.leaf(TestCa.intermediate(root, "Configured Intermediate"), days(-1), days(30), "app.test");
    TrustAnchors anchors = TrustAnchors.load(List.of(root.pem(dir, "root")), null);
    assertThat(anchors.size()).isEqualTo(1);

    assertThat(ChainVerifier.verify(leaf.chain(), "app.test", anchors, TestCa.NOW)).isEmpty();
    assertThat(anchors.jdkRead()).isFalse();
  }

  @Test
  void aChainToAJdkRootReadsThemAndVerifies() throws Exception {
    X509Certificate jdkRoot = aJdkRoot();
    TrustAnchors anchors = TrustAnchors.load(List.of(), null);
    // A served JDK root: trusted (the name does not match: only HOSTNAME_MISMATCH remains).
    var reasons = ChainVerifier.verify(List.of(jdkRoot), "app.test", anchors, jdkRoot.getNotBefore().toInstant().plusSeconds(60));
    assertThat(reasons).containsExactly(VerifyReason.HOSTNAME_MISMATCH);
    assertThat(anchors.jdkRead()).isTrue();

    // Without the JDK's anchors (TrustAnchors.of) the same chain is untrusted.
    assertThat(ChainVerifier.verify(List.of(jdkRoot), "app.test", TrustAnchors.of(List.of()),
        jdkRoot.getNotBefore().toInstant().plusSeconds(60))).contains(VerifyReason.UNTRUSTED);
  }

  @Test
  void aChainToAnUnknownRootGetsTheVerdictOfAllAnchorsLoadedUpFront() throws Exception {
    var configured = TestCa.root("Configured Root");
    var stranger = TestCa.root("Stranger Root");
    var leaf = TestCa.leaf(TestCa.intermediate(stranger, "Stranger Intermediate"), days(-1), days(30), "app.test");
    TrustAnchors anchors = TrustAnchors.load(List.of(configured.pem(dir, "root")), null);
    List<X509Certificate> upFront = new ArrayList<>(jdkRoots());
    upFront.add(configured.cert());

    var lazy = ChainVerifier.verify(leaf.chain(), "app.test", anchors, TestCa.NOW);
    assertThat(lazy).isNotEmpty()
        .isEqualTo(ChainVerifier.verify(leaf.chain(), "app.test", TrustAnchors.of(upFront), TestCa.NOW));
    assertThat(anchors.jdkRead()).isTrue();
  }

  private static List<X509Certificate> jdkRoots() throws Exception {
    KeyStore cacerts = KeyStore.getInstance(
        Path.of(System.getProperty("java.home"), "lib", "security", "cacerts").toFile(), (char[]) null);
    List<X509Certificate> out = new ArrayList<>();
    for (String alias : Collections.list(cacerts.aliases())) {
      if (cacerts.getCertificate(alias) instanceof X509Certificate c) {
        out.add(c);
      }
    }
    assertThat(out).hasSizeGreaterThan(50);
    return out;
  }
}
