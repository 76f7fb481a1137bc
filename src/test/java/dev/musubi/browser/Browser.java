package dev.musubi.browser;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Debian's Chromium driven by Playwright, headless. Every page it opens records JavaScript dialogs
 * (which the client must never open: an {@code alert} means injected script ran) and Content
 * Security Policy violations, so tests can assert that there were none.
 *
 * <p>One Playwright driver and one Chromium serve the whole test JVM: they start with the first
 * page and stop when the JVM exits. Each {@code Browser} is only a handle on them; every page it
 * opens has a browser context (profile) of its own, so cookies and storage never pass from one page
 * or test to another, and {@link #close()} closes just this handle's contexts.
 */
final class Browser implements AutoCloseable {

  static final Path SCREENSHOTS = Paths.get("docs", "screenshots");

  private final String baseUrl;
  private final List<BrowserContext> contexts = new ArrayList<>();
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
        Shared.newContext(
            new com.microsoft.playwright.Browser.NewContextOptions()
                .setBaseURL(baseUrl)
                .setLocale(locale)
                .setTimezoneId("Asia/Tokyo")
                .setViewportSize(width, height));
    synchronized (contexts) {
      contexts.add(context);
    }
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

  /** Closes the pages this handle opened (their contexts); the shared Chromium keeps running. */
  @Override
  public void close() {
    List<BrowserContext> open;
    synchronized (contexts) {
      open = new ArrayList<>(contexts);
      contexts.clear();
    }
    RuntimeException failure = null;
    for (BrowserContext context : open) {
      try {
        context.close();
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /**
   * The JVM's one Playwright driver and Chromium, started on first use and closed by a shutdown
   * hook. Playwright objects are not thread-safe, so everything that touches the shared browser
   * itself goes through this class's lock. A Chromium that has gone away (crashed or killed) is
   * replaced by a new one for the next page.
   */
  private static final class Shared {

    private static Playwright playwright;
    private static com.microsoft.playwright.Browser chromium;
    private static boolean hooked;

    static synchronized BrowserContext newContext(
        com.microsoft.playwright.Browser.NewContextOptions options) {
      if (chromium == null || !chromium.isConnected()) {
        start();
      }
      return chromium.newContext(options);
    }

    private static void start() {
      stop();
      playwright =
          Playwright.create(
              new Playwright.CreateOptions()
                  .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
      chromium =
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
      if (!hooked) {
        Runtime.getRuntime()
            .addShutdownHook(Thread.ofPlatform().name("close-chromium").unstarted(Shared::stop));
        hooked = true;
      }
    }

    private static synchronized void stop() {
      if (chromium != null) {
        try {
          chromium.close();
        } catch (RuntimeException alreadyGone) {
          // Chromium exited on its own; the driver below still has to go.
        }
        chromium = null;
      }
      if (playwright != null) {
        try {
          playwright.close();
        } catch (RuntimeException alreadyGone) {
          // The driver exited on its own.
        }
        playwright = null;
      }
    }
  }
}
