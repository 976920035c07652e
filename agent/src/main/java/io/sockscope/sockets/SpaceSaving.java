package io.sockscope.sockets;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Heavy hitters in bounded space (Metwally, Agrawal, El Abbadi: "Efficient computation of frequent
 * and top-k elements in data streams", the space-saving algorithm). At most {@code capacity} keys
 * are kept; a new key takes the place of the lightest one and inherits its weight as {@link
 * Entry#error}. For every kept key the true weight lies in {@code [weight − error, weight]}; every
 * key heavier than {@code total / capacity} is kept; and while no more than {@code capacity}
 * distinct keys were offered every weight is exact (error 0).
 *
 * <p>Each entry carries a {@code long[]} of per-key detail (e.g. sockets by state) counted since
 * the key was (re)admitted: exact lower bounds, summing to {@code weight − error} when the caller
 * adds the same amounts. The lightest entry is found through an indexed min-heap, so an offer
 * costs O(log capacity). Not thread-safe.
 */
final class SpaceSaving<K> {
  /** One kept key. */
  static final class Entry<K> {
    K key;
    double weight;
    double error;
    final long[] detail;
    int heap;

    Entry(int details) {
      detail = new long[details];
    }

    K key() {
      return key;
    }

    /** Upper bound of the key's true weight. */
    double weight() {
      return weight;
    }

    /** How much of {@link #weight} may belong to keys this entry replaced. */
    double error() {
      return error;
    }

    long[] detail() {
      return detail;
    }
  }

  private final int capacity;
  private final int details;
  private final Map<K, Entry<K>> index;
  private final List<Entry<K>> heap;
  private long replaced;

  SpaceSaving(int capacity, int details) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive: " + capacity);
    }
    this.capacity = capacity;
    this.details = details;
    this.index = new HashMap<>(Math.min(capacity, 1024) * 2);
    this.heap = new ArrayList<>(Math.min(capacity, 1024));
  }

  int capacity() {
    return capacity;
  }

  int size() {
    return heap.size();
  }

  /** Keys that took the place of another since the last {@link #clear}: 0 means all exact. */
  long replaced() {
    return replaced;
  }

  /** Adds {@code weight} to {@code key}; returns its entry, whose detail the caller may add to. */
  Entry<K> offer(K key, double weight) {
    Entry<K> e = index.get(key);
    if (e == null) {
      if (heap.size() < capacity) {
        e = new Entry<>(details);
        e.heap = heap.size();
        heap.add(e);
        e.key = key;
        index.put(key, e);
        e.weight = weight;
        up(e.heap); // a newcomer may be the lightest of all
        return e;
      } else {
        e = heap.get(0); // the lightest: its weight becomes the newcomer's error
        index.remove(e.key);
        e.error = e.weight;
        java.util.Arrays.fill(e.detail, 0);
        replaced++;
      }
      e.key = key;
      index.put(key, e);
    }
    e.weight += weight;
    down(e.heap);
    return e;
  }

  Entry<K> get(K key) {
    return index.get(key);
  }

  /** Multiplies every weight and error by {@code factor} (0..1): older weight counts less. */
  void decay(double factor) {
    for (Entry<K> e : heap) {
      e.weight *= factor;
      e.error *= factor;
    }
  }

  void clear() {
    index.clear();
    heap.clear();
    replaced = 0;
  }

  /** The kept entries, heaviest first, ties broken by {@code tieBreak} for a stable order. */
  List<Entry<K>> sorted(Comparator<K> tieBreak) {
    List<Entry<K>> out = new ArrayList<>(heap);
    out.sort(Comparator.<Entry<K>>comparingDouble(e -> -e.weight).thenComparing(e -> e.key, tieBreak));
    return out;
  }

  Iterable<Entry<K>> entries() {
    return heap;
  }

  private void up(int i) {
    Entry<K> e = heap.get(i);
    while (i > 0) {
      int p = (i - 1) / 2;
      Entry<K> parent = heap.get(p);
      if (parent.weight <= e.weight) {
        break;
      }
      heap.set(i, parent);
      parent.heap = i;
      i = p;
    }
    heap.set(i, e);
    e.heap = i;
  }

  // A kept entry's weight only grows between decays (which keep the order): it only moves down.
  private void down(int i) {
    int n = heap.size();
    Entry<K> e = heap.get(i);
    while (true) {
      int c = 2 * i + 1;
      if (c >= n) {
        break;
      }
      if (c + 1 < n && heap.get(c + 1).weight < heap.get(c).weight) {
        c++;
      }
      Entry<K> child = heap.get(c);
      if (child.weight >= e.weight) {
        break;
      }
      heap.set(i, child);
      child.heap = i;
      i = c;
    }
    heap.set(i, e);
    e.heap = i;
  }
}
