package io.sockscope.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class InjectorConfigTest {
  @Test
  void defaultsAndTheInjectorRoleNeedItsFiles() {
    AgentConfig local = ConfigLoader.parse("port: 0\n", "t");
    assertThat(local.injector().port()).isEqualTo(9443);
    assertThat(local.injector().nativeSidecar()).isTrue();
    assertThatThrownBy(() -> ConfigLoader.parse("role: injector\n", "t"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("t: injector.certFile: required in the injector role\n"
            + "t: injector.keyFile: required in the injector role\n"
            + "t: injector.sidecarFile: required in the injector role");
    AgentConfig ok = ConfigLoader.parse("""
        role: injector
        injector:
          port: 8443
          certFile: /c.pem
          keyFile: /k.pem
          sidecarFile: /s.json
          nativeSidecar: false
        """, "t");
    assertThat(ok.injector()).isEqualTo(new InjectorConfig(8443, "/c.pem", "/k.pem", "/s.json", false));
  }

  @Test
  void badValuesNameTheKey() {
    assertThatThrownBy(() -> ConfigLoader.parse("injector:\n  port: 70000\n", "t"))
        .hasMessage("t:2:9: injector.port: must be between 0 and 65535 (got 70000)");
    assertThatThrownBy(() -> ConfigLoader.parse("injector:\n  sidecar: x\n", "t"))
        .hasMessage("t:2:3: unknown key 'injector.sidecar'"
            + " (expected one of port, certFile, keyFile, sidecarFile, nativeSidecar)");
  }
}
