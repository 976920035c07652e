package io.sockscope;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.sockscope.config.AgentConfig;
import io.sockscope.config.KubernetesConfig;
import io.sockscope.kubernetes.KubernetesClients;
import io.sockscope.kubernetes.KubernetesWatch;
import io.sockscope.kubernetes.PodIdentity;
import io.sockscope.kubernetes.ServedCertificates;
import io.sockscope.kubernetes.WatchedResource;
import io.sockscope.metrics.KubernetesCollector;
import io.sockscope.metrics.PeerNamePublisherMetrics;
import io.sockscope.tls.CertificateFacts;
import io.sockscope.tls.ProbeResult;
import io.sockscope.tls.ProbeSource;
import io.sockscope.tls.TargetState;
import java.util.Set;

/**
 * The namespace prober's Kubernetes side (docs/kubernetes.md): namespace-scoped informers for
 * discovery (targets of sources service and ingress, fed to the TLS feature), the TLS Secret
 * inventory with "stored vs served", and peer names published for the sidecars. Never waits for
 * the API server: informers retry in the background, and readiness waits for discovery only.
 * The only feature that loads Fabric8; the sidecar never constructs it.
 */
final class KubernetesFeature implements Feature {
  private static final System.Logger logger = System.getLogger(KubernetesFeature.class.getName());

  private final AgentConfig config;
  private final TlsFeature tls;
  private final Set<WatchedResource> plan;

  KubernetesFeature(AgentConfig config, TlsFeature tls) {
    this.config = config;
    this.tls = tls;
    this.plan = WatchedResource.planFor(config.role(), config.kubernetes());
  }

  /** False when the role's plan watches nothing ({@code kubernetes.enabled: false}). */
  boolean watchesAnything() {
    return !plan.isEmpty();
  }

  @Override
  public void start(FeatureHost host) {
    KubernetesConfig k = config.kubernetes();
    PodIdentity identity = PodIdentity.fromEnvironment(k.namespace());
    KubernetesClient client = host.closeOnStop(KubernetesClients.create());
    KubernetesWatch watch = host.closeOnStop(KubernetesWatch.start(client, identity.namespace(), plan,
        new KubernetesWatch.Settings(k.backendsPerService(), k.maxStoredCertificates())));
    // Discovered targets replace each source's list at every change; "stored vs served" reads
    // the leaf fingerprint of the last handshake that presented a certificate.
    watch.onTargets(list -> {
      for (ProbeSource source : java.util.List.of(
          ProbeSource.SERVICE, ProbeSource.INGRESS, ProbeSource.BACKEND)) {
        tls.setTargets(source, list.stream()
            .filter(t -> t.source() == source)
            .map(io.sockscope.kubernetes.DiscoveredTarget::probeTarget)
            .toList());
      }
    });
    ServedCertificates served = target -> tls.scheduler().state(target)
        .map(TargetState::lastPresented)
        .flatMap(ProbeResult::leaf)
        .map(CertificateFacts::fingerprintSha256);
    KubernetesCollector.bind(watch, () -> served, host.metrics());
    host.readiness().require("kubernetes", watch::ready);
    host.snapshot("kubernetes", watch::describe);
    host.status(() -> KubernetesStatus.section(watch));
    boolean secrets = plan.contains(WatchedResource.SECRETS)
        || plan.contains(WatchedResource.OPAQUE_SECRETS);
    if ((plan.contains(WatchedResource.ENDPOINTSLICES) || secrets)
        && k.peerNamesConfigMap() != null) {
      // One ConfigMap for everything the sidecars read (docs/architecture.md)
      var publisher = watch.publish(client, k.peerNamesConfigMap(), k.peerNamesMax(),
          secrets ? k.publishedCertificatesMax() : -1);
      host.metrics().register(new PeerNamePublisherMetrics(publisher, watch::peerNameTable, k.peerServiceInfoMax()));
      logger.log(System.Logger.Level.INFO, "peer names"
          + (secrets ? " and Secret leaf fingerprints" : "") + ": publishing into ConfigMap "
          + identity.namespace() + "/" + k.peerNamesConfigMap());
    }
    logger.log(System.Logger.Level.INFO, "kubernetes: watching "
        + plan.stream().map(WatchedResource::label).toList() + " in namespace " + identity.namespace()
        + " at " + client.getMasterUrl()
        + (identity.podName() == null ? "" : " as pod " + identity.podName()));
  }
}
