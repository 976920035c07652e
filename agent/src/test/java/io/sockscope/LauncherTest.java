package io.sockscope;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/sockscope's contract, with a JAVA_HOME whose "java" prints its arguments: the sidecar flags,
 * the heap choice, SOCKSCOPE_JAVA_OPTS last (so it wins), the AOT cache only when it exists, and
 * the agent's arguments passed through untouched after the jar.
 */
class LauncherTest {
  @TempDir Path dir;

  private List<String> launch(Map<String, String> env, String... args) throws Exception {
    Path home = dir.resolve("jdk");
    Files.createDirectories(home.resolve("bin"));
    Path java = home.resolve("bin/java");
    Files.writeString(java, "#!/bin/sh\nprintf '%s\\n' \"$@\"\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path jar = Files.writeString(dir.resolve("sockscope.jar"), "");
    Path launcher = repo().resolve("bin/sockscope");
    List<String> cmd = new ArrayList<>(List.of(launcher.toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("JAVA_HOME", home.toString());
    pb.environment().put("SOCKSCOPE_JAR", jar.toString());
    pb.environment().remove("SOCKSCOPE_HEAP");
    pb.environment().remove("SOCKSCOPE_JAVA_OPTS");
    pb.environment().remove("SOCKSCOPE_AOT_CACHE");
    pb.environment().putAll(env);
    Process p = pb.redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isZero();
    return out.lines().toList();
  }

  private static Path repo() {
    Path p = Path.of("").toAbsolutePath();
    while (!Files.exists(p.resolve("bin/sockscope"))) {
      p = p.getParent();
    }
    return p;
  }

  @Test
  void passesTheSidecarFlagsThenTheJarThenTheArguments() throws Exception {
    List<String> argv = launch(Map.of(), "--port", "9 9", "demo");
    assertThat(argv).contains("-XX:+UseSerialGC", "-XX:+UseCompactObjectHeaders",
        "-XX:TieredStopAtLevel=1", "-XX:CompileThresholdScaling=5", "-Xss256k", "-XX:+ExitOnOutOfMemoryError",
        "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow");
    // The class archive at its own address (no relocation dirtying it into anonymous memory).
    assertThat(argv).containsSequence("-XX:+UnlockDiagnosticVMOptions", "-XX:ArchiveRelocationMode=0");
    // The monitor deflation thread wakes every 10 s, not every 250 ms (a diagnostic flag: unlocked).
    assertThat(argv).containsSubsequence("-XX:+UnlockDiagnosticVMOptions", "-XX:AsyncDeflationInterval=10000");
    // Reflection through JNI: no method-handle classes spun for the configuration's records.
    assertThat(argv).contains("-Djdk.reflect.useNativeAccessorOnly=true");
    assertThat(argv.subList(argv.indexOf("-jar"), argv.size()))
        .containsExactly("-jar", dir.resolve("sockscope.jar").toString(), "--port", "9 9", "demo");
    assertThat(argv).noneMatch(a -> a.startsWith("-XX:AOTCache"));
  }

  /**
   * The namespace prober's handshakes run C2, with less loop unrolling for smaller compilations
   * (docs/performance.md, "JIT and heap per role"); every role has the same default heap.
   */
  @Test
  void theNamespaceProberGetsC2TheOtherRolesC1() throws Exception {
    for (String[] args : List.of(new String[] {"--role", "namespace-prober"},
        new String[] {"--role=namespace-prober"})) {
      List<String> argv = launch(Map.of(), args);
      assertThat(argv).contains("-XX:-TieredCompilation", "-XX:LoopUnrollLimit=16", heap("32m"),
              "-XX:CompileCommand=dontinline,io.sockscope.tls.TlsProber::run")
          .doesNotContain("-XX:TieredStopAtLevel=1", "-XX:CompileThresholdScaling=5");
    }
    Path config = Files.writeString(dir.resolve("c.yaml"), "# prober\nrole: \"namespace-prober\"\n");
    assertThat(launch(Map.of(), "--config", config.toString()))
        .contains("-XX:-TieredCompilation", "-XX:LoopUnrollLimit=16", heap("32m"));
    // single quotes, no blank after the colon, a comment, no final newline; an indented
    // "role:" belongs to another section and is not the role
    Path terse = Files.writeString(dir.resolve("t.yaml"),
        "tls:\n  role: sidecar\nrole:'namespace-prober' # the prober");
    assertThat(launch(Map.of(), "--config", terse.toString()))
        .contains("-XX:-TieredCompilation", "-XX:LoopUnrollLimit=16");
    // The command line wins over the file, as in the agent.
    assertThat(launch(Map.of(), "--config", config.toString(), "--role", "sidecar"))
        .contains("-XX:TieredStopAtLevel=1", heap("32m"));
    for (String role : List.of("sidecar", "injector", "local")) {
      assertThat(launch(Map.of(), "--role", role))
          .contains("-XX:TieredStopAtLevel=1", heap("32m"))
          .doesNotContain("-XX:-TieredCompilation", "-XX:LoopUnrollLimit=16");
    }
    // Only the sidecar, paid once per pod, is sized for two processors whatever the node has;
    // the role from the config file counts, and the operator's own options come after it.
    assertThat(launch(Map.of(), "--role", "sidecar")).contains("-XX:ActiveProcessorCount=2");
    Path sidecar = Files.writeString(dir.resolve("s.yaml"), "role: sidecar\n");
    assertThat(launch(Map.of(), "--config", sidecar.toString())).contains("-XX:ActiveProcessorCount=2");
    for (String role : List.of("injector", "local", "namespace-prober")) {
      assertThat(launch(Map.of(), "--role", role)).noneMatch(a -> a.startsWith("-XX:ActiveProcessorCount"));
    }
    List<String> own = launch(Map.of("SOCKSCOPE_JAVA_OPTS", "-XX:ActiveProcessorCount=8"), "--role", "sidecar");
    assertThat(own.lastIndexOf("-XX:ActiveProcessorCount=8")).isGreaterThan(own.indexOf("-XX:ActiveProcessorCount=2"));
    // the method the launcher names exists (a rename would silently drop the flag's effect)
    assertThat(io.sockscope.tls.TlsProber.class.getDeclaredMethods())
        .anyMatch(m -> m.getName().equals("run"));
    assertThat(launch(Map.of("SOCKSCOPE_HEAP", "96m"), "--role", "namespace-prober"))
        .contains("-Xmx96m").doesNotContain("-Xmx32m");
  }

  /** The default heap option: {@code size} without a memory limit, else the share of the limit. */
  private static String heap(String size) throws Exception {
    Path v2 = Path.of("/sys/fs/cgroup/memory.max");
    Path v1 = Path.of("/sys/fs/cgroup/memory/memory.limit_in_bytes");
    String limit = Files.isReadable(v2) ? Files.readString(v2).trim()
        : Files.isReadable(v1) ? Files.readString(v1).trim() : "max";
    boolean limited = limit.matches("[0-9]+") && Long.parseLong(limit) < (1L << 40);
    return limited ? "-XX:MaxRAMPercentage=35" : "-Xmx" + size;
  }

  @Test
  void heapComesFromSockscopeHeapAndExtraOptionsComeLast() throws Exception {
    List<String> argv = launch(Map.of("SOCKSCOPE_HEAP", "48m", "SOCKSCOPE_JAVA_OPTS", "-Xmx50m -Dx=1"));
    assertThat(argv).contains("-Xmx48m").doesNotContain("-XX:MaxRAMPercentage=35");
    int jar = argv.indexOf("-jar");
    assertThat(argv.subList(jar - 2, jar)).containsExactly("-Xmx50m", "-Dx=1");
  }

  @Test
  void usesTheAotCacheOnlyWhenTheFileExists() throws Exception {
    Path aot = dir.resolve("sockscope.aot");
    assertThat(launch(Map.of("SOCKSCOPE_AOT_CACHE", aot.toString())))
        .noneMatch(a -> a.startsWith("-XX:AOTCache"));
    Files.writeString(aot, "x");
    assertThat(launch(Map.of("SOCKSCOPE_AOT_CACHE", aot.toString())))
        .contains("-XX:AOTCache=" + aot);
  }

  /** One cache per role: with --role R the launcher prefers <cache>-R.aot when the image has it. */
  @Test
  void prefersTheCacheTrainedOnTheRole() throws Exception {
    Path aot = Files.writeString(dir.resolve("sockscope.aot"), "x");
    Map<String, String> env = Map.of("SOCKSCOPE_AOT_CACHE", aot.toString());
    assertThat(launch(env, "--role", "sidecar")).contains("-XX:AOTCache=" + aot);
    Path sidecar = Files.writeString(dir.resolve("sockscope-sidecar.aot"), "x");
    assertThat(launch(env, "--role", "sidecar", "--config", "/etc/sockscope/config.yaml"))
        .contains("-XX:AOTCache=" + sidecar).doesNotContain("-XX:AOTCache=" + aot);
    assertThat(launch(env, "--role=sidecar")).contains("-XX:AOTCache=" + sidecar);
    assertThat(launch(env, "--role", "namespace-prober")).contains("-XX:AOTCache=" + aot);
    assertThat(launch(env)).contains("-XX:AOTCache=" + aot);
  }

  /** The sidecar role runs the sidecar's own jar when the build made one, every other role the whole jar. */
  @Test
  void theSidecarRoleRunsTheSidecarJarWhenItExists() throws Exception {
    Path whole = dir.resolve("sockscope.jar");
    assertThat(launch(Map.of(), "--role", "sidecar")).containsSequence("-jar", whole.toString());
    Path sidecar = Files.writeString(dir.resolve("sockscope-sidecar.jar"), "");
    assertThat(launch(Map.of(), "--role", "sidecar")).containsSequence("-jar", sidecar.toString());
    Path config = Files.writeString(dir.resolve("c.yaml"), "role: sidecar\n");
    assertThat(launch(Map.of(), "--config", config.toString())).containsSequence("-jar", sidecar.toString());
    for (String role : List.of("local", "namespace-prober", "injector")) {
      assertThat(launch(Map.of(), "--role", role)).containsSequence("-jar", whole.toString());
    }
    assertThat(launch(Map.of())).containsSequence("-jar", whole.toString());
  }

  /** No JEP 515 profiles recorded or replayed: they serve C2, which the launcher turns off. */
  @Test
  void recordsAndReplaysNoTrainingProfiles() throws Exception {
    assertThat(launch(Map.of())).contains("-XX:TieredStopAtLevel=1")
        .containsSubsequence("-XX:+UnlockDiagnosticVMOptions", "-XX:-AOTRecordTraining",
            "-XX:-AOTReplayTraining");
  }

  /** Issue 13: on JDK 17 the launcher said "Unrecognized VM option 'UseCompactObjectHeaders'". */
  @Test
  void anOlderJdkIsRefusedWithAPlainMessage() throws Exception {
    Path home = dir.resolve("jdk17");
    Files.createDirectories(home.resolve("bin"));
    Path java = home.resolve("bin/java");
    Files.writeString(java, "#!/bin/sh\necho 'Unrecognized VM option' >&2\nexit 1\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"Eclipse Adoptium\"\nJAVA_VERSION=\"17.0.13\"\n");
    var r = run(home);
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.out()).contains("sockscope: needs JDK 25 or later").contains("Java 17")
        .doesNotContain("Unrecognized VM option");
  }

  /** The machine's own JDK 17 (the default java here), when there is one. */
  @Test
  void theRealJdk17IsRefused() throws Exception {
    Path jdk17 = null;
    try (var dirs = Files.list(Path.of("/usr/lib/jvm"))) {
      jdk17 = dirs.filter(d -> Files.isExecutable(d.resolve("bin/java")))
          .filter(d -> {
            try {
              return Files.readString(d.resolve("release")).contains("JAVA_VERSION=\"17");
            } catch (java.io.IOException e) {
              return false;
            }
          }).findFirst().orElse(null);
    } catch (java.io.IOException e) {
      // no /usr/lib/jvm
    }
    org.junit.jupiter.api.Assumptions.assumeTrue(jdk17 != null || "true".equals(System.getenv("CI")),
        "no JDK 17 on this machine");
    assertThat(jdk17).as("CI=true: a JDK 17 under /usr/lib/jvm").isNotNull();
    var r = run(jdk17);
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.out()).contains("sockscope: needs JDK 25 or later").contains("Java 17");
  }

  /** A JDK 25 release file passes the check (the fake java then prints its arguments). */
  @Test
  void jdk25Passes() throws Exception {
    Path home = dir.resolve("jdk");
    Files.createDirectories(home);
    Files.writeString(home.resolve("release"), "JAVA_VERSION=\"25.0.1\"\n");
    assertThat(launch(Map.of(), "--version")).contains("-XX:+UseCompactObjectHeaders", "--version");
  }

  private record Run(int code, String out) {}

  private Run run(Path javaHome) throws Exception {
    Path jar = Files.writeString(dir.resolve("sockscope.jar"), "");
    ProcessBuilder pb = new ProcessBuilder(repo().resolve("bin/sockscope").toString(), "--version");
    pb.environment().put("JAVA_HOME", javaHome.toString());
    pb.environment().put("SOCKSCOPE_JAR", jar.toString());
    Process p = pb.redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Run(p.waitFor(), out);
  }
}
