package io.sockscope.metrics;

import io.sockscope.sockets.SocketSnapshot.ListenQueue;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The cap of the {@code listen_queue} series ({@code sockets.maxListenPorts}): a pod listening on
 * 5,000 ports made 10,002 series (issue 13). Past the cap the ports with the longest accept queues
 * (ties: the lower port) keep their own series, one fewer than the cap, and the rest are summed
 * into {@code port="other"}, so a full queue is never what gets folded away.
 */
final class ListenQueueCap {
  private ListenQueueCap() {}

  /** One series: a port, or {@code other}; {@code limit} -1 when the source cannot tell. */
  record Row(String port, long queue, long limit) {}

  static List<Row> rows(List<ListenQueue> all, int max) {
    if (all.size() <= max) {
      return all.stream().map(q -> new Row(String.valueOf(q.port()), q.queue(), q.limit())).toList();
    }
    List<ListenQueue> sorted = new ArrayList<>(all);
    sorted.sort(Comparator.comparingLong(ListenQueue::queue).reversed()
        .thenComparingInt(ListenQueue::port));
    List<Row> out = new ArrayList<>(max);
    sorted.subList(0, max - 1).stream()
        .sorted(Comparator.comparingInt(ListenQueue::port))
        .forEach(q -> out.add(new Row(String.valueOf(q.port()), q.queue(), q.limit())));
    long queue = 0;
    long limit = 0;
    for (ListenQueue q : sorted.subList(max - 1, sorted.size())) {
      queue += q.queue();
      limit = limit < 0 || q.limit() < 0 ? -1 : limit + q.limit();
    }
    out.add(new Row("other", queue, limit));
    return out;
  }

  /** Label sets folded into {@code other} (0 when every port fits). */
  static int cut(int ports, int max) {
    return ports <= max ? 0 : ports - (max - 1);
  }
}
