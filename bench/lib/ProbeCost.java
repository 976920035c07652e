import io.sockscope.tls.ProbeSource;
import io.sockscope.tls.ProbeTarget;
import io.sockscope.tls.TlsProber;
import io.sockscope.tls.TrustAnchors;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Benchmark fixture (bench/sidecar-costs): thread CPU of one TLS probe (connect, handshake,
 * verification, as TlsProber runs it) after WARM probes, over N probes GAP_MS apart (0: back to
 * back; a sidecar probes each target once a minute, so its caches are cold).
 *
 * <p>Usage: ProbeCost PORT CA_PEM WARM N GAP_MS
 */
public class ProbeCost {
  public static void main(String[] a) throws Exception {
    var target = ProbeTarget.parse("127.0.0.1:" + a[0] + ",bench.test", ProbeSource.STATIC);
    int warm = Integer.parseInt(a[2]);
    int n = Integer.parseInt(a[3]);
    long gap = Long.parseLong(a[4]);
    var threads = ManagementFactory.getThreadMXBean();
    try (var prober = new TlsProber(TrustAnchors.load(List.of(Path.of(a[1])), null), Clock.systemUTC())) {
      for (int i = 0; i < warm; i++) {
        check(prober.probe(target, Duration.ofSeconds(5)).failureReason());
      }
      long cpu = 0;
      for (int i = 0; i < n; i++) {
        long c0 = threads.getCurrentThreadCpuTime();
        check(prober.probe(target, Duration.ofSeconds(5)).failureReason());
        cpu += threads.getCurrentThreadCpuTime() - c0;
        if (gap > 0) {
          Thread.sleep(gap);
        }
      }
      System.out.printf("%.2f ms%n", cpu / 1e6 / n);
    }
  }

  private static void check(Object failure) {
    if (failure != null) {
      throw new IllegalStateException("probe failed: " + failure);
    }
  }
}
