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
 *
 * <p>The slots live in segments of {@value #SEGMENT_EVENTS} events (24 KiB), allocated when the
 * producer first writes into one and dropped once the consumer has read all of it: a pod holds
 * only its backlog, not the whole ring (the default ring of 32,768 events, 1.5 MiB, was allocated up
 * front and stayed resident in every sidecar, idle ones included: docs/performance.md). The
 * producer may enter a segment again only when the consumer has released all of it, so freeing
 * can never race a write; the ring therefore takes at least {@code capacity - SEGMENT_EVENTS + 1}
 * events before it drops, exactly {@code capacity} when it has one segment.
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
  static final int SEGMENT_EVENTS = 512;
  private final long[][] segments;
  private final int mask;
  private final int segmentShift;
  private final int segmentMask; // events per segment - 1
  /** Clears the low bits of an index to its segment's start; all ones with a single segment. */
  private final long fullCheckMask;
  @SuppressWarnings("unused") // through HEAD
  private volatile long head; // next slot the producer writes
  @SuppressWarnings("unused") // through TAIL
  private volatile long tail; // next slot the consumer reads
  private volatile long dropped;

  CloseEventRing(int capacity) {
    if (Integer.bitCount(capacity) != 1) {
      throw new IllegalArgumentException("capacity must be a power of two: " + capacity);
    }
    mask = capacity - 1;
    int perSegment = Math.min(capacity, SEGMENT_EVENTS);
    segmentShift = Integer.numberOfTrailingZeros(perSegment);
    segmentMask = perSegment - 1;
    segments = new long[capacity / perSegment][];
    // One segment is never freed (nothing to gain), so the producer may use every slot of it.
    fullCheckMask = segments.length == 1 ? -1L : ~(long) segmentMask;
  }

  int capacity() {
    return mask + 1;
  }

  /** Producer side: copies the event; false (and counted) when the ring is full. */
  boolean offer(SocketRow r) {
    long h = (long) HEAD.getOpaque(this);
    // Against the start of the consumer's segment: a segment is reused only once wholly released.
    if (h - ((long) TAIL.getAcquire(this) & fullCheckMask) > mask) {
      dropped++; // single writer
      return false;
    }
    int event = (int) (h & mask);
    long[] slots = segments[event >>> segmentShift];
    if (slots == null) {
      slots = new long[(segmentMask + 1) * FIELDS];
      segments[event >>> segmentShift] = slots; // published by the release store of HEAD below
    }
    int i = (event & segmentMask) * FIELDS;
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

  /**
   * Consumer side: frees the first {@code n} events for the producer, and the segments they
   * complete (before the release store of TAIL: the producer cannot enter them until it sees it).
   */
  void release(int n) {
    long from = (long) TAIL.getOpaque(this);
    long to = from + n;
    if (segments.length > 1) {
      int per = segmentMask + 1;
      for (long end = (from | segmentMask) + 1; end <= to; end += per) {
        segments[(int) ((end - 1) & mask) >>> segmentShift] = null;
      }
    }
    TAIL.setRelease(this, to);
  }

  /** Segments allocated now: the ring's memory is this times {@value #SEGMENT_EVENTS} x 48 bytes. */
  int segmentsInUse() {
    int n = 0;
    for (long[] s : segments) {
      n += s == null ? 0 : 1;
    }
    return n;
  }

  private long field(int index, int field) {
    int event = (int) (((long) TAIL.getOpaque(this) + index) & mask);
    return segments[event >>> segmentShift][(event & segmentMask) * FIELDS + field];
  }

  long tupleHash(int index) {
    return field(index, 0);
  }

  long remoteHi(int index) {
    return field(index, 1);
  }

  long remoteLo(int index) {
    return field(index, 2);
  }

  int family(int index) {
    return (int) (field(index, 3) >>> 40);
  }

  int localPort(int index) {
    return (int) (field(index, 3) >>> 24 & 0xFFFF);
  }

  int remotePort(int index) {
    return (int) (field(index, 3) >>> 8 & 0xFFFF);
  }

  /** True when the connection received at least one segment: it got past SYN_SENT. */
  boolean receivedAny(int index) {
    return (field(index, 3) & 1) != 0;
  }

  boolean remoteUnspecified(int index) {
    return (field(index, 3) & 2) != 0;
  }

  /** {@link SocketRow#ackedBeyondData} of the event, -1 when unknown. */
  int ackedBeyondData(int index) {
    return (int) (field(index, 3) >>> 2 & 0x7) - 1;
  }

  long rttMicros(int index) {
    return field(index, 4);
  }

  long retransmits(int index) {
    return field(index, 5);
  }
}
