package io.sockscope.config;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12: the sidecar takes its configuration without the YAML/Jackson cost. Taking a
 * configuration (read, map, validate, check the files) needs the JDK and the agent's own JDK-only
 * packages, nothing else: proven statically, and by a JVM that has nothing else on its class path.
 */
class ConfigNeedsOnlyTheJdkTest {

  @Test
  void theConfigPackageDependsOnlyOnTheJdkAndJdkOnlyPackages() {
    classes().that().resideInAPackage("io.sockscope.config..")
        .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "javax..",
            "io.sockscope.config..", "io.sockscope.tls..", "io.sockscope.sockets..", "io.sockscope.util..")
        .check(new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.sockscope.config"));
  }

  @Test
  void checkConfigRunsWithOnlyTheAgentsClassesAndLoadsNoLibraryClass(@TempDir Path dir) throws Exception {
    Path classes = Path.of(ConfigLoader.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Path config = Files.writeString(dir.resolve("sidecar.yaml"), """
        role: sidecar
        sockets:
          dumpInterval: 5s
        tls:
          peerPorts: [443, 8443]
          targets:
            - address: api.example.internal:443
              serverName: api.example.internal
        kubernetes:
          namespace: shop
        """);
    Path log = dir.resolve("classes.log");
    ProcessBuilder pb = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xlog:class+load=info:file=" + log, "-Xshare:auto",
        "-cp", classes.toString(), "io.sockscope.Main", "--config", config.toString(), "--check-config")
        .redirectErrorStream(true);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).contains("sockscope: configuration OK (role sidecar)");

    List<String> loaded = Files.readAllLines(log).stream()
        .filter(l -> l.contains("[class,load]"))
        .map(l -> l.replaceFirst(".*\\[class,load\\] (\\S+) .*", "$1"))
        .toList();
    assertThat(loaded).contains("io.sockscope.config.YamlReader", "io.sockscope.config.RecordMapper",
        "io.sockscope.config.StartChecks");
    assertThat(loaded).noneMatch(c -> c.startsWith("com.fasterxml.") || c.startsWith("tools.jackson.")
        || c.startsWith("org.snakeyaml.") || c.startsWith("org.yaml.") || c.startsWith("io.fabric8."));
  }
}
