package io.sockscope.tls;

import static io.sockscope.tls.TestCa.days;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProbeSchedulerTest {

  @Test
  void tarpitsDoNotStarveHealthyTargets(@TempDir Path dir) throws Exception {
    var root = TestCa.root("Sched Root");
    var leaf = TestCa.leaf(root, days(-1), days(30), "app.test");
    int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
    List<AutoCloseable> servers = new ArrayList<>();
    Duration interval = Duration.ofSeconds(1);
    try (var prober =
            new TlsProber(TrustAnchors.load(List.of(root.pem(dir, "r")), null), Clock.systemUTC());
        var sched =
            new ProbeScheduler(
                // a timeout a loaded machine's handshakes fit in (250 ms once measured 700 ms under
                // load 15); twice the interval, so tarpits holding slots for it would starve
                prober::probe, interval, Duration.ofSeconds(2), 32, Clock.systemUTC())) {
      List<ProbeTarget> tarpits = new ArrayList<>();
      List<ProbeTarget> healthy = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        var t = TestTlsServer.tarpit();
        servers.add(t);
        tarpits.add(ProbeTarget.of("127.0.0.1", t.port(), "app.test", ProbeSource.STATIC));
      }
      for (int i = 0; i < 10; i++) {
        var s = TestTlsServer.serving(leaf).start();
        servers.add(s);
        healthy.add(ProbeTarget.of("127.0.0.1", s.port(), "app.test", ProbeSource.STATIC));
      }
      List<ProbeTarget> all = new ArrayList<>(tarpits);
      all.addAll(healthy);
      sched.setTargets(ProbeSource.STATIC, all);
      await().atMost(Duration.ofSeconds(8)).until(() -> sched.states().size() == 110);
      int maxThreads = 0;
      int succeeded = 0;
      int checks = 0;
      for (int round = 0; round < 8; round++) {
        Thread.sleep(500);
        Instant now = Instant.now();
        var states = sched.states();
        for (ProbeTarget h : healthy) {
          TargetState s = states.get(h.id());
          // never starved: its latest probe ended within two intervals (+jitter) and two timeouts
          // (one probe timed out on a starved CPU, the next is running); the old FIFO queue made
          // it wait a round of 100 tarpits x 2 s / 32 slots per probe, so 110 targets did not
          // even all get a first result within 8 s
          assertThat(Duration.between(s.last().finishedAt(), now))
              .as(h.id() + " " + s.last())
              .isLessThan(interval.plus(sched.timeout()).multipliedBy(2));
          checks++;
          succeeded += s.last().success() ? 1 : 0;
        }
        assertThat(states.get(tarpits.getFirst().id()).last().failureReason())
            .isEqualTo(FailureReason.TIMEOUT);
        maxThreads = Math.max(maxThreads, ManagementFactory.getThreadMXBean().getThreadCount());
      }
      // most handshakes succeed (a machine under heavy load may stretch one past the timeout)
      assertThat(succeeded).as("successes of %s checks", checks).isGreaterThan(checks / 2);
      // 110 targets run on virtual threads: platform threads stay a handful (carriers + watchdog).
      assertThat(maxThreads - threadsBefore).isLessThan(20);
    } finally {
      for (AutoCloseable c : servers) {
        c.close();
      }
    }
  }

  @Test
  void aNewTargetIsProbedWithinFiveSecondsWhateverItsInterval() {
    ProbeScheduler.Probe fake = ProbeSchedulerTest::instantSuccess;
    try (var sched =
        new ProbeScheduler(
            fake, Duration.ofHours(1), Duration.ofSeconds(1), 4, Clock.systemUTC())) {
      long start = System.nanoTime();
      sched.setTargets(ProbeSource.SERVICE, List.of(ProbeTarget.of("new.test", 443, null, null)));
      await().atMost(Duration.ofMillis(5500)).until(() -> sched.states().size() == 1);
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .isLessThanOrEqualTo(ProbeScheduler.FIRST_PROBE_WITHIN.plusMillis(100));
      assertThat(sched.states().get("new.test:443").target().source()).isEqualTo(ProbeSource.SERVICE);
    }
  }

  @Test
  void targetsAddedAndRemovedAtRunTime() throws Exception {
    Set<String> removed = ConcurrentHashMap.newKeySet();
    ProbeScheduler.Probe fake = ProbeSchedulerTest::instantSuccess;
    try (var sched =
        new ProbeScheduler(
            fake, Duration.ofMillis(200), Duration.ofSeconds(1), 4, Clock.systemUTC())) {
      sched.addListener(
          new ProbeScheduler.Listener() {
            @Override
            public void onResult(ProbeResult r) {}

            @Override
            public void onRemoved(ProbeTarget t) {
              removed.add(t.id());
            }
          });
      var a = ProbeTarget.of("a.test", 443, null, null);
      var b = ProbeTarget.of("b.test", 443, null, null);
      sched.setTargets(ProbeSource.STATIC, List.of(a));
      sched.setTargets(ProbeSource.PEER, List.of(a, b));
      await().atMost(Duration.ofSeconds(2)).until(() -> sched.states().size() == 2);
      assertThat(sched.states().get("a.test:443").target().source()).isEqualTo(ProbeSource.STATIC);
      assertThat(sched.states().get("b.test:443").target().source()).isEqualTo(ProbeSource.PEER);
      assertThat(sched.targetCounts()).containsEntry(ProbeSource.STATIC, 1).containsEntry(ProbeSource.PEER, 2);
      sched.setTargets(ProbeSource.PEER, List.of());
      assertThat(sched.states()).containsOnlyKeys("a.test:443");
      assertThat(removed).containsExactly("b.test:443");
      Thread.sleep(400);
      assertThat(sched.states()).containsOnlyKeys("a.test:443");
      assertThat(sched.summaries()).extracting(TargetSummary::target).containsExactly("a.test:443");
    }
  }

  /** A probe that succeeds at once: the scheduler's timing is what these tests look at. */
  private static ProbeResult instantSuccess(ProbeTarget t, Duration timeout) {
    return new ProbeResult(t, Instant.now(), Instant.now(), null, null, null, Duration.ofMillis(1), null,
        Duration.ofMillis(2), List.of(), Set.of(), "TLSv1.3", "X", null);
  }
}
