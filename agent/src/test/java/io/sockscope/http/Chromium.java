package io.sockscope.http;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Headless Debian Chromium, started the way this workplace allows (no sandbox as root, no
 * background networking). Required under CI=true; skipped elsewhere when absent.
 */
public final class Chromium {
  private Chromium() {}

  public static Path binary() {
    for (String c : new String[] {"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"}) {
      if (Files.isExecutable(Path.of(c))) {
        return Path.of(c);
      }
    }
    if ("true".equals(System.getenv("CI"))) {
      throw new AssertionError("chromium is required under CI=true (apt-get install chromium)");
    }
    assumeTrue(false, "chromium not installed");
    return null;
  }

  private static List<String> command(Path profile, String... extra) {
    List<String> cmd = new ArrayList<>(List.of(binary().toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--hide-scrollbars", "--user-data-dir=" + profile));
    cmd.addAll(List.of(extra));
    return cmd;
  }

  /** The DOM after rendering {@code url}. */
  public static String dumpDom(String url) throws IOException, InterruptedException {
    Path profile = Files.createTempDirectory("chromium");
    Process p = new ProcessBuilder(command(profile, "--dump-dom", url)).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String dom = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("chromium --dump-dom timed out");
    }
    return dom;
  }

  /** A PNG screenshot of {@code url} at the given window size. */
  public static Path screenshot(String url, int width, int height) throws IOException, InterruptedException {
    Path profile = Files.createTempDirectory("chromium");
    Path png = profile.resolve("shot.png");
    Process p = new ProcessBuilder(command(profile, "--window-size=" + width + "," + height, "--screenshot=" + png, url))
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("chromium --screenshot timed out");
    }
    if (!Files.exists(png)) {
      throw new IOException("chromium wrote no screenshot");
    }
    return png;
  }
}
