package io.d2iq.kubetunnel.controller;

import static io.d2iq.kubetunnel.controller.ManagementPort.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnector;
import io.d2iq.kubetunnel.model.ConnectorFixtures;
import io.d2iq.kubetunnel.observe.ManagementClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Hawtio 3.0.0 in its own JVM, in headless Chromium, connected as docs/hawtio.md says (Connect → Remote, through
 * Hawtio's proxy) to a running controller's /observe/jolokia: it lists the routes of routes/controller.camel.yaml,
 * and its Start/Stop Tracing switches the controller's backlog tracer through the restrictor. The routes page is
 * saved as target/hawtio-routes.png, the source of docs/images/hawtio-routes.png.
 */
class HawtioRoutesIT {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOT = Path.of("target/hawtio-routes.png");
    private static final Path FAILURE_SCREENSHOT = Path.of("target/hawtio-failure.png");
    private static final String CONNECTION = "kubetunnel-controller";
    private static final String TRACER =
            "org.apache.camel:context=kubetunnel-controller,type=tracer,name=BacklogTracer";
    // Hawtio, Chromium and the controller share a loaded 2-core machine: every wait is generous
    private static final Duration PATIENCE = Duration.ofMinutes(2);

    @Test
    void hawtioConnectedToTheControllerListsItsRoutesAndSwitchesTracing() throws Exception {
        assumeTrue(
                Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "needs Debian's chromium and chromium-driver (/usr/bin/chromium, /usr/bin/chromedriver); .ci/run installs them");
        List<String> routeIds = routeIds(Path.of("routes/controller.camel.yaml"));
        assertThat(routeIds).contains("connector-reconcile", "connector-watch");

        try (ManagementPort controller = new ManagementPort(false);
                HawtioProcess hawtio = HawtioProcess.start()) {
            ChromeDriver browser = chromium();
            try {
                connect(browser, hawtio, controller.port);

                selectInControllerTree(browser, "routes");
                await("the routes table lists every route")
                        .atMost(PATIENCE)
                        .ignoreExceptions()
                        .untilAsserted(() -> {
                            String page =
                                    browser.findElement(By.tagName("main")).getText();
                            assertThat(page)
                                    .contains("Routes", "State", "Started")
                                    .contains(routeIds);
                        });
                Files.write(SCREENSHOT, browser.getScreenshotAs(OutputType.BYTES));

                selectInControllerTree(browser, "routes", "connector-reconcile");
                click(browser, By.xpath("//a[contains(@class,'pf-c-nav__link')][normalize-space()='Trace']"));
                click(browser, button("Start Tracing"));
                await("Start Tracing switches the controller's BacklogTracer on")
                        .atMost(PATIENCE)
                        .until(() -> tracerEnabled(controller), enabled -> enabled);

                // an exchange to trace: a connector whose gateway is missing is reconciled (to Failed) at once. Hawtio
                // 3.0.0's own message table stays empty (docs/hawtio.md), so the tracer's counter is the evidence.
                TunnelConnector traced = ConnectorFixtures.connector(NS, "traced", "missing-gateway", 1080);
                traced.getMetadata().setUid(null);
                controller.client.resource(traced).create();
                await("the tracer Hawtio switched on records the reconcile of " + NS + "/traced")
                        .atMost(PATIENCE)
                        .until(() -> tracer(controller, "TraceCounter").asLong(), counter -> counter > 0);
                click(browser, button("Stop Tracing"));
                await("Stop Tracing switches the controller's BacklogTracer off")
                        .atMost(PATIENCE)
                        .until(() -> tracerEnabled(controller), enabled -> !enabled);
            } catch (RuntimeException | AssertionError e) {
                // what the browser showed when it went wrong; Hawtio's output is in target/hawtio.log
                Files.write(FAILURE_SCREENSHOT, browser.getScreenshotAs(OutputType.BYTES));
                throw e;
            } finally {
                browser.quit();
            }
        }
    }

    /** Connect → Remote → Add connection → Test connection → Add → Connect, which opens the connection in a new window. */
    private static void connect(ChromeDriver browser, HawtioProcess hawtio, int jolokiaPort) {
        browser.get(hawtio.url() + "/");
        click(browser, button("Add connection"));
        type(browser, "connection-form-name", CONNECTION);
        type(browser, "connection-form-host", "localhost");
        type(browser, "connection-form-port", String.valueOf(jolokiaPort));
        type(browser, "connection-form-path", "/observe/jolokia");
        click(browser, button("Test connection"));
        await("Test connection reaches the controller through Hawtio's proxy")
                .atMost(PATIENCE)
                .ignoreExceptions()
                .untilAsserted(() -> assertThat(
                                browser.findElement(By.id("connection-form")).getText())
                        .contains("Connection successful"));
        click(browser, By.xpath("//footer//button[normalize-space()='Add']"));

        Set<String> before = browser.getWindowHandles();
        click(browser, button("Connect")); // the only connection's; the navigation's Connect is a link
        await().atMost(PATIENCE).until(() -> browser.getWindowHandles().size() > before.size());
        String opened = browser.getWindowHandles().stream()
                .filter(handle -> !before.contains(handle))
                .findFirst()
                .orElseThrow();
        browser.switchTo().window(opened);
    }

    private static boolean tracerEnabled(ManagementPort controller) throws IOException {
        return tracer(controller, "Enabled").asBoolean();
    }

    /** An attribute of the controller's BacklogTracer, read through the controller's Jolokia. */
    private static JsonNode tracer(ManagementPort controller, String attribute) throws IOException {
        JsonNode read = new ObjectMapper()
                .readTree(controller
                        .post(
                                "/observe/jolokia",
                                "{\"type\":\"read\",\"mbean\":\"" + TRACER + "\",\"attribute\":\"" + attribute + "\"}")
                        .body());
        assertThat(read.path("status").asInt()).as(read.toString()).isEqualTo(200);
        return read.get("value");
    }

    /**
     * Selects a node below the controller's context in Hawtio's Camel tree, expanding the folders on the way. When
     * the whole suite runs in one fork, other tests' Camel contexts may share the JVM, and so the MBean server and
     * the tree, where only the first context starts expanded. A toggle is clicked only while collapsed, since a
     * click toggles; the generous poll interval lets the tree render in between.
     */
    private static void selectInControllerTree(ChromeDriver browser, String... path) {
        await("the controller's " + String.join("/", path) + " in Hawtio's Camel tree")
                .atMost(PATIENCE)
                .pollInterval(Duration.ofSeconds(2))
                .ignoreExceptions()
                .until(() -> {
                    WebElement item = browser.findElement(By.xpath(treeItem("kubetunnel-controller")));
                    for (String name : path) {
                        if (!"true".equals(item.getAttribute("aria-expanded"))) {
                            item.findElement(By.xpath("./div//*[contains(@class,'pf-c-tree-view__node-toggle')]"))
                                    .click();
                            return false;
                        }
                        item = item.findElement(By.xpath("." + treeItem(name)));
                    }
                    item.findElement(By.xpath("./div//button[contains(@class,'pf-c-tree-view__node-text')]"))
                            .click();
                    return true;
                });
    }

    /** The tree item (with its subtree) whose own label is the name. */
    private static String treeItem(String name) {
        return "//li[div//button[contains(@class,'pf-c-tree-view__node-text')][normalize-space()='" + name + "']]";
    }

    private static By button(String text) {
        return By.xpath("//button[normalize-space()='" + text + "']");
    }

    /** Clicks once the element is there and clickable; React re-renders may replace it in between, so retry. */
    private static void click(ChromeDriver browser, By element) {
        await().atMost(PATIENCE).ignoreExceptions().until(() -> {
            browser.findElement(element).click();
            return true;
        });
    }

    private static void type(ChromeDriver browser, String inputId, String text) {
        WebElement input = browser.findElement(By.id(inputId));
        input.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
        input.sendKeys(text);
    }

    private static List<String> routeIds(Path routes) throws IOException {
        List<String> ids = new ArrayList<>();
        for (JsonNode entry : new ObjectMapper(new YAMLFactory()).readTree(routes.toFile())) {
            if (entry.has("route")) {
                ids.add(entry.get("route").get("id").asText());
            } else if (entry.has("templatedRoute")) {
                ids.add(entry.get("templatedRoute").get("routeId").asText());
            }
        }
        return ids;
    }

    private static ChromeDriver chromium() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // --no-sandbox: CI runs as root, where Chromium refuses to start with its sandbox
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1600,1400");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        return new ChromeDriver(service, options);
    }

    /**
     * Hawtio started by tools/Hawtio.java, as docs/hawtio.md tells users, in a child JVM without Camel: whatever it
     * shows about routes came through the controller's Jolokia.
     */
    private record HawtioProcess(Process process, int port) implements AutoCloseable {

        static HawtioProcess start() throws Exception {
            String classPath =
                    Files.readString(Path.of("target/hawtio.classpath")).trim();
            int port = ManagementClient.freePort();
            Path home = Files.createDirectories(Path.of("target/hawtio-home"));
            Path log = Path.of("target/hawtio.log");
            Process process = new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            // Hawtio unpacks its web app under the user's home
                            "-Duser.home=" + home.toAbsolutePath(),
                            "-Dhawtio.authenticationEnabled=false",
                            "-Dhawtio.proxyAllowlist=localhost,127.0.0.1",
                            "-Dhawtio.localAddressProbing=false",
                            "-cp",
                            classPath,
                            "tools/Hawtio.java",
                            "--host",
                            "127.0.0.1",
                            "--port",
                            String.valueOf(port),
                            "--open-url=false")
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            HawtioProcess hawtio = new HawtioProcess(process, port);
            HttpClient http = HttpClient.newHttpClient();
            try {
                await().atMost(Duration.ofMinutes(3))
                        .pollInterval(Duration.ofSeconds(1))
                        .failFast("Hawtio exited, see " + log, () -> !process.isAlive())
                        .ignoreExceptions()
                        .until(() -> http.send(
                                                HttpRequest.newBuilder(URI.create(hawtio.url() + "/"))
                                                        .build(),
                                                HttpResponse.BodyHandlers.discarding())
                                        .statusCode()
                                == 200);
            } catch (RuntimeException e) {
                hawtio.close();
                throw e;
            }
            return hawtio;
        }

        String url() {
            return "http://127.0.0.1:" + port + "/hawtio";
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            process.waitFor();
        }
    }
}
