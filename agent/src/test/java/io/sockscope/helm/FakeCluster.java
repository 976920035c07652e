package io.sockscope.helm;

import com.marcnuri.helm.DryRun;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.InstallCommand;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A Kubernetes API for Helm: Fabric8's mock server (CRUD mode, so {@code lookup} sees what a test
 * created) answering {@code /version} and API discovery, so that {@code .Capabilities.KubeVersion}
 * and {@code lookup} are real (helm-java's {@code template()} has neither).
 */
final class FakeCluster {
  /** Group/version → resources (plural:Kind:namespaced) the chart uses. */
  private static final Map<String, List<String>> RESOURCES = new LinkedHashMap<>();

  static {
    RESOURCES.put("v1", List.of("configmaps:ConfigMap:true", "secrets:Secret:true",
        "services:Service:true", "serviceaccounts:ServiceAccount:true", "pods:Pod:true",
        "namespaces:Namespace:false"));
    RESOURCES.put("apps/v1", List.of("deployments:Deployment:true"));
    RESOURCES.put("rbac.authorization.k8s.io/v1", List.of("roles:Role:true",
        "rolebindings:RoleBinding:true", "clusterroles:ClusterRole:false",
        "clusterrolebindings:ClusterRoleBinding:false"));
    RESOURCES.put("admissionregistration.k8s.io/v1",
        List.of("mutatingwebhookconfigurations:MutatingWebhookConfiguration:false"));
    RESOURCES.put("discovery.k8s.io/v1", List.of("endpointslices:EndpointSlice:true"));
    RESOURCES.put("networking.k8s.io/v1", List.of("ingresses:Ingress:true"));
    RESOURCES.put("monitoring.coreos.com/v1", List.of("servicemonitors:ServiceMonitor:true",
        "podmonitors:PodMonitor:true", "prometheusrules:PrometheusRule:true"));
    RESOURCES.put("cert-manager.io/v1",
        List.of("certificates:Certificate:true", "issuers:Issuer:true"));
  }

  private final KubernetesMockServer server;
  private final String kubeVersion;

  FakeCluster(KubernetesMockServer server, String kubeVersion) {
    this.server = server;
    this.kubeVersion = kubeVersion;
    discovery();
  }

  /** Forgets every object and release, keeps answering discovery. */
  void reset() {
    server.reset();
    discovery();
  }

  private void discovery() {
    String[] v = kubeVersion.split("\\.");
    expect("/version", "{\"major\":\"" + v[0] + "\",\"minor\":\"" + v[1]
        + "\",\"gitVersion\":\"v" + kubeVersion + "\",\"platform\":\"linux/amd64\"}");
    expect("/api", "{\"kind\":\"APIVersions\",\"versions\":[\"v1\"],"
        + "\"serverAddressByClientCIDRs\":[]}");
    StringBuilder groups = new StringBuilder();
    for (var e : RESOURCES.entrySet()) {
      String gv = e.getKey();
      String resources = e.getValue().stream().map(FakeCluster::resource)
          .collect(Collectors.joining(","));
      String list = "{\"kind\":\"APIResourceList\",\"apiVersion\":\"v1\",\"groupVersion\":\""
          + gv + "\",\"resources\":[" + resources + "]}";
      if (gv.equals("v1")) {
        expect("/api/v1", list);
        continue;
      }
      expect("/apis/" + gv, list);
      String[] parts = gv.split("/");
      String version = "{\"groupVersion\":\"" + gv + "\",\"version\":\"" + parts[1] + "\"}";
      groups.append(groups.isEmpty() ? "" : ",").append("{\"name\":\"").append(parts[0])
          .append("\",\"versions\":[").append(version).append("],\"preferredVersion\":")
          .append(version).append('}');
    }
    expect("/apis", "{\"kind\":\"APIGroupList\",\"apiVersion\":\"v1\",\"groups\":[" + groups + "]}");
  }

  private static String resource(String spec) {
    String[] p = spec.split(":");
    return "{\"name\":\"" + p[0] + "\",\"singularName\":\"\",\"namespaced\":" + p[2]
        + ",\"kind\":\"" + p[1] + "\",\"verbs\":[\"create\",\"delete\",\"get\",\"list\","
        + "\"patch\",\"update\",\"watch\"]}";
  }

  private void expect(String path, String json) {
    // client-go adds ?timeout=32s to discovery requests; the mock matches the whole path.
    server.expect().get().withPath(path).andReturn(200, json).always();
    server.expect().get().withPath(path + "?timeout=32s").andReturn(200, json).always();
  }

  String kubeconfig() {
    String url = server.url("/").replaceAll("/$", "");
    return """
        apiVersion: v1
        kind: Config
        clusters:
          - name: fake
            cluster:
              server: %s
              insecure-skip-tls-verify: true
        contexts:
          - name: fake
            context: {cluster: fake, user: fake, namespace: %s}
        current-context: fake
        users:
          - name: fake
            user: {token: fake}
        """.formatted(url, RenderedChart.NAMESPACE);
  }

  /**
   * {@code helm install --dry-run=server} against this API: {@code .Capabilities.KubeVersion} is
   * this cluster's and {@code lookup} reads its objects. helm-java 0.0.15 returns no manifest for
   * a dry run (and a real install posts protobuf, which the mock cannot store), so what the tests
   * read is NOTES.txt, which reports the decisions made from the cluster.
   */
  String notes(Map<String, Object> sets) {
    InstallCommand cmd = new Helm(RenderedChart.chart()).install()
        .withName(RenderedChart.RELEASE).withNamespace(RenderedChart.NAMESPACE)
        .withKubeConfigContents(kubeconfig())
        .withDryRunOption(DryRun.SERVER).dryRun().disableOpenApiValidation().debug();
    for (var e : sets.entrySet()) {
      cmd = cmd.set(e.getKey(), e.getValue());
    }
    String out = cmd.call().getOutput();
    int start = out.indexOf("\nNOTES:\n");
    if (start < 0) {
      throw new AssertionError("no NOTES in helm output:\n" + out);
    }
    return out.substring(start + "\nNOTES:\n".length());
  }

  KubernetesClient client() {
    return server.createClient();
  }
}
