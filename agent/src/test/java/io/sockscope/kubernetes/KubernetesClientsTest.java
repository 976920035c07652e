package io.sockscope.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientImpl;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class KubernetesClientsTest {
  KubernetesClient client;

  @Test
  void theDeserializerKnowsTheKindsSockscopeReadsAndNoOthers() {
    var serialization = KubernetesClients.serialization();
    assertThat(serialization.getRegisteredKubernetesResource("v1", "Service")).isEqualTo(Service.class);
    assertThat(serialization.getRegisteredKubernetesResource("discovery.k8s.io/v1", "EndpointSlice"))
        .isEqualTo(EndpointSlice.class);
    // Fabric8's default deserializer maps (and loads) ~350 kinds such as these on first use.
    assertThat(serialization.getRegisteredKubernetesResource("v1", "Pod")).isNull();
    assertThat(serialization.getRegisteredKubernetesResource(
        "gateway.networking.k8s.io/v1", "BackendTLSPolicy")).isNull();
  }

  @Test
  void aWatchedKindIsTypedAndAnUnknownOneStillParses() {
    var serialization = KubernetesClients.serialization();
    KubernetesResource service = serialization.unmarshal(
        "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"web\"}}",
        KubernetesResource.class);
    assertThat(service).isInstanceOf(Service.class);
    KubernetesResource pod = serialization.unmarshal(
        "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\"}}", KubernetesResource.class);
    assertThat(pod).isInstanceOf(GenericKubernetesResource.class);
  }

  @Test
  void theClientSpeaksThroughTheJdkHttpClient() {
    try (KubernetesClient lean = KubernetesClients.create(client.getConfiguration())) {
      assertThat(lean.getHttpClient()).isInstanceOf(JdkHttpClientImpl.class);
      assertThat(lean.services().inNamespace("ns").list().getItems()).isEmpty();
    }
  }
}
