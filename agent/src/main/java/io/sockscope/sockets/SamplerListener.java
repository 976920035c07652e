package io.sockscope.sockets;

/** Self-metrics of the sampler: how long each sample took and why one failed. */
public interface SamplerListener {
  /** Tier of a sample: tier 0 reads the counters, tier 1 dumps the sockets. */
  enum Tier {
    COUNTERS,
    DUMP;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** Closed set of failure reasons ({@code sockscope_sampler_errors_total{reason}}). */
  enum Reason {
    MALFORMED,
    PERMISSION_DENIED,
    MISSING,
    IO_ERROR,
    INTERNAL;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    static Reason of(Exception e) {
      if (e instanceof ProcFormatException || e instanceof NetlinkException n && n.errno() == 0) {
        return MALFORMED;
      }
      if (e instanceof NetlinkException n && (n.errno() == Errno.EPERM || n.errno() == Errno.EACCES)) {
        return PERMISSION_DENIED;
      }
      if (e instanceof java.nio.file.AccessDeniedException) {
        return PERMISSION_DENIED;
      }
      if (e instanceof java.nio.file.NoSuchFileException) {
        return MISSING;
      }
      return e instanceof java.io.IOException ? IO_ERROR : INTERNAL;
    }
  }

  /** {@code source}: netlink, procfs (dumps) or kernel (counters). */
  void sampled(Tier tier, String source, long nanos);

  void failed(Tier tier, Reason reason);
}
