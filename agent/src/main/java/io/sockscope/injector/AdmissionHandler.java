package io.sockscope.injector;

import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponseBuilder;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReviewBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One AdmissionReview v1 in, one out. Always {@code allowed: true}: the injector only adds, it
 * never rejects a pod (and the webhook fails open, so an error here admits the pod unchanged).
 */
final class AdmissionHandler {
  private static final JsonMapper JSON = new JsonMapper();

  private final PodMutator mutator;
  private final Supplier<SidecarSpec> sidecar;
  private final InjectorMetrics metrics;

  AdmissionHandler(PodMutator mutator, Supplier<SidecarSpec> sidecar, InjectorMetrics metrics) {
    this.mutator = mutator;
    this.sidecar = sidecar;
    this.metrics = metrics;
  }

  /** Answers {@code body}; throws {@link IllegalArgumentException} for a malformed review. */
  String handle(String body) {
    JsonNode request = JSON.readTree(body).path("request");
    JsonNode uid = request.path("uid");
    if (!uid.isString()) {
      throw new IllegalArgumentException("AdmissionReview without request.uid");
    }
    JsonNode pod = request.path("object");
    AdmissionResponseBuilder response =
        new AdmissionResponseBuilder().withUid(uid.asString()).withAllowed(true);
    PodMutator.Decision decision = PodMutator.decide(pod);
    if (decision == PodMutator.Decision.INJECT) {
      PodMutator.Mutation mutation = mutator.mutate(pod, sidecar.get());
      String encoded =
          Base64.getEncoder().encodeToString(mutation.patch().toString().getBytes(StandardCharsets.UTF_8));
      response.withPatchType("JSONPatch").withPatch(encoded);
      if (!mutation.warnings().isEmpty()) {
        response.withWarnings(mutation.warnings()); // kubectl prints them to whoever made the pod
      }
    }
    metrics.count(decision);
    AdmissionResponse answer = response.build();
    AdmissionReview out =
        new AdmissionReviewBuilder()
            .withApiVersion("admission.k8s.io/v1")
            .withKind("AdmissionReview")
            .withResponse(answer)
            .build();
    return Serialization.asJson(out);
  }
}
