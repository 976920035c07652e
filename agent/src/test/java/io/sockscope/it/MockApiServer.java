package io.sockscope.it;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.Queue;

/**
 * Fabric8's mock API server (CRUD) holding namespace "ns" with COUNT Services, each with an
 * EndpointSlice of two addresses: a namespace's worth of objects for the sidecar's peer-name
 * informers. Used by FootprintIT (the sidecar as deployed) and bench/footprint, which runs it in a
 * network namespace: {@code java -cp <test classpath> io.sockscope.it.MockApiServer PORT COUNT}
 * prints "ready" and serves until stdin closes.
 */
public final class MockApiServer implements AutoCloseable {
  private final KubernetesMockServer api;

  private MockApiServer(KubernetesMockServer api) {
    this.api = api;
  }

  /** Starts on {@code address:port} (0: any free port) and creates the Services. */
  public static MockApiServer start(InetAddress address, int port, int services) throws IOException {
    var responses = new HashMap<ServerRequest, Queue<ServerResponse>>();
    var api = new KubernetesMockServer(new Context(Serialization.jsonMapper()), new MockWebServer(),
        responses, new KubernetesMixedDispatcher(responses), false);
    api.start(address, port);
    try (KubernetesClient client = api.createClient()) {
      for (int i = 0; i < services; i++) {
        create(client, i);
      }
    }
    return new MockApiServer(api);
  }

  private static void create(KubernetesClient client, int i) {
    String name = "svc-" + i;
    String host = (i / 250) + "." + (i % 250 + 1);
    client.services().inNamespace("ns").resource(new ServiceBuilder()
        .withNewMetadata().withName(name).withNamespace("ns").endMetadata()
        .withNewSpec().withClusterIP("10.96." + host).addNewPort().withName("https").withPort(443)
        .withTargetPort(new IntOrString(8443)).endPort().endSpec().build()).create();
    client.discovery().v1().endpointSlices().inNamespace("ns").resource(new EndpointSliceBuilder()
        .withNewMetadata().withName(name + "-abc").withNamespace("ns")
        .addToLabels("kubernetes.io/service-name", name).endMetadata()
        .withAddressType("IPv4")
        .addNewEndpoint().withAddresses("10.244." + host).endEndpoint()
        .addNewEndpoint().withAddresses("10.245." + host).endEndpoint()
        .addNewPort().withName("https").withPort(8443).endPort().build()).create();
  }

  /** A client of this server (the caller closes it): to add or change objects during a test. */
  public KubernetesClient client() {
    return api.createClient();
  }

  /** The port it listens on (a restarted server takes the same one). */
  public int port() {
    return api.getPort();
  }

  /** The environment a sidecar needs to watch this server (and nothing else) as namespace "ns". */
  public java.util.Map<String, String> agentEnvironment(String host) {
    return java.util.Map.of("KUBERNETES_MASTER", "http://" + host + ":" + api.getPort(),
        "POD_NAMESPACE", "ns", "KUBERNETES_AUTH_TRYKUBECONFIG", "false",
        "KUBERNETES_AUTH_TRYSERVICEACCOUNT", "false");
  }

  @Override
  public void close() {
    api.destroy();
  }

  public static void main(String[] args) throws Exception {
    try (MockApiServer server = start(InetAddress.getByName("127.0.0.1"),
        Integer.parseInt(args[0]), Integer.parseInt(args[1]))) {
      System.out.println("ready " + args[1]);
      System.in.read(new byte[1]);
    }
  }
}
