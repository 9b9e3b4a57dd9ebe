package org.neox4j.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neox4j.generate.SamplingParams;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The playground in headless Chromium: type a prompt, press Generate, see the streamed text. Needs
 * Debian's chromium and chromium-driver (CI installs them); skipped elsewhere, failed in CI without them.
 */
class PlaygroundBrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    @Test
    void typeAPromptAndSeeTheStreamedText(@TempDir Path profile) throws Exception {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (System.getenv("CI") != null && !present) {
            throw new AssertionError("CI must run the browser test: install chromium and chromium-driver (.ci/run does)");
        }
        assumeTrue(present, "skipped: headless Chromium is not installed (apt-get install chromium chromium-driver)");
        try (TestServer t = TestServer.standard()) {
            ChromeOptions options = new ChromeOptions();
            options.setBinary(CHROMIUM.toFile());
            options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage", "--user-data-dir=" + profile.toAbsolutePath());
            ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER.toString()))
                    .usingAnyFreePort().withTimeout(Duration.ofSeconds(60)).build();
            WebDriver driver = new ChromeDriver(service, options);
            try {
                driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60)).scriptTimeout(Duration.ofSeconds(60));
                driver.get(t.server.url() + "/");
                WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(60));
                set(driver, "api_key", TestServer.KEY);
                set(driver, "temperature", "0");
                set(driver, "max_tokens", "12");
                driver.findElement(By.id("prompt")).sendKeys("The capital of France is");
                driver.findElement(By.id("generate")).click();
                wait.until(d -> "true".equals(d.findElement(By.id("stats")).getDomAttribute("data-done")));
                assertEquals("", driver.findElement(By.id("error")).getText(), "no error shown");
                String expected = t.lm.generate("The capital of France is", SamplingParams.greedy(12), null).text();
                Object shown = ((JavascriptExecutor) driver).executeScript("return document.getElementById('generated').textContent");
                assertEquals(expected, shown, "the page shows the greedy completion, exactly");
                if (System.getProperty("neox4j.screenshot") != null) {
                    Files.write(Path.of(System.getProperty("neox4j.screenshot")),
                            ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
                }
                String stats = driver.findElement(By.id("stats")).getText();
                assertTrue(stats.contains("tokens/s") && stats.contains("finish: length"), stats);
                List<WebElement> prompt = driver.findElements(By.cssSelector("#output .prompt"));
                assertEquals("The capital of France is", prompt.get(0).getText());
                assertTrue(t.server.metrics().scrape().length > 0);
            } finally {
                driver.quit();
            }
        }
    }

    private static void set(WebDriver driver, String id, String value) {
        WebElement e = driver.findElement(By.id(id));
        e.clear();
        e.sendKeys(value);
    }
}
