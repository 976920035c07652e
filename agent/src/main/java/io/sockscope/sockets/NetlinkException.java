package io.sockscope.sockets;

import java.io.IOException;

/**
 * A netlink failure: a system call that failed ({@code errno} set) or a malformed reply ({@code
 * errno} 0). The message names the call or the message and the errno by name and number.
 */
public final class NetlinkException extends IOException {
  private final int errno;

  NetlinkException(String message, int errno) {
    super(message);
    this.errno = errno;
  }

  /** A malformed or unexpected reply. */
  static NetlinkException malformed(String problem) {
    return new NetlinkException("netlink: malformed sock_diag reply: " + problem, 0);
  }

  /** A failed call or an NLMSG_ERROR carrying {@code errno}. */
  static NetlinkException failed(String what, int errno) {
    return new NetlinkException("netlink: " + what + ": " + Errno.describe(errno), errno);
  }

  /** The positive errno, or 0 when the reply itself was malformed. */
  public int errno() {
    return errno;
  }
}
