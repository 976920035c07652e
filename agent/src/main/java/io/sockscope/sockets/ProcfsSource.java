package io.sockscope.sockets;

import java.io.IOException;
import java.nio.file.Path;

/** The portable source: {@code /proc/net/tcp} and {@code tcp6} under a configurable root. */
public final class ProcfsSource implements SocketSource {
  private final Path procRoot;
  private final SocketRow row = new SocketRow();

  public ProcfsSource(Path procRoot) {
    this.procRoot = procRoot;
  }

  @Override
  public long dump(int stateMask, SocketSink sink) throws IOException {
    return ProcNetTcp.read(procRoot, stateMask, row, sink);
  }

  @Override
  public String name() {
    return "procfs";
  }
}
