package io.d2iq.kubetunnel;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.lang.ArchRule;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering of docs/architecture.md, checked over the product classes of every module. The module
 * build already keeps core from compiling against local mode; these rules state what lives inside core.
 */
class ArchitectureTest {

    private static final String ROOT = "io.d2iq.kubetunnel";
    private static final String[] LOCAL_MODE = {ROOT + ".local..", ROOT + ".demo.."};

    /** The fabric8 verbs that change something on the API server. */
    private static final Set<String> WRITE_VERBS = Set.of(
            "create",
            "createOr",
            "createOrReplace",
            "update",
            "updateStatus",
            "patch",
            "patchStatus",
            "edit",
            "editStatus",
            "replace",
            "replaceStatus",
            "delete",
            "serverSideApply",
            "apply");

    private static JavaClasses product;

    @BeforeAll
    static void importProductClasses() {
        product = new ClassFileImporter()
                .withImportOption(ArchitectureTest::isProductCode)
                .importPackages(ROOT);
    }

    /** Main classes of core and local, whether from their target/classes or their packaged jars; no tests. */
    private static boolean isProductCode(Location location) {
        return !location.contains("/test-classes/") && !location.matches(Pattern.compile(".*-tests\\.jar.*"));
    }

    @Test
    void modelBuildsObjectsAndTalksToNoApiServer() {
        // Serialization (fabric8's YAML writer for the agent manifests) is a utility, not a client.
        rule(noClasses()
                .that()
                .resideInAPackage(ROOT + ".model..")
                .should()
                .dependOnClassesThat(DescribedPredicate.describe(
                        "are fabric8 client classes",
                        c -> c.getPackageName().startsWith("io.fabric8.kubernetes.client")
                                && !c.getPackageName().startsWith("io.fabric8.kubernetes.client.utils"))));
    }

    @Test
    void productCodeNeverUsesLocalMode() {
        rule(noClasses()
                .that()
                .resideOutsideOfPackages(LOCAL_MODE)
                .and()
                .doNotHaveFullyQualifiedName(Main.class.getName())
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(LOCAL_MODE));
    }

    @Test
    void inTheControllerOnlyReconcileWrites() {
        // The one other writer is leader election, which keeps its own Lease.
        rule(noClasses()
                .that()
                .resideInAnyPackage(ROOT + ".controller..", ROOT + ".camel..", ROOT + ".model..", ROOT + ".observe..")
                .and(not(partOf(ROOT + ".controller.LeaseClusterService")))
                .should()
                .callMethodWhere(DescribedPredicate.describe(
                        "it writes to the API server", ArchitectureTest::writesToApiServer)));
    }

    @Test
    void onlyTheNettyPipelinesTouchByteBufs() {
        rule(noClasses()
                .that()
                .resideOutsideOfPackages(
                        ROOT + ".tunnel..", ROOT + ".guard..", ROOT + ".nettyhttp..", ROOT + ".local.runner..")
                // the webhook's pipeline handler that refuses a bad token before the body is read
                .and(not(partOf(ROOT + ".webhook.TokenBeforeBody")))
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.netty.buffer.."));
    }

    @Test
    void theTunnelsFramingKnowsNothingAboveIt() {
        // the wire format; the session engine and the roles build on it, never the other way round
        rule(noClasses()
                .that()
                .resideInAPackage(ROOT + ".tunnel.frame..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        ROOT + ".tunnel.session..",
                        ROOT + ".tunnel.agent..",
                        ROOT + ".tunnel.server..",
                        ROOT + ".tunnel.proxy.."));
    }

    @Test
    void theTunnelsSessionEngineKnowsNoRole() {
        // the agent and the tunnel server each extend the session; the proxy port opens streams on one
        rule(noClasses()
                .that()
                .resideInAPackage(ROOT + ".tunnel.session..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(ROOT + ".tunnel.agent..", ROOT + ".tunnel.server..", ROOT + ".tunnel.proxy.."));
    }

    /**
     * The class named {@code className} and the classes nested in it, by name (not a regex: a dot is a dot). By
     * name because the exceptions are package-private.
     */
    private static DescribedPredicate<JavaClass> partOf(String className) {
        return DescribedPredicate.describe(
                className + " or a class nested in it",
                c -> c.getName().equals(className) || c.getName().startsWith(className + "$"));
    }

    private static boolean writesToApiServer(JavaMethodCall call) {
        return call.getTargetOwner().getPackageName().startsWith("io.fabric8.kubernetes.client")
                && WRITE_VERBS.contains(call.getName());
    }

    private static void rule(ArchRule rule) {
        rule.check(product);
    }
}
