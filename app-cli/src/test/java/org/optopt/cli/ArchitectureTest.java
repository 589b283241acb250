package org.optopt.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering rules of ARCHITECTURE.md, checked on the compiled main classes of every module
 * (read from each module's target/classes, so the rules see exactly what ships).
 */
class ArchitectureTest {
    private static final List<String> MODULES = List.of("api", "core-theory", "optimizers", "backend-nd4j",
            "backend-tornado", "tasks", "app-cli");
    private static final String[] JDK = {"java..", "javax.."};
    private static final String[] BACKEND_LIBRARIES = {"org.nd4j..", "org.bytedeco..", "uk.ac.manchester.tornado.."};

    private static JavaClasses classes;

    @BeforeAll
    static void importAllModules() {
        Path root = Path.of(System.getProperty("optopt.root", "..")).toAbsolutePath().normalize();
        List<Path> dirs = MODULES.stream().map(m -> root.resolve(m).resolve("target/classes")).toList();
        for (Path d : dirs) {
            assertTrue(Files.isDirectory(d), "compiled classes missing: " + d);
        }
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPaths(dirs);
    }

    private static String[] allowed(String... packages) {
        String[] out = new String[packages.length + JDK.length];
        System.arraycopy(packages, 0, out, 0, packages.length);
        System.arraycopy(JDK, 0, out, packages.length, JDK.length);
        return out;
    }

    private static void check(ArchRule rule) {
        rule.check(classes);
    }

    @Test
    void apiDependsOnTheJdkOnly() {
        check(classes().that().resideInAPackage("org.optopt.api..")
                .should().onlyDependOnClassesThat().resideInAnyPackage(allowed("org.optopt.api..")));
    }

    /** core-theory depends on its dense linear-algebra library (EJML) only. */
    @Test
    void coreTheoryDependsOnEjmlOnly() {
        check(classes().that().resideInAPackage("org.optopt.theory..").should().onlyDependOnClassesThat()
                .resideInAnyPackage(allowed("org.optopt.theory..", "org.ejml.."))
                .allowEmptyShould(true));
    }

    /**
     * The optimizer library depends on api and core-theory only. Its golden conformance replay
     * (exported to the CLI alone) also reads JSON with Jackson, and the library never uses it.
     */
    @Test
    void optimizersDependOnApiAndCoreTheoryOnly() {
        String golden = "org.optopt.optimizers.golden..";
        check(classes().that().resideInAPackage("org.optopt.optimizers..").and().resideOutsideOfPackage(golden)
                .should().onlyDependOnClassesThat()
                .resideInAnyPackage(allowed("org.optopt.api..", "org.optopt.theory..", "org.optopt.optimizers..")));
        check(noClasses().that().resideInAPackage("org.optopt.optimizers..").and().resideOutsideOfPackage(golden)
                .should().dependOnClassesThat().resideInAPackage(golden));
        check(classes().that().resideInAPackage(golden).should().onlyDependOnClassesThat()
                .resideInAnyPackage(allowed("org.optopt.api..", "org.optopt.optimizers..", "com.fasterxml.jackson..")));
    }

    /**
     * Tasks use the API and, for reading tar archives, Apache Commons Compress only; their training
     * runner ({@code tasks.training}) also writes its run files' JSON with Jackson.
     */
    @Test
    void tasksDependOnApiAndCommonsCompressOnly() {
        String training = "org.optopt.tasks.training..";
        check(classes().that().resideInAPackage("org.optopt.tasks..").and().resideOutsideOfPackage(training)
                .should().onlyDependOnClassesThat()
                .resideInAnyPackage(allowed("org.optopt.api..", "org.optopt.tasks..", "org.apache.commons.compress..")));
        check(classes().that().resideInAPackage(training).should().onlyDependOnClassesThat()
                .resideInAnyPackage(allowed("org.optopt.api..", "org.optopt.tasks..", "com.fasterxml.jackson..")));
    }

    /**
     * The training runner is library code: a program calls it without the command, so neither it
     * nor any other module reaches into {@code app-cli}.
     */
    @Test
    void nothingOutsideTheCommandDependsOnIt() {
        check(noClasses().that().resideInAPackage("org.optopt.tasks.training..")
                .should().dependOnClassesThat().resideInAPackage("org.optopt.cli.."));
        check(noClasses().that().resideOutsideOfPackage("org.optopt.cli..")
                .should().dependOnClassesThat().resideInAPackage("org.optopt.cli.."));
    }

    @Test
    void backendsDependOnApiAndTheirOwnLibrariesOnly() {
        check(classes().that().resideInAPackage("org.optopt.backend.nd4j..").should().onlyDependOnClassesThat()
                .resideInAnyPackage(allowed("org.optopt.api..", "org.optopt.backend.nd4j..", "org.nd4j..",
                        "org.bytedeco..", "jdk.incubator.vector..")));
        check(classes().that().resideInAPackage("org.optopt.backend.tornado..").should().onlyDependOnClassesThat()
                .resideInAnyPackage(allowed("org.optopt.api..", "org.optopt.backend.tornado..",
                        "uk.ac.manchester.tornado..")));
    }

    @Test
    void noModuleButABackendNamesABackendOrItsLibrary() {
        check(noClasses().that().resideOutsideOfPackage("org.optopt.backend..")
                .should().dependOnClassesThat().resideInAnyPackage(BACKEND_LIBRARIES));
        check(noClasses().that().resideOutsideOfPackage("org.optopt.backend..")
                .should().dependOnClassesThat().resideInAPackage("org.optopt.backend.."));
        check(noClasses().that().resideInAPackage("org.optopt.backend.nd4j..")
                .should().dependOnClassesThat().resideInAPackage("org.optopt.backend.tornado.."));
    }

    @Test
    void guiceLivesInTheCompositionRootOnly() {
        check(noClasses().that().resideOutsideOfPackage("org.optopt.cli..")
                .should().dependOnClassesThat().resideInAnyPackage("com.google.inject..", "jakarta.inject.."));
    }

    @Test
    void thereAreNoPackageCycles() {
        check(slices().matching("org.optopt.(**)").should().beFreeOfCycles());
    }
}
