package dev.musubi.browser;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Debian's Chromium driven by Playwright, headless. Every page it opens records JavaScript dialogs
 * (which the client must never open: an {@code alert} means injected script ran) and Content
 * Security Policy violations, so tests can assert that there were none.
 */
final class Browser implements AutoCloseable {

  static final Path SCREENSHOTS = Paths.get("docs", "screenshots");

  private final Playwright playwright;
  private final com.microsoft.playwright.Browser chromium;
  private final String baseUrl;
  final List<String> dialogs = new CopyOnWriteArrayList<>();
  final List<String> cspViolations = new CopyOnWriteArrayList<>();
  final List<String> pageErrors = new CopyOnWriteArrayList<>();

  Browser(int port) {
    this(port, "127.0.0.1");
  }

  /**
   * A browser that opens the app on {@code host}: passkey tests need {@code localhost}, the relying
   * party ID (WebAuthn refuses an IP address).
   */
  Browser(int port, String host) {
    // The build machine is small and shared: be patient, but never sleep.
    com.microsoft.playwright.assertions.PlaywrightAssertions.setDefaultAssertionTimeout(15_000);
    this.baseUrl = "http://" + host + ":" + port;
    this.playwright =
        Playwright.create(
            new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
    this.chromium =
        playwright
            .chromium()
            .launch(
                new BrowserType.LaunchOptions()
                    .setExecutablePath(Paths.get("/usr/bin/chromium"))
                    .setHeadless(true)
                    .setArgs(
                        List.of(
                            "--no-sandbox",
                            "--disable-gpu",
                            "--disable-background-networking",
                            "--disable-component-update",
                            "--disable-sync",
                            "--no-first-run")));
  }

  String url(String path) {
    return baseUrl + path;
  }

  /** A fresh browser profile (own cookies), in Japanese, on a desktop-sized window. */
  Page newPage() {
    return newPage(1280, 800);
  }

  Page newPage(int width, int height) {
    return newPage(width, height, "ja-JP");
  }

  Page newPage(int width, int height, String locale) {
    BrowserContext context =
        chromium.newContext(
            new com.microsoft.playwright.Browser.NewContextOptions()
                .setBaseURL(baseUrl)
                .setLocale(locale)
                .setTimezoneId("Asia/Tokyo")
                .setViewportSize(width, height));
    context.setDefaultTimeout(20_000);
    Page page = context.newPage();
    page.onDialog(
        dialog -> {
          dialogs.add(dialog.type() + ": " + dialog.message());
          dialog.dismiss();
        });
    page.onConsoleMessage(
        message -> {
          if (message.text().contains("Content Security Policy")) {
            cspViolations.add(message.text());
          }
        });
    page.onPageError(pageErrors::add);
    return page;
  }

  /** Signs in through the sign-in form (password step only). */
  static void submitPassword(Page page, String loginId, String password) {
    page.getByLabel("ログインID").fill(loginId);
    page.getByLabel("パスワード", new Page.GetByLabelOptions().setExact(true)).fill(password);
    page.getByRole(
            com.microsoft.playwright.options.AriaRole.BUTTON,
            new Page.GetByRoleOptions().setName("ログイン").setExact(true))
        .click();
  }

  void screenshot(Page page, String name) {
    page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve(name)));
  }

  @Override
  public void close() {
    chromium.close();
    playwright.close();
  }
}
