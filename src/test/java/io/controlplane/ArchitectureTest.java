package io.controlplane;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The dependency rules of design.md §3. */
@AnalyzeClasses(packages = "io.controlplane", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule coreNeverImportsDelegatesOrSwarm = noClasses()
            .that().resideInAPackage("io.controlplane..")
            .and().resideOutsideOfPackages("io.controlplane.delegates..", "io.controlplane.swarm..")
            .should().dependOnClassesThat().resideInAnyPackage("io.controlplane.delegates..", "io.controlplane.swarm..");

    @ArchTest
    static final ArchRule onlySwarmUsesDockerJava = noClasses()
            .that().resideOutsideOfPackage("io.controlplane.swarm..")
            .should().dependOnClassesThat().resideInAPackage("com.github.dockerjava..");

    @ArchTest
    static final ArchRule onlyEngineDelegatesAndTaskUseCamunda = noClasses()
            .that().resideOutsideOfPackages("io.controlplane.engine..", "io.controlplane.delegates..",
                    "io.controlplane.task..")
            .should().dependOnClassesThat().resideInAPackage("org.camunda..");

    @ArchTest
    static final ArchRule nobodyUsesCamundaInternals = noClasses()
            .should().dependOnClassesThat().resideInAPackage("org.camunda.bpm..impl..")
            .because("only the public engine API keeps a later move to Operaton a rename");
}
