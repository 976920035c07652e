package io.sockscope.sockets;

import java.util.Arrays;

/**
 * Open-addressing map from non-zero long keys to long values: two primitive arrays, no boxing, no
 * entry objects. The close tracker keeps one entry per socket, so at 100k sockets this is ~4 MB
 * where a {@code HashMap<Long, Long>} would be ~10 MB and 200k objects.
 */
final class LongLongMap {
  private long[] keys;
  private long[] values;
  private int size;
  private int mask;

  LongLongMap(int expected) {
    int cap = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
    keys = new long[cap];
    values = new long[cap];
    mask = cap - 1;
  }

  int size() {
    return size;
  }

  /** The value for {@code key}, or {@code absent}. */
  long get(long key, long absent) {
    int i = slot(key);
    while (keys[i] != 0) {
      if (keys[i] == key) {
        return values[i];
      }
      i = (i + 1) & mask;
    }
    return absent;
  }

  void put(long key, long value) {
    if (key == 0) {
      throw new IllegalArgumentException("key 0 is reserved");
    }
    if ((size + 1) * 2 > keys.length) {
      grow();
    }
    int i = slot(key);
    while (keys[i] != 0) {
      if (keys[i] == key) {
        values[i] = value;
        return;
      }
      i = (i + 1) & mask;
    }
    keys[i] = key;
    values[i] = value;
    size++;
  }

  /** Empties the map, shrinking it when it is far larger than its last content needed. */
  void clear() {
    if (keys.length > 64 && size * 8 < keys.length) {
      int cap = Integer.highestOneBit(Math.max(16, size * 2)) << 1;
      keys = new long[cap];
      values = new long[cap];
      mask = cap - 1;
    } else {
      Arrays.fill(keys, 0);
    }
    size = 0;
  }

  interface Visitor {
    void visit(long key, long value);
  }

  void forEach(Visitor v) {
    for (int i = 0; i < keys.length; i++) {
      if (keys[i] != 0) {
        v.visit(keys[i], values[i]);
      }
    }
  }

  private int slot(long key) {
    long h = key * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32)) & mask;
  }

  private void grow() {
    long[] k = keys;
    long[] v = values;
    keys = new long[k.length * 2];
    values = new long[k.length * 2];
    mask = keys.length - 1;
    size = 0;
    for (int i = 0; i < k.length; i++) {
      if (k[i] != 0) {
        put(k[i], v[i]);
      }
    }
  }
}
