package io.sockscope.sockets;

/**
 * Splits a count over weighted parts in proportion, by largest remainder (Hamilton's method): the
 * shares are whole, sum exactly to the count, and no share exceeds its part. Used where the
 * kernel's counters give an interval's total (resets) but not which connection it belongs to.
 */
final class Apportion {
  private Apportion() {}

  /** Shares of {@code total} (at most the sum of {@code weights}) in proportion to {@code weights}. */
  static long[] split(long total, long[] weights) {
    long sum = 0;
    for (long w : weights) {
      sum += w;
    }
    long[] out = new long[weights.length];
    if (sum == 0 || total <= 0) {
      return out;
    }
    total = Math.min(total, sum);
    long given = 0;
    double[] rest = new double[weights.length];
    for (int i = 0; i < weights.length; i++) {
      double exact = (double) total * weights[i] / sum;
      out[i] = (long) Math.floor(exact);
      rest[i] = exact - out[i];
      given += out[i];
    }
    // Hand out what the floors left, largest remainder first (ties: the earlier part).
    Integer[] order = new Integer[weights.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(order, (a, b) -> rest[a] != rest[b] ? Double.compare(rest[b], rest[a]) : Integer.compare(a, b));
    for (int k = 0; given < total; k++) {
      int i = order[k % order.length];
      if (out[i] < weights[i]) {
        out[i]++;
        given++;
      }
    }
    return out;
  }
}
