package io.sockscope.it;

/** The end-to-end test with the socket source set to netlink (the primary source). */
class SidecarNetlinkIT extends SidecarNamespaceBase {
  @Override
  String source() {
    return "netlink";
  }

  @Override
  boolean closeEvents() {
    return true;
  }
}
