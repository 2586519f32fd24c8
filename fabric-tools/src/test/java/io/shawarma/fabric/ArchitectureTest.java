package io.shawarma.fabric;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * Dependencies between our modules point one way only, as docs/layout.md draws them: udf-api and codecs use
 * nothing of ours, messaging uses codecs, fabric-core the three below it; fabric-graph, fabric-grid and
 * fabric-wasm sit on fabric-core, fabric-aggregate on fabric-graph; only fabric-tools sees them all. Maven already
 * refuses a class from a module the pom does not declare; these rules also fail when a pom gains a wrong-way
 * dependency. This module's test classpath holds every other module, so the test lives here.
 */
class ArchitectureTest
{
    private static final String[] UDF_API = { "io.shawarma.udf.." };
    private static final String[] CODECS = { "io.shawarma.codecs.." };
    private static final String[] MESSAGING = { "io.shawarma.messaging.." };
    private static final String[] FABRIC_CORE =
    {
        "io.shawarma.fabric", "io.shawarma.fabric.borrow..", "io.shawarma.fabric.store..", "io.shawarma.fabric.udf..",
        "io.shawarma.fabric.crdt..", "io.shawarma.fabric.process.."
    };
    private static final String[] FABRIC_GRAPH = { "io.shawarma.fabric.graph.." };
    private static final String[] FABRIC_AGGREGATE = { "io.shawarma.fabric.aggregate.." };
    private static final String[] FABRIC_GRID = { "io.shawarma.fabric.grid.." };
    private static final String[] FABRIC_WASM = { "io.shawarma.fabric.wasm.." };
    private static final String[] FABRIC_TOOLS = { "io.shawarma.fabric.demo.." };

    /**
     * Our production classes only. The importer reads no package but ours, so no third-party jar is read; it must
     * still read jars, because a full `mvn verify` puts the other modules here as their packaged jars (under
     * `-am test` they are target/classes): ImportOption.DoNotIncludeJars would leave them out. Test classes are left
     * out, both from target/test-classes and from fabric-core's test-jar.
     */
    private static final JavaClasses CLASSES = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .withImportOption((location) -> !location.contains("-tests.jar"))
        .importPackages("io.shawarma");

    @Test
    void shouldPlaceEveryClassInAModule()
    {
        // A new package is given its module here first; the rules below would not look at it otherwise.
        classes()
            .should().resideInAnyPackage(concat(
                UDF_API, CODECS, MESSAGING, FABRIC_CORE, FABRIC_GRAPH, FABRIC_AGGREGATE, FABRIC_GRID, FABRIC_WASM,
                FABRIC_TOOLS))
            .check(CLASSES);
    }

    @Test
    void shouldKeepUdfApiFreeOfOurOtherModules()
    {
        onlyUses("udf-api", UDF_API).check(CLASSES);
    }

    @Test
    void shouldKeepCodecsFreeOfOurOtherModules()
    {
        onlyUses("codecs", CODECS).check(CLASSES);
    }

    @Test
    void shouldKeepMessagingOnCodecs()
    {
        onlyUses("messaging", MESSAGING, CODECS).check(CLASSES);
    }

    @Test
    void shouldKeepFabricCoreOffTheLayersAboveIt()
    {
        onlyUses("fabric-core", FABRIC_CORE, UDF_API, CODECS, MESSAGING).check(CLASSES);
    }

    @Test
    void shouldKeepGraphOnFabricCore()
    {
        onlyUses("fabric-graph", FABRIC_GRAPH, FABRIC_CORE, UDF_API, CODECS, MESSAGING).check(CLASSES);
    }

    @Test
    void shouldKeepAggregateOnGraphAndFabricCore()
    {
        onlyUses("fabric-aggregate", FABRIC_AGGREGATE, FABRIC_GRAPH, FABRIC_CORE, UDF_API, CODECS, MESSAGING)
            .check(CLASSES);
    }

    @Test
    void shouldKeepGridOnFabricCore()
    {
        onlyUses("fabric-grid", FABRIC_GRID, FABRIC_CORE, UDF_API, CODECS, MESSAGING).check(CLASSES);
    }

    @Test
    void shouldKeepWasmOnFabricCore()
    {
        onlyUses("fabric-wasm", FABRIC_WASM, FABRIC_CORE, UDF_API, CODECS, MESSAGING).check(CLASSES);
    }

    @Test
    void shouldKeepOurPackagesFreeOfCycles()
    {
        slices().matching("io.shawarma.(**)").should().beFreeOfCycles().check(CLASSES);
    }

    /**
     * @param module       the Maven module, named in the failure message.
     * @param ownPackages  the module's packages.
     * @param usedModules  packages of the modules below it: any other class of ours is a wrong-way dependency.
     * @return the rule.
     */
    private static ArchRule onlyUses(final String module, final String[] ownPackages, final String[]... usedModules)
    {
        final String[] allowed = concat(ownPackages, concat(usedModules));
        final DescribedPredicate<JavaClass> ourOtherModules = resideInAPackage("io.shawarma..")
            .and(not(resideInAnyPackage(allowed)))
            .as("are in our modules other than " + String.join(", ", allowed));

        return noClasses().that().resideInAnyPackage(ownPackages)
            .should().dependOnClassesThat(ourOtherModules)
            .as(module + " must not depend on a module of ours it does not sit on");
    }

    private static String[] concat(final String[]... groups)
    {
        return Arrays.stream(groups).flatMap(Arrays::stream).toArray(String[]::new);
    }
}
