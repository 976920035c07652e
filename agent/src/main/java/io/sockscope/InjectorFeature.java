package io.sockscope;

import io.sockscope.config.InjectorConfig;
import io.sockscope.injector.WebhookServer;
import java.io.IOException;
import java.security.GeneralSecurityException;

/** {@code --role injector}: the HTTPS admission webhook beside the usual HTTP port (docs/sidecar.md). */
final class InjectorFeature implements Feature {
  private static final System.Logger logger = System.getLogger(InjectorFeature.class.getName());

  private final InjectorConfig config;

  InjectorFeature(InjectorConfig config) {
    this.config = config;
  }

  @Override
  public void start(FeatureHost host) {
    try {
      WebhookServer webhook = host.closeOnStop(
          WebhookServer.start("0.0.0.0", config, host.metrics().meters()));
      logger.log(System.Logger.Level.INFO, "sidecar injector: https://0.0.0.0:" + webhook.port() + "/mutate");
    } catch (IOException | GeneralSecurityException e) {
      throw new StartupException("cannot start the injector webhook: " + e.getMessage(), e);
    }
  }
}
