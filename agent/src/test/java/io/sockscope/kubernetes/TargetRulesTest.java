package io.sockscope.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.sockscope.tls.ProbeSource;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TargetRulesTest {

  static ServicePort port(String name, int port, String appProtocol, String protocol) {
    return new ServicePortBuilder().withName(name).withPort(port).withAppProtocol(appProtocol)
        .withProtocol(protocol).build();
  }

  static Service service(String name, Map<String, String> annotations, ServicePort... ports) {
    return new ServiceBuilder().withNewMetadata().withName(name).withNamespace("ns")
        .withAnnotations(annotations).endMetadata()
        .withNewSpec().withPorts(ports).endSpec().build();
  }

  private static List<String> addresses(List<DiscoveredTarget> targets) {
    return targets.stream().map(DiscoveredTarget::address).toList();
  }

  @Test
  void portsNamedForTlsOrWithHttpsAppProtocolAreTargets() {
    var targets = TargetRules.of(service("web", Map.of(),
        port("https", 443, null, "TCP"), port("tls", 8443, null, null),
        port("admin-https", 9443, null, "TCP"), port("grpc", 7000, "https", "TCP"),
        port("http", 80, null, "TCP"), port("metrics", 9100, "http", "TCP"),
        port("https-udp", 4433, null, "UDP"), port("xhttps", 1443, null, "TCP")));

    assertThat(addresses(targets)).containsExactly("web.ns.svc:443", "web.ns.svc:8443",
        "web.ns.svc:9443", "web.ns.svc:7000");
    assertThat(targets).allSatisfy(t -> {
      assertThat(t.serverName()).isEqualTo("web.ns.svc");
      assertThat(t.source()).isEqualTo(ProbeSource.SERVICE);
      assertThat(t.secret()).isEmpty();
    });
  }

  @Test
  void aServiceWithOnlyAnHttpPortIsNotATarget() {
    assertThat(TargetRules.of(service("plain", Map.of(), port("http", 80, null, "TCP")))).isEmpty();
  }

  @Test
  void annotatedServiceProbesEveryTcpPortUnlessPortsAreListed() {
    var all = TargetRules.of(service("db", Map.of("sockscope.io/probe-tls", "true"),
        port("pg", 5432, null, "TCP"), port("dns", 53, null, "UDP"), port(null, 6000, null, null)));
    assertThat(addresses(all)).containsExactly("db.ns.svc:5432", "db.ns.svc:6000");

    var listed = TargetRules.of(service("db", Map.of("sockscope.io/probe-tls", "true",
            "sockscope.io/probe-port", "pg, 7000", "sockscope.io/server-name", "db.example.com",
            "sockscope.io/tls-secret", "db-tls"),
        port("pg", 5432, null, "TCP"), port("other", 6000, null, "TCP"), port("x", 7000, null, "TCP")));
    assertThat(addresses(listed)).containsExactly("db.ns.svc:5432", "db.ns.svc:7000");
    assertThat(listed).allSatisfy(t -> {
      assertThat(t.serverName()).isEqualTo("db.example.com");
      assertThat(t.secretName()).isEqualTo("db-tls");
    });
    // The target id follows the prober's spelling: the SNI is appended only when it is not the host.
    assertThat(listed.getFirst().id()).isEqualTo("db.ns.svc:5432,db.example.com");
    assertThat(listed.getFirst().host()).isEqualTo("db.ns.svc");
    assertThat(listed.getFirst().port()).isEqualTo(5432);
    assertThat(all.getFirst().id()).isEqualTo("db.ns.svc:5432");
    assertThat(all.getFirst().explicitServerName()).isNull();
  }

  /** How each port reaches TLS: appProtocol, then the port name, then the port number. */
  @Test
  void eachPortGetsItsProtocol() {
    var targets = TargetRules.of(service("data", Map.of("sockscope.io/probe-tls", "true"),
        port("pg", 5432, null, "TCP"), port("mysql-main", 13306, null, "TCP"),
        port("tcp", 10389, "ldap", "TCP"), port("https", 8443, null, "TCP")));
    assertThat(targets).extracting(t -> t.probeTarget().protocol()).containsExactly(
        io.sockscope.tls.ProbeProtocol.POSTGRES, io.sockscope.tls.ProbeProtocol.MYSQL,
        io.sockscope.tls.ProbeProtocol.LDAP, io.sockscope.tls.ProbeProtocol.TLS);
  }

  @Test
  void optOutAnnotationWins() {
    assertThat(TargetRules.of(service("web", Map.of("sockscope.io/probe-tls", "false"),
        port("https", 443, null, "TCP")))).isEmpty();
  }

  @Test
  void ingressTlsHostsAreTargetsOn443WithTheirSecret() {
    Ingress ingress = new IngressBuilder().withNewMetadata().withName("site").withNamespace("ns")
        .endMetadata().withNewSpec()
        .addNewTl().withHosts("a.example.com", "*.example.com").withSecretName("a-tls").endTl()
        .addNewTl().withHosts("b.example.com", "a.example.com").endTl()
        .endSpec().build();

    var targets = TargetRules.of(ingress);

    assertThat(targets).containsExactly(
        new DiscoveredTarget("a.example.com", 443, "a.example.com", ProbeSource.INGRESS, null, "ns", "a-tls"),
        new DiscoveredTarget("b.example.com", 443, "b.example.com", ProbeSource.INGRESS, null, "ns", null));
  }
}
