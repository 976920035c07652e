package io.sockscope.sockets;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Test fixtures under src/test/resources/fixtures and a sink that copies rows. */
final class Fixtures {
  private Fixtures() {}

  static Path path(String relative) {
    try {
      return Path.of(Fixtures.class.getResource("/fixtures/" + relative).toURI());
    } catch (URISyntaxException | NullPointerException e) {
      throw new IllegalStateException("missing fixture " + relative, e);
    }
  }

  static Path procRoot() {
    return path("proc");
  }

  /** A copied row: the flyweight is reused by the parser. */
  record Row(int family, TcpState state, String local, int localPort, String remote, int remotePort,
      long tx, long rx, long expiresMs, long inode, int uid) {}

  static final class Collect implements SocketSink {
    final List<Row> rows = new ArrayList<>();

    @Override
    public void accept(SocketRow r) {
      rows.add(new Row(r.family, r.tcpState(), Addresses.text(r.family, r.localHi, r.localLo), r.localPort,
          Addresses.text(r.family, r.remoteHi, r.remoteLo), r.remotePort, r.txQueue, r.rxQueue,
          r.expiresMs, r.inode, r.uid));
    }
  }
}
