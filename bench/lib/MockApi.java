import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import java.net.InetAddress;
import java.util.HashMap;

/**
 * Fabric8's mock API server (CRUD) for bench/footprint's sidecar row: namespace "ns" holding COUNT
 * Services, each with an EndpointSlice of two addresses, so that the sidecar's peer-name informers
 * have a namespace's worth of objects. Usage (test classpath): java MockApi.java PORT COUNT; prints
 * "ready", runs until stdin closes.
 */
public class MockApi {
  public static void main(String[] args) throws Exception {
    var responses = new HashMap<io.fabric8.mockwebserver.ServerRequest,
        java.util.Queue<io.fabric8.mockwebserver.ServerResponse>>();
    var api = new KubernetesMockServer(new Context(Serialization.jsonMapper()), new MockWebServer(),
        responses, new KubernetesMixedDispatcher(responses), false);
    api.start(InetAddress.getByName("127.0.0.1"), Integer.parseInt(args[0]));
    KubernetesClient client = api.createClient();
    int count = Integer.parseInt(args[1]);
    for (int i = 0; i < count; i++) {
      String name = "svc-" + i;
      String ip = "10.96." + (i / 250) + "." + (i % 250 + 1);
      client.services().inNamespace("ns").resource(new ServiceBuilder()
          .withNewMetadata().withName(name).withNamespace("ns").endMetadata()
          .withNewSpec().withClusterIP(ip).addNewPort().withName("https").withPort(443)
          .withTargetPort(new IntOrString(8443)).endPort().endSpec().build()).create();
      client.discovery().v1().endpointSlices().inNamespace("ns").resource(new EndpointSliceBuilder()
          .withNewMetadata().withName(name + "-abc").withNamespace("ns")
          .addToLabels("kubernetes.io/service-name", name).endMetadata()
          .withAddressType("IPv4")
          .addNewEndpoint().withAddresses("10.244." + (i / 250) + "." + (i % 250 + 1)).endEndpoint()
          .addNewEndpoint().withAddresses("10.245." + (i / 250) + "." + (i % 250 + 1)).endEndpoint()
          .addNewPort().withName("https").withPort(8443).endPort().build()).create();
    }
    System.out.println("ready " + count);
    System.in.read(new byte[1]);
    api.destroy();
  }
}
