package io.sockscope.sockets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class KernelCountersTest {

  @Test
  void readsTheFixtureCounters() throws IOException {
    KernelCounters.Sample s = KernelCounters.read(Fixtures.procRoot());
    // fixtures/proc/net/sockstat: "TCP: inuse 1 orphan 0 tw 7 alloc 1 mem 0"
    assertThat(s.inUse()).isEqualTo(1);
    assertThat(s.timeWait()).isEqualTo(7);
    // fixtures/proc/net/snmp: ActiveOpens 43, PassiveOpens 11, AttemptFails 5, OutRsts 41
    assertThat(s.get(KernelEvent.ACTIVE_OPENS)).isEqualTo(43);
    assertThat(s.get(KernelEvent.PASSIVE_OPENS)).isEqualTo(11);
    assertThat(s.get(KernelEvent.ATTEMPT_FAILS)).isEqualTo(5);
    assertThat(s.get(KernelEvent.OUT_RSTS)).isEqualTo(41);
    assertThat(s.events()).containsKeys(KernelEvent.values());
  }

  @Test
  void timeWaitEntriesAloneAgreeWithTheFullRead() throws IOException {
    // fixtures/proc/net/netstat: TW 19, TCPTimeWaitOverflow 0
    assertThat(KernelCounters.timeWaitEntries(Fixtures.procRoot())).isEqualTo(19)
        .isEqualTo(KernelCounters.read(Fixtures.procRoot()).timeWaitEntries());
  }

  @Test
  void neverReadsTheNodeWideSockstatFields() throws Exception {
    // orphan/alloc/mem are node-wide: a malformed value there must not matter.
    long[] v = KernelCounters.sockstat(List.of("sockets: used 3", "TCP: inuse 4 orphan x tw 2 alloc y mem z"), "sockstat");
    assertThat(v).containsExactly(4, 2);
  }

  @Test
  void valueLineWithWrongFieldCountIsAnError() {
    assertThatThrownBy(() -> KernelCounters.pairs(List.of("Tcp: A B C", "Tcp: 1 2"), "snmp", "Tcp:"))
        .isInstanceOf(ProcFormatException.class)
        .hasMessage("snmp:2: 4 names but 3 values: 'Tcp: 1 2'");
  }

  @Test
  void garbageValueIsAnError() {
    assertThatThrownBy(() -> KernelCounters.pairs(List.of("Tcp: A B", "Tcp: 1 zz"), "snmp", "Tcp:"))
        .isInstanceOf(ProcFormatException.class)
        .hasMessageContaining("snmp:2: bad value for B");
  }

  @Test
  void missingSectionIsAnError() {
    assertThatThrownBy(() -> KernelCounters.pairs(List.of("Ip: A", "Ip: 1"), "snmp", "Tcp:"))
        .hasMessage("snmp: no 'Tcp:' lines");
    assertThatThrownBy(() -> KernelCounters.sockstat(List.of("TCP: inuse 4"), "sockstat"))
        .hasMessageContaining("TCP line without inuse or tw");
  }
}
