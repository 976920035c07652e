package io.sockscope.sockets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class EphemeralPortsTest {

  @Test
  void usableIsTheRangeMinusReservedPortsInsideIt() throws IOException {
    EphemeralPorts p = EphemeralPorts.read(Fixtures.procRoot());
    // 32768-60999 is 28232 ports; 40000-40099 (100) and 50000 (1) are reserved
    assertThat(p.usable()).isEqualTo(28232 - 101);
    assertThat(p.contains(32768)).isTrue();
    assertThat(p.contains(40050)).isFalse();
    assertThat(p.contains(60999)).isTrue();
    assertThat(p.contains(61000)).isFalse();
  }

  @Test
  void reservedPortsOutsideTheRangeDoNotCount() throws Exception {
    EphemeralPorts p = EphemeralPorts.parse("1024 2047", "r", "80,2000-3000", "res");
    assertThat(p.usable()).isEqualTo(1024 - 48);
  }

  @Test
  void badValuesNameTheFile() {
    assertThatThrownBy(() -> EphemeralPorts.parse("60999 32768", "range", "", "res"))
        .hasMessageContaining("range:1: invalid range");
    assertThatThrownBy(() -> EphemeralPorts.parse("1 2", "range", "12-x", "res"))
        .hasMessageContaining("res:1: bad port or range '12-x'");
  }
}
