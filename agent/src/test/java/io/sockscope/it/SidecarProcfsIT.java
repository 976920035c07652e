package io.sockscope.it;

/** The end-to-end test with the socket source set to procfs (the portable fallback). */
class SidecarProcfsIT extends SidecarNamespaceBase {
  @Override
  String source() {
    return "procfs";
  }

  @Override
  boolean closeEvents() {
    return false;
  }
}
