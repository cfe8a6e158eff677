package io.controlplane.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.controlplane.support.Http;
import io.controlplane.support.Poll;
import io.controlplane.support.TestServer;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.Alert;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web UI in a real headless Chromium (Debian's {@code chromium} and {@code chromium-driver}) against one
 * real host: the create form shows the API's validation errors at their fields; a database created from the
 * form fails at a step (its fixed port is held by a program the control plane does not manage), the task
 * page shows the failed step on the diagram, a retry from the page finishes the diagram, and the database
 * page shows the database available; the update editor's dry run shows the plan, an instance restarts from its
 * row, and a confirmed delete removes the database. Screenshots go to {@code target/failsafe-reports/screenshots/}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UiIT {

    private static final String HOST = "host-1";
    private static final String DB = "ui1";
    /** Random ports of the host come from here; the fixed port of n1 lies outside. */
    private static final int PORT_BASE = 26400;
    private static final Duration OPERATION = Duration.ofSeconds(240);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SCREENSHOTS = Path.of("target", "failsafe-reports", "screenshots");

    private static Path root;
    private static ServerProcess h1;
    private static WebDriver browser;

    @BeforeAll
    static void startHostAndBrowser() throws Exception {
        root = Files.createTempDirectory("cp-ui-it-");
        Map<String, String> env = ServerProcess.clusterEnv(HOST, "server", "", "ui-it-admin");
        // one host: the engine keeps its default H2 database under the data dir
        env.remove("CONTROL_PLANE_ENGINE__DATASOURCE__URL");
        env.remove("CONTROL_PLANE_ENGINE__DATASOURCE__USERNAME");
        env.put("CONTROL_PLANE_RANDOM_PORTS__MIN", String.valueOf(PORT_BASE));
        env.put("CONTROL_PLANE_RANDOM_PORTS__MAX", String.valueOf(PORT_BASE + 99));
        h1 = new ServerProcess(root.resolve(HOST), TestServer.freePort(), env).start(Duration.ofSeconds(180));
        h1.initSingleHostCluster("ui-it-cluster");
        Files.createDirectories(SCREENSHOTS);
        browser = chromium();
    }

    /** The system's Chromium and chromedriver, named explicitly so that Selenium downloads nothing. */
    private static WebDriver chromium() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        // --no-sandbox: Chromium refuses to run as root with its sandbox
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1440,900", "--hide-scrollbars");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    @AfterAll
    static void stopEverything() {
        if (browser != null) {
            browser.quit();
        }
        if (h1 != null) {
            h1.close();
            h1.killOrphanEtcd();
        }
        Docker.removeDatabaseServices(DB);
        if (root != null) {
            TestServer.deleteTree(root);
        }
    }

    @Test
    @Order(1)
    void clusterPageShowsTheHostHealthyWithItsComponents(TestInfo test) throws Exception {
        onFailureScreenshot(test, () -> {
            browser.get(h1.url("/ui/#/"));
            waitFor(Duration.ofSeconds(20), By.cssSelector("#hosts tbody tr"));
            WebElement row = browser.findElement(By.cssSelector("#hosts tbody tr"));
            assertThat(row.getText()).contains(HOST).contains("healthy").contains("docker");
            assertThat(browser.findElement(By.id("cluster-state")).getText()).isNotBlank();
            screenshot("cluster");
        });
    }

    @Test
    @Order(2)
    void createFormShowsEachValidationErrorOfTheApiAtItsField(TestInfo test) throws Exception {
        onFailureScreenshot(test, () -> {
            browser.get(h1.url("/ui/#/databases/new"));
            // the form fills the first node's host from /v1/hosts
            new WebDriverWait(browser, Duration.ofSeconds(20)).until(d -> !input("spec.nodes[0].host_ids")
                    .getAttribute("value").isEmpty());
            type("id", DB);
            type("spec.database_users[0].password", "ui-secret-1");
            type("spec.port", "70000");
            type("spec.nodes[0].port", "70000");
            browser.findElement(By.id("create-submit")).click();

            // one 400 with a "path: reason" line per problem; each line under the field it names
            WebElement portError = waitFor(Duration.ofSeconds(20),
                    By.cssSelector("[data-error-for='spec.port']"), "spec.port: ");
            assertThat(portError.getText()).isEqualTo("spec.port: must be an integer between 0 and 65535");
            assertThat(browser.findElement(By.cssSelector("[data-error-for='spec.nodes[0].port']")).getText())
                    .isEqualTo("spec.nodes[0].port: must be an integer between 0 and 65535");
            assertThat(browser.findElement(By.cssSelector("[data-error-for='spec.database_name']")).getText()).isEmpty();
            assertThat(browser.findElement(By.id("form-errors")).getText()).startsWith("invalid_input (HTTP 400)");
            screenshot("create-form-errors");
            Http.Response none = Http.get(h1.url("/v1/databases/" + DB));
            assertThat(none.status()).as("a refused create stores nothing").isEqualTo(404);
        });
    }

    @Test
    @Order(3)
    void aDatabaseCreatedFromTheFormFailsAtAHeldPortAndARetryFromTheTaskPageFinishesIt(TestInfo test)
            throws Exception {
        onFailureScreenshot(test, () -> {
            int heldPort = freePortOutsideRange();
            try (ServerSocket foreign = new ServerSocket()) {
                foreign.setReuseAddress(false);
                foreign.bind(new InetSocketAddress("127.0.0.1", heldPort));

                browser.get(h1.url("/ui/#/databases/new"));
                // the same address as before changes only the fragment: reload for an empty form
                browser.navigate().refresh();
                new WebDriverWait(browser, Duration.ofSeconds(20)).until(d -> !input("spec.nodes[0].host_ids")
                        .getAttribute("value").isEmpty());
                assertThat(input("spec.port").getAttribute("value")).isEmpty();
                type("id", DB);
                type("spec.database_name", "app");
                type("spec.database_users[0].password", "ui-secret-1");
                type("spec.nodes[0].port", String.valueOf(heldPort));
                browser.findElement(By.id("create-submit")).click();

                // the page of the create's task: its step fails on the held port
                new WebDriverWait(browser, Duration.ofSeconds(20))
                        .until(ExpectedConditions.urlMatches("#/databases/" + DB + "/tasks/[0-9a-f-]{36}$"));
                waitFor(Duration.ofSeconds(120), By.id("task-status"), "failed");
                waitFor(Duration.ofSeconds(20), By.cssSelector(".djs-element.cp-failed[data-element-id='createPrimaries']"));
                waitFor(Duration.ofSeconds(20), By.cssSelector(".djs-element.cp-completed[data-element-id='planDatabase']"));
                assertThat(browser.findElement(By.id("incidents")).getText())
                        .contains("Create primary instance failed: port " + heldPort);
                assertThat(browser.findElement(By.id("retry")).isEnabled()).isTrue();
                assertThat(browser.findElement(By.id("cockpit-link")).getAttribute("href"))
                        .contains("/camunda/app/cockpit/default/#/process-instance/");
                waitFor(Duration.ofSeconds(10), By.id("log"), "task failed: Allocate ports failed: port " + heldPort);
                screenshot("task-failed-step");
                // everything, the BPMN viewer included, came from the server itself (the UI works offline)
                List<?> resources = (List<?>) ((JavascriptExecutor) browser).executeScript(
                        "return performance.getEntriesByType('resource').map(e => e.name)");
                assertThat(resources).anySatisfy(r -> assertThat(r.toString())
                        .endsWith("/ui/vendor/bpmn-js/bpmn-navigated-viewer.production.min.js"));
                assertThat(resources).allSatisfy(r -> assertThat(r.toString()).startsWith(h1.url("/")));
            }

            // the port is free again: retry from the page, the diagram runs to its end
            browser.findElement(By.id("retry")).click();
            waitFor(OPERATION, By.cssSelector("#process-state[data-process-state='completed']"));
            waitFor(Duration.ofSeconds(10), By.cssSelector(".djs-element.cp-completed[data-element-id='end']"));
            waitFor(Duration.ofSeconds(10), By.id("task-status"), "completed");
            assertThat(browser.findElements(By.cssSelector(".djs-element.cp-failed"))).isEmpty();
            assertThat(browser.findElements(By.cssSelector(".djs-element.cp-completed[data-element-id='createPrimaries']")))
                    .hasSize(1);
            waitFor(Duration.ofSeconds(10), By.id("log"), "Allocate ports retried by api at");
            screenshot("task-retried-completed");

            String taskId = browser.getCurrentUrl().replaceAll(".*/tasks/", "");
            JsonNode task = Http.get(h1.url("/v1/databases/" + DB + "/tasks/" + taskId)).json();
            assertThat(task.path("status").asText()).isEqualTo("completed");

            // the database page: available, its instance with role and connection info
            browser.findElement(By.linkText(DB)).click();
            waitFor(OPERATION, By.id("database-state"), "available");
            WebElement instance = waitFor(Duration.ofSeconds(60), By.cssSelector("tr[data-instance]"), "primary");
            assertThat(instance.getText()).contains("available").contains(":" + heldPort);
            assertThat(browser.findElement(By.id("database-tasks")).getText()).contains("create").contains("completed");
            screenshot("database-available");
            assertThat(Http.get(h1.url("/v1/databases/" + DB)).json().path("state").asText()).isEqualTo("available");
        });
    }

    @Test
    @Order(4)
    void theUpdateEditorsDryRunShowsThePlanAndARestartFromTheInstanceRowRuns(TestInfo test) throws Exception {
        onFailureScreenshot(test, () -> {
            browser.get(h1.url("/ui/#/databases/" + DB));
            waitFor(Duration.ofSeconds(20), By.id("database-state"), "available");
            browser.findElement(By.id("update")).click();
            WebElement editor = waitFor(Duration.ofSeconds(10), By.id("json-editor"));
            ObjectNode body = (ObjectNode) JSON.readTree(editor.getAttribute("value"));
            assertThat(body.path("spec").path("database_name").asText()).isEqualTo("app");
            ((ObjectNode) body.path("spec")).putObject("postgresql_conf").put("max_connections", "150");
            editor.clear();
            editor.sendKeys(body.toString());
            browser.findElement(By.id("update-dry-run")).click();
            WebElement plan = waitFor(Duration.ofSeconds(30), By.id("dry-run-plan"), "\"operation\": \"update\"");
            assertThat(plan.getText()).contains("postgresql_conf.max_connections");
            screenshot("update-dry-run");
            assertThat(Http.get(h1.url("/v1/databases/" + DB + "/tasks")).json().path("tasks")).hasSize(1);

            clickWhenStable(By.cssSelector("tr[data-instance] button.restart"));
            WebElement started = waitFor(Duration.ofSeconds(30), By.id("action-result"), "started task");
            assertThat(started.getText()).contains("restart_instance");
            String taskId = started.findElement(By.tagName("a")).getText();
            Poll.until(OPERATION, () -> Http.get(h1.url("/v1/databases/" + DB + "/tasks/" + taskId)).json()
                    .path("status").asText(), s -> s.matches("completed|failed|canceled"), "restart done");
            assertThat(Http.get(h1.url("/v1/databases/" + DB + "/tasks/" + taskId)).json().path("status").asText())
                    .isEqualTo("completed");
        });
    }

    @Test
    @Order(5)
    void deleteAsksFirstAndThenRemovesTheDatabase(TestInfo test) throws Exception {
        onFailureScreenshot(test, () -> {
            browser.get(h1.url("/ui/#/databases/" + DB));
            waitFor(OPERATION, By.id("database-state"), "available");
            browser.findElement(By.id("delete")).click();
            Alert confirm = new WebDriverWait(browser, Duration.ofSeconds(10)).until(ExpectedConditions.alertIsPresent());
            assertThat(confirm.getText()).contains("Delete database " + DB);
            confirm.accept();
            WebElement started = waitFor(Duration.ofSeconds(30), By.id("action-result"), "started task");
            assertThat(started.getText()).contains("delete");
            Poll.until(OPERATION, () -> Http.get(h1.url("/v1/databases/" + DB)).status(), s -> s == 404,
                    DB + " deleted");
            assertThat(Docker.run("service", "ls", "--filter", "label=" + Docker.DATABASE_LABEL + "=" + DB, "--format", "{{.Name}}"))
                    .isEmpty();
        });
    }

    // --- browser

    /** Clicks an element of a part of the page that re-renders itself every few seconds. */
    private static void clickWhenStable(By by) {
        new WebDriverWait(browser, Duration.ofSeconds(20)).ignoring(StaleElementReferenceException.class).until(d -> {
            d.findElement(by).click();
            return true;
        });
    }

    private static WebElement input(String path) {
        return browser.findElement(By.cssSelector("input[data-path='" + path + "']"));
    }

    private static void type(String path, String text) {
        WebElement in = input(path);
        in.clear();
        if (!text.isEmpty()) {
            in.sendKeys(text);
        }
    }

    private static WebElement waitFor(Duration timeout, By by) {
        return new WebDriverWait(browser, timeout).until(ExpectedConditions.presenceOfElementLocated(by));
    }

    /** Waits until the element exists and its text contains {@code text}. */
    private static WebElement waitFor(Duration timeout, By by, String text) {
        new WebDriverWait(browser, timeout).ignoring(StaleElementReferenceException.class).withMessage(() -> by + " to contain \"" + text + "\"; page: "
                + browser.findElement(By.tagName("body")).getText()).until(d -> {
                    List<WebElement> found = d.findElements(by);
                    return !found.isEmpty() && found.get(0).getText().contains(text);
                });
        return browser.findElement(by);
    }

    private static void screenshot(String name) throws IOException {
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        System.out.println("screenshot: " + SCREENSHOTS.resolve(name + ".png"));
    }

    interface Steps {
        void run() throws Exception;
    }

    /** A failing test leaves a screenshot of the page it failed on. */
    private static void onFailureScreenshot(TestInfo test, Steps steps) throws Exception {
        try {
            steps.run();
        } catch (Exception | AssertionError e) {
            try {
                screenshot("failed-" + test.getTestMethod().map(m -> m.getName()).orElse("test"));
            } catch (RuntimeException | IOException ignored) {
                // the browser itself may be what failed
            }
            throw e;
        }
    }

    private static int freePortOutsideRange() {
        return TestServer.freePortOutside(PORT_BASE, PORT_BASE + 99);
    }

}
