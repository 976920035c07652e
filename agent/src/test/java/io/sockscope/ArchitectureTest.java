package io.sockscope;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The boundaries of docs/architecture.md ("Packages"): the models ({@code sockets}, {@code tls}) use only the JDK ({@code java.*}
 * and {@code javax.*}: JSSE, X.500 names) and the JDK-only {@code util}; nothing but the wiring
 * imports {@code http}.
 */
class ArchitectureTest {
  static JavaClasses main;

  @BeforeAll
  static void load() {
    main =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.sockscope");
  }

  @Test
  void tlsUsesOnlyTheJdk() {
    classes()
        .that()
        .resideInAPackage("io.sockscope.tls..")
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage("java..", "javax..", "io.sockscope.tls..", "io.sockscope.util..")
        .check(main);
  }

  @Test
  void socketsUseOnlyTheJdk() {
    classes()
        .that()
        .resideInAPackage("io.sockscope.sockets..")
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage("java..", "javax..", "io.sockscope.sockets..", "io.sockscope.util..")
        .allowEmptyShould(true)
        .check(main);
  }

  /** The sidecar reads peer names with the JDK alone (no Kubernetes client in a pod's sidecar). */
  @Test
  void peersUseOnlyTheJdk() {
    classes()
        .that()
        .resideInAPackage("io.sockscope.peers..")
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage("java..", "io.sockscope.peers..", "io.sockscope.util..")
        .check(main);
  }

  @Test
  void utilUsesOnlyTheJdk() {
    classes()
        .that()
        .resideInAPackage("io.sockscope.util..")
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage("java..", "io.sockscope.util..")
        .check(main);
  }

  @Test
  void onlyTheWiringImportsHttp() {
    noClasses()
        .that()
        .resideOutsideOfPackages("io.sockscope.http..", "io.sockscope")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.sockscope.http..")
        .check(main);
  }
}
