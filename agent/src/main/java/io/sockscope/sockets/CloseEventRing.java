package io.sockscope.sockets;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The hand-over of destroy events from the event thread to the sampler: a bounded
 * single-producer/single-consumer ring of primitive slots (no object per event, no lock). The
 * producer never waits: when the ring is full the event is dropped and counted, and the sampler
 * treats the interval as lossy (see {@link CloseTracker}). The consumer reads a batch by index
 * between {@link #available} and {@link #release}.
 *
 * <p>Per event: the 4-tuple hash, the remote address, family and both ports, the smoothed RTT
 * and the retransmitted segments, and whether the connection ever received a segment (48 bytes).
 */
final class CloseEventRing {
  private static final VarHandle HEAD;
  private static final VarHandle TAIL;

  static {
    try {
      var lookup = MethodHandles.lookup();
      HEAD = lookup.findVarHandle(CloseEventRing.class, "head", long.class);
      TAIL = lookup.findVarHandle(CloseEventRing.class, "tail", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private static final int FIELDS = 6;
  private final long[] slots;
  private final int mask;
  @SuppressWarnings("unused") // through HEAD
  private volatile long head; // next slot the producer writes
  @SuppressWarnings("unused") // through TAIL
  private volatile long tail; // next slot the consumer reads
  private volatile long dropped;

  CloseEventRing(int capacity) {
    if (Integer.bitCount(capacity) != 1) {
      throw new IllegalArgumentException("capacity must be a power of two: " + capacity);
    }
    slots = new long[capacity * FIELDS];
    mask = capacity - 1;
  }

  int capacity() {
    return mask + 1;
  }

  /** Producer side: copies the event; false (and counted) when the ring is full. */
  boolean offer(SocketRow r) {
    long h = (long) HEAD.getOpaque(this);
    if (h - (long) TAIL.getAcquire(this) > mask) {
      dropped++; // single writer
      return false;
    }
    int i = (int) (h & mask) * FIELDS;
    slots[i] = r.tupleHash();
    slots[i + 1] = r.remoteHi;
    slots[i + 2] = r.remoteLo;
    slots[i + 3] = (long) r.family << 40 | (long) r.localPort << 24 | (long) r.remotePort << 8
        | (r.segsIn > 0 ? 1 : 0) | (r.remoteUnspecified() ? 2 : 0)
        | (long) (r.ackedBeyondData() + 1) << 2; // 0 = unknown, else 1 + (0..3)
    slots[i + 4] = r.rttMicros;
    slots[i + 5] = r.totalRetrans;
    HEAD.setRelease(this, h + 1);
    return true;
  }

  /** Events dropped because the ring was full (the sampler fell behind). */
  long dropped() {
    return dropped;
  }

  /** Consumer side: events ready to read, from index 0 to the returned count (exclusive). */
  int available() {
    return (int) ((long) HEAD.getAcquire(this) - (long) TAIL.getOpaque(this));
  }

  /** Consumer side: frees the first {@code n} events for the producer. */
  void release(int n) {
    TAIL.setRelease(this, (long) TAIL.getOpaque(this) + n);
  }

  private int slot(int index) {
    return (int) (((long) TAIL.getOpaque(this) + index) & mask) * FIELDS;
  }

  long tupleHash(int index) {
    return slots[slot(index)];
  }

  long remoteHi(int index) {
    return slots[slot(index) + 1];
  }

  long remoteLo(int index) {
    return slots[slot(index) + 2];
  }

  int family(int index) {
    return (int) (slots[slot(index) + 3] >>> 40);
  }

  int localPort(int index) {
    return (int) (slots[slot(index) + 3] >>> 24 & 0xFFFF);
  }

  int remotePort(int index) {
    return (int) (slots[slot(index) + 3] >>> 8 & 0xFFFF);
  }

  /** True when the connection received at least one segment: it got past SYN_SENT. */
  boolean receivedAny(int index) {
    return (slots[slot(index) + 3] & 1) != 0;
  }

  boolean remoteUnspecified(int index) {
    return (slots[slot(index) + 3] & 2) != 0;
  }

  /** {@link SocketRow#ackedBeyondData} of the event, -1 when unknown. */
  int ackedBeyondData(int index) {
    return (int) (slots[slot(index) + 3] >>> 2 & 0x7) - 1;
  }

  long rttMicros(int index) {
    return slots[slot(index) + 4];
  }

  long retransmits(int index) {
    return slots[slot(index) + 5];
  }
}
