package io.sockscope.sockets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LongLongMapTest {
  @Test
  void agreesWithHashMapUnderRandomPutsAndClears() {
    var rnd = new SplittableRandom(42);
    var map = new LongLongMap(4);
    Map<Long, Long> truth = new HashMap<>();
    for (int round = 0; round < 6; round++) {
      int n = rnd.nextInt(1, 40_000);
      for (int i = 0; i < n; i++) {
        // Keys from a small range too, so that updates and long probe chains both happen.
        long key = rnd.nextBoolean() ? rnd.nextLong(1, 5_000) : rnd.nextLong() | 1;
        long value = rnd.nextLong();
        map.put(key, value);
        truth.put(key, value);
      }
      assertThat(map.size()).isEqualTo(truth.size());
      truth.forEach((k, v) -> assertThat(map.get(k, 0)).isEqualTo(v));
      assertThat(map.get(2L << 40, -7)).isEqualTo(-7);
      Map<Long, Long> visited = new HashMap<>();
      map.forEach(visited::put);
      assertThat(visited).isEqualTo(truth);
      map.clear();
      truth.clear();
      assertThat(map.size()).isZero();
      assertThat(map.get(1, -1)).isEqualTo(-1);
    }
  }

  @Test
  void holdsAHundredThousandSocketsInAHundredThirtyOneThousandSlots() {
    var map = new LongLongMap(1024);
    for (long k = 1; k <= 100_000; k++) {
      map.put(k * 7919, k);
    }
    assertThat(map.capacity()).isEqualTo(131_072);
    assertThat(map.get(50_000 * 7919L, 0)).isEqualTo(50_000);
  }

  @Test
  void shrinksOnClearWhenFarTooLargeForItsLastContent() {
    var map = new LongLongMap(16);
    for (long k = 1; k <= 100_000; k++) {
      map.put(k, k);
    }
    map.clear(); // sized for the 100k it held: keeps its table for the next dump
    assertThat(map.capacity()).isEqualTo(131_072);
    map.clear(); // the tracker clears again before the next dump: still empty, still that table
    assertThat(map.capacity()).isEqualTo(131_072);
    for (long k = 1; k <= 100; k++) {
      map.put(k, k);
    }
    map.clear();
    assertThat(map.capacity()).isLessThanOrEqualTo(256);
  }

  @Test
  void refusesTheReservedKeyAndNeverFindsIt() {
    var map = new LongLongMap(4);
    assertThatThrownBy(() -> map.put(0, 1)).isInstanceOf(IllegalArgumentException.class);
    map.put(5, 6);
    assertThat(map.get(0, -1)).isEqualTo(-1); // an empty slot's key is 0: not a hit
  }
}
