package io.sockscope.sockets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
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
    // fixtures/proc/net/netstat: TW 19 (the 11th of its ~120 fields)
    assertThat(s.get(KernelEvent.TIME_WAIT_ENTERED)).isEqualTo(19);
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
    long[] v = KernelCounters.sockstat(file("sockstat", "sockets: used 3", "TCP: inuse 4 orphan x tw 2 alloc y mem z"));
    assertThat(v).containsExactly(4, 2);
  }

  @Test
  void fieldsNotReadMayHoldAnything() throws Exception {
    // snmp's MaxConn is -1 on every kernel; a field sockscope does not export is not its business
    long[] out = new long[KernelEvent.values().length];
    KernelCounters.pairs(text("Tcp: RtoAlgorithm MaxConn ActiveOpens Junk", "Tcp: 1 -1 43 x?"), "Tcp:",
        KernelEvent.Group.TCP, out);
    assertThat(out[KernelEvent.ACTIVE_OPENS.ordinal()]).isEqualTo(43);
  }

  @Test
  void findsThePairAmongOtherSectionsWithoutATrailingNewline() throws Exception {
    long[] out = new long[KernelEvent.values().length];
    var netstat = KernelCounters.ProcText.of("netstat", String.join("\n", "Ip: Forwarding TW", "Ip: 1 7",
        "TcpExt: SyncookiesSent TW  TCPTimeWaitOverflow", "TcpExt: 0 19  3"));
    KernelCounters.pairs(netstat, "TcpExt:", KernelEvent.Group.TCP_EXT, out);
    assertThat(out[KernelEvent.TIME_WAIT_ENTERED.ordinal()]).isEqualTo(19); // not Ip's TW
    assertThat(out[KernelEvent.TIME_WAIT_OVERFLOW.ordinal()]).isEqualTo(3);
  }

  @Test
  void aCounterPastLongIsAnErrorNotAWrappedValue() {
    long[] out = new long[KernelEvent.values().length];
    assertThatThrownBy(() -> KernelCounters.pairs(text("Tcp: ActiveOpens", "Tcp: 18446744073709551615"),
            "Tcp:", KernelEvent.Group.TCP, out))
        .hasMessageContaining("bad value for ActiveOpens");
  }

  @Test
  void valueLineWithWrongFieldCountIsAnError() {
    assertThatThrownBy(() -> pairs("Tcp: A B C", "Tcp: 1 2"))
        .isInstanceOf(ProcFormatException.class)
        .hasMessage("snmp:2: 4 names but 3 values: 'Tcp: 1 2'");
  }

  @Test
  void garbageValueIsAnError() {
    assertThatThrownBy(() -> pairs("Tcp: ActiveOpens OutRsts", "Tcp: 1 zz"))
        .isInstanceOf(ProcFormatException.class)
        .hasMessage("snmp:2: bad value for OutRsts: 'Tcp: 1 zz'");
  }

  @Test
  void missingSectionIsAnError() {
    assertThatThrownBy(() -> pairs("Ip: A", "Ip: 1"))
        .hasMessage("snmp: no 'Tcp:' lines");
    assertThatThrownBy(() -> pairs("Ip: A", "Tcp: ActiveOpens"))
        .hasMessage("snmp:2: header without a value line: 'Tcp: ActiveOpens'");
    assertThatThrownBy(() -> KernelCounters.sockstat(file("sockstat", "TCP: inuse 4")))
        .hasMessage("sockstat:1: TCP line without inuse or tw: 'TCP: inuse 4'");
    assertThatThrownBy(() -> KernelCounters.sockstat(file("sockstat", "TCP6: inuse 4 tw 1")))
        .hasMessage("sockstat: no 'TCP:' line");
  }

  @Test
  void aMissingFileIsNamed(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    assertThatThrownBy(() -> KernelCounters.read(dir))
        .isInstanceOf(ProcFormatException.class)
        .hasMessageContaining("net/snmp: no such file");
  }

  /** The lines as /proc/net/snmp's bytes, each ending in a newline. */
  private static KernelCounters.ProcText text(String... lines) {
    return file("snmp", lines);
  }

  private static KernelCounters.ProcText file(String source, String... lines) {
    return KernelCounters.ProcText.of(source, String.join("\n", lines) + "\n");
  }

  private static void pairs(String... lines) throws ProcFormatException {
    KernelCounters.pairs(text(lines), "Tcp:", KernelEvent.Group.TCP, new long[KernelEvent.values().length]);
  }
}
