import io.sockscope.sockets.KernelCounters;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;

/**
 * Benchmark fixture (bench/sidecar-costs): thread CPU of one tier-0 read (KernelCounters.read of
 * /proc) over a sidecar's first reads, one every 2 s: 1-30 (the first minute), 31-300 (to minute
 * 10), 301-1500 (to minute 50), 1501-3000; read back to back.
 */
public class CounterCost {
  public static void main(String[] a) throws Exception {
    var threads = ManagementFactory.getThreadMXBean();
    Path proc = Path.of("/proc");
    long inUse = 0;
    int done = 0;
    var out = new StringBuilder();
    for (int end : new int[] {30, 300, 1500, 3000}) {
      int from = done;
      long c0 = threads.getCurrentThreadCpuTime();
      for (; done < end; done++) {
        inUse += KernelCounters.read(proc).inUse();
      }
      out.append(String.format("  reads %d-%d: %.0f µs", from + 1, end,
          (threads.getCurrentThreadCpuTime() - c0) / 1e3 / (end - from)));
    }
    System.out.println(out.substring(2) + (inUse < 0 ? "?" : ""));
  }
}
