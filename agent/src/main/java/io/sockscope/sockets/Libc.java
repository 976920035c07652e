package io.sockscope.sockets;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The few libc calls the netlink source needs, as FFM downcalls that capture {@code errno} right
 * after the call (the JVM may clobber the thread's errno before Java code could read it). Each
 * call takes the caller's capture segment ({@link #newCallState}) as its first argument; a
 * negative result means the errno in that segment is valid.
 *
 * <p>Linking happens in this class's initializer: on a platform without these symbols, or with
 * native access denied, the first use throws an {@link Error} that {@link NetlinkSockDiag#open}
 * turns into a clean "unavailable".
 */
final class Libc {
  static final int SOCK_RAW = 3;
  static final int SOCK_CLOEXEC = 0x80000; // O_CLOEXEC on asm-generic and x86
  static final int SOL_SOCKET = 1;
  static final int SO_RCVBUF = 8;
  static final int SO_RCVBUFFORCE = 33; // beyond net.core.rmem_max; needs CAP_NET_ADMIN
  static final int SO_RCVTIMEO = 20; // struct timeval {long tv_sec; long tv_usec;} (64-bit)
  static final int MSG_TRUNC = 0x20;

  private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
  private static final VarHandle ERRNO =
      CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

  // int socket(int domain, int type, int protocol)
  private static final MethodHandle SOCKET =
      link("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
  // int bind(int fd, const struct sockaddr *addr, socklen_t len)
  private static final MethodHandle BIND =
      link("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
  // int setsockopt(int fd, int level, int name, const void *val, socklen_t len)
  private static final MethodHandle SETSOCKOPT = link("setsockopt",
      FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
  // ssize_t sendto(int fd, const void *buf, size_t len, int flags, const sockaddr *to, socklen_t)
  private static final MethodHandle SENDTO = link("sendto",
      FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
  // ssize_t recvfrom(int fd, void *buf, size_t len, int flags, sockaddr *from, socklen_t *fromlen)
  private static final MethodHandle RECVFROM = link("recvfrom",
      FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS));
  // int close(int fd)
  private static final MethodHandle CLOSE =
      link("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));

  private Libc() {}

  private static MethodHandle link(String name, FunctionDescriptor fd) {
    Linker linker = Linker.nativeLinker();
    MemorySegment fn = linker.defaultLookup().find(name)
        .orElseThrow(() -> new UnsatisfiedLinkError("libc symbol not found: " + name));
    return linker.downcallHandle(fn, fd, Linker.Option.captureCallState("errno"));
  }

  /** Links every call (this class's initializer) and makes one harmless call: close(-1). */
  static void warmUp() {
    try (Arena arena = Arena.ofConfined()) {
      close(newCallState(arena), -1); // EBADF
    }
  }

  /** A segment that receives errno after each call; one per thread that makes calls. */
  static MemorySegment newCallState(Arena arena) {
    return arena.allocate(CALL_STATE);
  }

  static int errno(MemorySegment callState) {
    return (int) ERRNO.get(callState, 0L);
  }

  static int socket(MemorySegment cs, int domain, int type, int protocol) {
    try {
      return (int) SOCKET.invokeExact(cs, domain, type, protocol);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  static int bind(MemorySegment cs, int fd, MemorySegment addr, int addrLen) {
    try {
      return (int) BIND.invokeExact(cs, fd, addr, addrLen);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  static int setsockopt(MemorySegment cs, int fd, int level, int name, MemorySegment val, int len) {
    try {
      return (int) SETSOCKOPT.invokeExact(cs, fd, level, name, val, len);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  static long sendto(MemorySegment cs, int fd, MemorySegment buf, long len, int flags,
      MemorySegment addr, int addrLen) {
    try {
      return (long) SENDTO.invokeExact(cs, fd, buf, len, flags, addr, addrLen);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  static long recvfrom(MemorySegment cs, int fd, MemorySegment buf, long len, int flags,
      MemorySegment addr, MemorySegment addrLen) {
    try {
      return (long) RECVFROM.invokeExact(cs, fd, buf, len, flags, addr, addrLen);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  static int close(MemorySegment cs, int fd) {
    try {
      return (int) CLOSE.invokeExact(cs, fd);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  // A downcall throws only what the JVM throws (errors); keep them unchecked and unchanged.
  private static RuntimeException rethrow(Throwable t) {
    if (t instanceof RuntimeException r) {
      throw r;
    }
    if (t instanceof Error e) {
      throw e;
    }
    throw new IllegalStateException(t);
  }
}
