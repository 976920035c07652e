package io.sockscope.sockets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ProcNetTcpTest {
  private static final String HEADER =
      "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";

  @Test
  void parsesEveryIpv4State() throws IOException {
    var sink = new Fixtures.Collect();
    long n = ProcNetTcp.read(Fixtures.procRoot(), TcpState.ALL_STATES, new SocketRow(), sink);

    assertThat(n).isEqualTo(22);
    Map<TcpState, Integer> v4 = new EnumMap<>(TcpState.class);
    sink.rows.stream().filter(r -> r.family() == SocketRow.AF_INET).forEach(r -> v4.merge(r.state(), 1, Integer::sum));
    assertThat(v4).containsExactlyInAnyOrderEntriesOf(Map.ofEntries(
        Map.entry(TcpState.LISTEN, 2), Map.entry(TcpState.ESTABLISHED, 2), Map.entry(TcpState.TIME_WAIT, 4),
        Map.entry(TcpState.FIN_WAIT2, 1), Map.entry(TcpState.CLOSE_WAIT, 1), Map.entry(TcpState.SYN_SENT, 1),
        Map.entry(TcpState.SYN_RECV, 1), Map.entry(TcpState.FIN_WAIT1, 1), Map.entry(TcpState.LAST_ACK, 1),
        Map.entry(TcpState.CLOSING, 1), Map.entry(TcpState.CLOSE, 1), Map.entry(TcpState.NEW_SYN_RECV, 1)));
  }

  @Test
  void decodesAddressesQueuesAndTimers() throws IOException {
    var sink = new Fixtures.Collect();
    ProcNetTcp.read(Fixtures.procRoot(), TcpState.ALL_STATES, new SocketRow(), sink);

    assertThat(sink.rows.get(1)).isEqualTo(new Fixtures.Row(SocketRow.AF_INET, TcpState.LISTEN,
        "127.0.0.1", 8080, "0.0.0.0", 0, 0, 3, 0, 13252, 1000));
    // TIME_WAIT: timer 3, inode 0, tm->when 0x11EF ticks of 10 ms
    assertThat(sink.rows.get(3)).isEqualTo(new Fixtures.Row(SocketRow.AF_INET, TcpState.TIME_WAIT,
        "127.0.0.1", 0x846E, "127.0.0.1", 0x4A9E, 0, 0, 0x11EF * 10L, 0, 0));
    assertThat(sink.rows.get(10)).isEqualTo(new Fixtures.Row(SocketRow.AF_INET, TcpState.SYN_SENT,
        "10.1.2.3", 40000, "10.0.0.1", 443, 1, 0, 1000, 13270, 1000));
  }

  @Test
  void decodesIpv6InKernelWordOrder() throws IOException {
    var sink = new Fixtures.Collect();
    ProcNetTcp.read(Fixtures.procRoot(), TcpState.ALL_STATES, new SocketRow(), sink);
    var v6 = sink.rows.stream().filter(r -> r.family() == SocketRow.AF_INET6).toList();

    assertThat(v6).hasSize(5);
    assertThat(v6.get(0).local()).isEqualTo("::1");
    assertThat(v6.get(0).localPort()).isEqualTo(8443);
    assertThat(v6.get(0).rx()).isEqualTo(2);
    assertThat(v6.get(3)).isEqualTo(new Fixtures.Row(SocketRow.AF_INET6, TcpState.TIME_WAIT,
        "2001:db8::a", 40001, "2001:db8::1", 443, 0, 0, 30_000, 0, 0));
    // IPv4-mapped peer of a dual-stack socket shows as its IPv4 address
    assertThat(v6.get(4).remote()).isEqualTo("10.1.2.3");
    assertThat(v6.get(4).state()).isEqualTo(TcpState.CLOSE_WAIT);
  }

  @Test
  void filtersByStateMask() throws IOException {
    var sink = new Fixtures.Collect();
    ProcNetTcp.read(Fixtures.procRoot(), TcpState.LISTEN.maskBit() | TcpState.TIME_WAIT.maskBit(), new SocketRow(), sink);
    assertThat(sink.rows).extracting(Fixtures.Row::state).containsOnly(TcpState.LISTEN, TcpState.TIME_WAIT);
    assertThat(sink.rows).hasSize(3 + 5);
  }

  @Test
  void headerOnlyFileHasNoSockets() throws IOException {
    assertThat(parse(HEADER)).isZero();
    assertThat(parse("")).isZero();
  }

  @Test
  void missingTcp6IsNoErrorButMissingTcpIs(@TempDir Path root) throws IOException {
    Files.createDirectories(root.resolve("net"));
    Files.writeString(root.resolve("net/tcp"), HEADER);
    assertThat(ProcNetTcp.read(root, TcpState.ALL_STATES, new SocketRow(), r -> {})).isZero();
    Files.delete(root.resolve("net/tcp"));
    assertThatThrownBy(() -> ProcNetTcp.read(root, TcpState.ALL_STATES, new SocketRow(), r -> {}))
        .isInstanceOf(ProcFormatException.class).hasMessageContaining("net/tcp: no such file");
  }

  static Stream<Arguments> brokenFiles() {
    return Stream.of(
        Arguments.of("truncated", "broken/tcp_truncated", ":3: bad hex field"),
        Arguments.of("garbage address", "broken/tcp_garbage_address", ":2: bad hex field"),
        Arguments.of("unknown state", "broken/tcp_unknown_state", ":2: unknown state 31"),
        Arguments.of("garbage inode", "broken/tcp_garbage_inode", ":2: missing number at column 92"),
        Arguments.of("no header", "broken/tcp_no_header", ":1: missing header"),
        Arguments.of("missing slot colon", "broken/tcp_no_slot", ":2: expected ':'"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenFiles")
  void malformedInputNamesFileAndLine(String name, String fixture, String expected) {
    Path file = Fixtures.path(fixture);
    assertThatThrownBy(() -> {
          try (var in = Files.newInputStream(file)) {
            ProcNetTcp.parse(in, file.toString(), SocketRow.AF_INET, TcpState.ALL_STATES, new SocketRow(), r -> {});
          }
        })
        .isInstanceOf(ProcFormatException.class)
        .hasMessageContaining(file.getFileName() + expected);
  }

  @Test
  void readsLinesLongerThanTheBuffer() throws IOException {
    String row = "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0" + " ".repeat(70_000) + "\n";
    assertThat(parse(HEADER + row + row)).isEqualTo(2);
  }

  private static long parse(String text) throws IOException {
    return ProcNetTcp.parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII)), "test",
        SocketRow.AF_INET, TcpState.ALL_STATES, new SocketRow(), r -> {});
  }
}
