package io.sockscope.metrics;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** Version and revision baked in at build time ({@code build-info.properties}). */
public record BuildInfo(String version, String revision, String javaVersion) {

  public static BuildInfo load() {
    Properties p = new Properties();
    try (InputStream in = BuildInfo.class.getResourceAsStream("/io/sockscope/build-info.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException ignored) {
      // a jar without the resource still runs; it reports "unknown"
    }
    String revision = System.getenv().getOrDefault("SOCKSCOPE_REVISION", p.getProperty("revision", "unknown"));
    return new BuildInfo(
        p.getProperty("version", "unknown"),
        revision.isBlank() || revision.startsWith("${") ? "unknown" : revision,
        Runtime.version().toString());
  }
}
