package io.sockscope.injector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.zjsonpatch.JsonPatch;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sockscope.helm.RenderedChart;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * AdmissionReview in, JSONPatch out, applied with zjsonpatch: the sidecar is the one the chart
 * rendered into sidecar.json, added exactly once.
 */
class InjectorTest {
  private static final JsonMapper JSON = new JsonMapper();
  private static String sidecarJson;
  private static String review;

  @BeforeAll
  static void load() throws IOException {
    RenderedChart chart = RenderedChart.render(Map.of());
    sidecarJson = chart.one(ConfigMap.class, "shop-sockscope-sidecar").getData().get("sidecar.json");
    try (var in = InjectorTest.class.getResourceAsStream("/injector/admission-review-pod.json")) {
      review = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static AdmissionHandler handler(boolean nativeSidecar, SimpleMeterRegistry registry) {
    return new AdmissionHandler(new PodMutator(nativeSidecar),
        () -> SidecarSpec.parse(sidecarJson), new InjectorMetrics(registry));
  }

  /** Posts {@code pod} in the review; returns the response and the pod after its patch. */
  private static Result admit(AdmissionHandler handler, JsonNode pod) {
    ObjectNode r = (ObjectNode) JSON.readTree(review);
    ((ObjectNode) r.get("request")).set("object", pod);
    JsonNode response = JSON.readTree(handler.handle(r.toString()));
    JsonNode answer = response.get("response");
    JsonNode patched = pod;
    if (answer.hasNonNull("patch")) {
      assertThat(answer.get("patchType").asString()).isEqualTo("JSONPatch");
      byte[] patch = Base64.getDecoder().decode(answer.get("patch").asString());
      patched = JsonPatch.apply(JSON.readTree(patch), pod);
    }
    return new Result(response, patched);
  }

  record Result(JsonNode response, JsonNode pod) {
    boolean patched() {
      return response.get("response").hasNonNull("patch");
    }

    Pod asPod() {
      return Serialization.unmarshal(pod.toString(), Pod.class);
    }
  }

  private static JsonNode pod() {
    return JSON.readTree(review).get("request").get("object");
  }

  private static List<Container> sockscopeContainers(Pod pod) {
    List<Container> all = new ArrayList<>(pod.getSpec().getContainers());
    all.addAll(pod.getSpec().getInitContainers());
    return all.stream().filter(c -> c.getName().equals("sockscope")).toList();
  }

  @Test
  void addsExactlyOneNativeSidecarFirstAmongInitContainers() {
    var registry = new SimpleMeterRegistry();
    Result r = admit(handler(true, registry), pod());
    JsonNode response = r.response();
    assertThat(response.get("apiVersion").asString()).isEqualTo("admission.k8s.io/v1");
    assertThat(response.get("kind").asString()).isEqualTo("AdmissionReview");
    assertThat(response.get("response").get("uid").asString())
        .isEqualTo("0df28fbd-5f5f-11e8-bc74-36e6bb280816");
    assertThat(response.get("response").get("allowed").asBoolean()).isTrue();
    Pod pod = r.asPod();
    assertThat(sockscopeContainers(pod)).hasSize(1);
    Container sidecar = pod.getSpec().getInitContainers().getFirst();
    assertThat(sidecar.getName()).isEqualTo("sockscope");
    assertThat(sidecar.getRestartPolicy()).isEqualTo("Always");
    assertThat(pod.getSpec().getInitContainers()).extracting(Container::getName)
        .containsExactly("sockscope", "migrate");
    assertThat(pod.getSpec().getContainers()).extracting(Container::getName).containsExactly("cart");
    assertThat(pod.getSpec().getVolumes()).extracting(Volume::getName)
        .containsExactly("kube-api-access-x7k2p", "sockscope-tmp", "sockscope-config",
            "sockscope-peer-names"); // the prober's peer-name table (docs/kubernetes.md)
    // The injected container is the chart's, field for field.
    ObjectNode expected = (ObjectNode) JSON.readTree(sidecarJson).get("container").deepCopy();
    expected.put("restartPolicy", "Always");
    assertThat(r.pod().get("spec").get("initContainers").get(0)).isEqualTo(expected);
    assertThat(sidecar.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(sidecar.getEnv()).extracting(e -> e.getName())
        .contains("POD_NAME", "POD_NAMESPACE", "NODE_NAME");
    assertThat(registry.get("sockscope.injector.admissions").tag("result", "inject").counter()
        .count()).isEqualTo(1);
  }

  @Test
  void reinvocationAddsNothing() {
    var registry = new SimpleMeterRegistry();
    AdmissionHandler handler = handler(true, registry);
    Result first = admit(handler, pod());
    Result second = admit(handler, first.pod());
    assertThat(second.patched()).isFalse();
    assertThat(second.response().get("response").get("allowed").asBoolean()).isTrue();
    assertThat(second.pod()).isEqualTo(first.pod());
    assertThat(sockscopeContainers(second.asPod())).hasSize(1);
    // Same when the sidecar came as a regular container (e.g. the manual snippet).
    Result regular = admit(handler(false, registry), pod());
    assertThat(admit(handler, regular.pod()).patched()).isFalse();
    assertThat(registry.get("sockscope.injector.admissions").tag("result", "already_present")
        .counter().count()).isEqualTo(2);
  }

  @Test
  void regularContainerWhenNativeSidecarsAreOff() {
    Pod pod = admit(handler(false, new SimpleMeterRegistry()), pod()).asPod();
    assertThat(sockscopeContainers(pod)).hasSize(1);
    assertThat(pod.getSpec().getContainers()).extracting(Container::getName)
        .containsExactly("cart", "sockscope");
    assertThat(pod.getSpec().getContainers().getLast().getRestartPolicy()).isNull();
    assertThat(pod.getSpec().getInitContainers()).extracting(Container::getName)
        .containsExactly("migrate");
  }

  @Test
  void podsWithoutTheLabelAreUntouched() {
    for (String value : new String[] {null, "false", "yes"}) {
      ObjectNode pod = (ObjectNode) pod();
      ObjectNode labels = (ObjectNode) pod.get("metadata").get("labels");
      labels.remove("sockscope.io/inject");
      if (value != null) {
        labels.put("sockscope.io/inject", value);
      }
      Result r = admit(handler(true, new SimpleMeterRegistry()), pod);
      assertThat(r.patched()).as("label " + value).isFalse();
      assertThat(r.response().get("response").get("allowed").asBoolean()).isTrue();
    }
  }

  @Test
  void neverIntoTheChartsOwnPods() {
    ObjectNode pod = (ObjectNode) pod();
    ((ObjectNode) pod.get("metadata").get("labels")).put("sockscope.io/component", "injector");
    assertThat(admit(handler(true, new SimpleMeterRegistry()), pod).patched()).isFalse();
  }

  @Test
  void createsListsThePodDoesNotHave() {
    ObjectNode pod = (ObjectNode) pod();
    ObjectNode spec = (ObjectNode) pod.get("spec");
    spec.remove(List.of("initContainers", "volumes"));
    Pod out = admit(handler(true, new SimpleMeterRegistry()), pod).asPod();
    assertThat(out.getSpec().getInitContainers()).extracting(Container::getName)
        .containsExactly("sockscope");
    assertThat(out.getSpec().getVolumes()).extracting(Volume::getName)
        .containsExactly("sockscope-tmp", "sockscope-config", "sockscope-peer-names");
  }

  @Test
  void keepsAVolumeThePodAlreadyNamesSo() {
    ObjectNode pod = (ObjectNode) pod();
    ((tools.jackson.databind.node.ArrayNode) pod.get("spec").get("volumes")).addObject()
        .put("name", "sockscope-tmp").putObject("emptyDir");
    Pod out = admit(handler(true, new SimpleMeterRegistry()), pod).asPod();
    assertThat(out.getSpec().getVolumes()).extracting(Volume::getName)
        .containsExactly("kube-api-access-x7k2p", "sockscope-tmp", "sockscope-config",
            "sockscope-peer-names");
  }

  @Test
  void aReviewWithoutRequestUidIsMalformed() {
    AdmissionHandler h = handler(true, new SimpleMeterRegistry());
    ObjectNode r = (ObjectNode) JSON.readTree(review);
    ((ObjectNode) r.get("request")).remove("uid");
    assertThatThrownBy(() -> h.handle(r.toString())).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("AdmissionReview without request.uid");
    ((ObjectNode) r.get("request")).put("uid", 7);
    assertThatThrownBy(() -> h.handle(r.toString())).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void sidecarSpecMustNameTheContainerSockscope() {
    String renamed = sidecarJson.replace("\"name\":\"sockscope\"", "\"name\":\"other\"");
    assertThat(Stream.of(renamed).map(s -> {
      try {
        SidecarSpec.parse(s);
        return "accepted";
      } catch (IllegalArgumentException e) {
        return e.getMessage();
      }
    }).findFirst().orElseThrow()).contains("must be named 'sockscope'");
  }
}
