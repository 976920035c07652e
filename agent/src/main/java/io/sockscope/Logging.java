package io.sockscope;

/**
 * One-line logs on stderr through slf4j-simple; {@link System.Logger} (used by the JDK-only
 * packages) is routed there too by slf4j-jdk-platform-logging.
 */
final class Logging {
  private Logging() {}

  static void configure() {
    set("org.slf4j.simpleLogger.defaultLogLevel", System.getenv().getOrDefault("SOCKSCOPE_LOG_LEVEL", "info"));
    set("org.slf4j.simpleLogger.showDateTime", "true");
    set("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
    set("org.slf4j.simpleLogger.showThreadName", "false");
    set("org.slf4j.simpleLogger.showShortLogName", "true");
    set("org.slf4j.simpleLogger.log.org.eclipse.jetty", "warn");
    set("org.slf4j.simpleLogger.log.io.javalin", "warn");
    set("org.slf4j.simpleLogger.log.io.fabric8", "warn");
    // Fabric8 logs a warning with a stack trace at every informer retry; sockscope logs each change
    // of state once (kubernetes.InformerHealth) and counts the failures instead.
    set("org.slf4j.simpleLogger.log.io.fabric8.kubernetes.client.informers.impl.cache.Reflector", "error");
  }

  private static void set(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}
