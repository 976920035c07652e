package io.sockscope.sockets;

/**
 * The Linux errno values the netlink source acts on or names in messages. These are the
 * asm-generic numbers (x86, arm, arm64, riscv, s390, powerpc); alpha, mips, sparc and parisc
 * differ, and the agent does not run there.
 */
final class Errno {
  static final int EPERM = 1;
  static final int ENOENT = 2;
  static final int EINTR = 4;
  static final int EBADF = 9;
  static final int EAGAIN = 11;
  static final int ENOMEM = 12;
  static final int EACCES = 13;
  static final int EFAULT = 14;
  static final int EBUSY = 16;
  static final int EINVAL = 22;
  static final int EMFILE = 24;
  static final int EPROTONOSUPPORT = 93;
  static final int EOPNOTSUPP = 95;
  static final int EAFNOSUPPORT = 97;
  static final int ENOBUFS = 105;

  private Errno() {}

  /** {@code "ENOENT (2)"}, or {@code "errno 42"} for a number this class does not name. */
  static String describe(int errno) {
    String name = switch (errno) {
      case EPERM -> "EPERM";
      case ENOENT -> "ENOENT";
      case EINTR -> "EINTR";
      case EBADF -> "EBADF";
      case EAGAIN -> "EAGAIN";
      case ENOMEM -> "ENOMEM";
      case EACCES -> "EACCES";
      case EFAULT -> "EFAULT";
      case EBUSY -> "EBUSY";
      case EINVAL -> "EINVAL";
      case EMFILE -> "EMFILE";
      case EPROTONOSUPPORT -> "EPROTONOSUPPORT";
      case EOPNOTSUPP -> "EOPNOTSUPP";
      case EAFNOSUPPORT -> "EAFNOSUPPORT";
      case ENOBUFS -> "ENOBUFS";
      default -> null;
    };
    return name == null ? "errno " + errno : name + " (" + errno + ")";
  }
}
