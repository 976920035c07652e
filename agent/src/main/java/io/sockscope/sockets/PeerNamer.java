package io.sockscope.sockets;

/**
 * Names a remote address for the {@code peer} label: a Service name ({@code svc.ns}) when the
 * Kubernetes index knows the IP, else the IP text. The default is the IP text.
 */
@FunctionalInterface
public interface PeerNamer {
  String name(String ipText);

  PeerNamer IP = ip -> ip;
}
