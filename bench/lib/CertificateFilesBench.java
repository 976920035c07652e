import io.sockscope.tls.*;
import java.nio.file.Path;
import java.time.*;
import java.util.List;

/** One parity check of bench/certificate-files: file read, published-table lookup, local handshake. */
public class CertificateFilesBench {
  public static void main(String[] a) throws Exception {
    var fp = CertificateFile.read(Path.of("c.pem"), CertificateFile.Format.PEM, KeystorePassword.none()).getFirst();
    var table = SecretFingerprints.of(List.of(new SecretFingerprints.Leaf("x", "c.pem", fp.fingerprintSha256(), fp.notAfter())));
    try (var prober = new TlsProber(TrustAnchors.load(List.of(), null), Clock.systemUTC())) {
      var target = ProbeTarget.of("127.0.0.1", 18443, "bench.local", ProbeSource.ADHOC);
      for (String[] f : new String[][] {{"c.pem", "PEM"}, {"c.p12", "PKCS12"}}) {
        var check = new CertificateFileCheck(Path.of(f[0]), CertificateFile.Format.valueOf(f[1]),
            f[1].equals("PEM") ? KeystorePassword.none() : KeystorePassword.fromFile(Path.of("pw")), "x", "c.pem", target);
        var noPort = new CertificateFileCheck(check.file(), check.format(), check.password(), "x", "c.pem", null);
        for (var c : List.of(check, noPort)) {
          var files = new CertificateFiles(List.of(c), 16, () -> table, t -> prober.probe(t, Duration.ofSeconds(5)), Clock.systemUTC());
          for (int i = 0; i < 200; i++) files.check(); // warm-up
          int n = 1000;
          long t0 = System.nanoTime();
          for (int i = 0; i < n; i++) files.check();
          long t1 = System.nanoTime();
          System.out.printf("%s %s: %.3f ms per check, differs=%s%n", f[1], c.served() == null ? "file+secret" : "three-way",
              (t1 - t0) / 1e6 / n, files.latest().getFirst().differs());
        }
      }
    }
  }
}
