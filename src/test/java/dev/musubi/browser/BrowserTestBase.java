package dev.musubi.browser;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * What every browser test shares: the app's port, a {@link Browser} for each test, and the checks
 * after each test that no page opened a JavaScript dialog, broke the Content Security Policy or
 * threw an uncaught error. The pages' contexts are closed after every test, whatever happened; the
 * Chromium behind them serves the whole JVM.
 */
abstract class BrowserTestBase {

  @LocalServerPort int port;

  Browser browser;

  /** The host name pages open the app on. */
  String host() {
    return "127.0.0.1";
  }

  @BeforeEach
  void openBrowser() {
    browser = new Browser(port, host());
  }

  @AfterEach
  void checkPagesAndCloseBrowser() {
    try {
      assertThat(browser.dialogs).as("JavaScript dialogs").isEmpty();
      assertThat(browser.cspViolations).as("CSP violations").isEmpty();
      assertThat(browser.pageErrors).as("uncaught page errors").isEmpty();
    } finally {
      browser.close();
    }
  }
}
