package dev.musubi.browser;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.microsoft.playwright.CDPSession;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Uploading folders (sub-folders recreated, a progress bar per file) and large files through the
 * resumable endpoints: across a network drop and across a page reload.
 */
@dev.musubi.testing.MusubiIntegrationTest
class DriveUploadsBrowserTests extends BrowserTestBase {

  static final String PASSWORD = "Momiji-Ichou-8642!";
  static final int LARGE = 24 * 1024 * 1024;

  @TempDir Path temp;

  private static Locator row(Page page, String name) {
    return page.getByTestId("drive-row").filter(new Locator.FilterOptions().setHasText(name));
  }

  private Page signedIn(String companyName, String loginId) {
    MusubiHttp.TestCompany company = MusubiHttp.newCompany(port, companyName);
    MusubiHttp admin = new MusubiHttp(port).signIn(company.adminLoginId(), company.adminPassword());
    admin.post(
        "/api/v1/admin/members",
        MusubiHttp.json("loginId", loginId, "password", PASSWORD, "displayName", loginId),
        201);
    Page page = browser.newPage(1280, 800);
    page.navigate("/#/drive");
    Browser.submitPassword(page, loginId + "@" + company.domain(), PASSWORD);
    assertThat(page.getByTestId("drive")).isVisible();
    assertThat(page.getByText("このフォルダは空です")).isVisible();
    return page;
  }

  /** The SHA-256 of a file's content, downloaded by the signed-in page itself. */
  private static String sha256InPage(Page page, String fileId) {
    return (String)
        page.evaluate(
            "async (id) => { const b = await (await fetch('/api/v1/drive/files/' + id + '/content'))"
                + ".arrayBuffer(); const d = await crypto.subtle.digest('SHA-256', b);"
                + " return [...new Uint8Array(d)].map((x) => x.toString(16).padStart(2, '0')).join(''); }",
            fileId);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> getJson(Page page, String path) {
    return (Map<String, Object>)
        page.evaluate(
            "async (p) => (await fetch(p, { headers: { Accept: 'application/json' } })).json()",
            path);
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> items(Page page, String folderId) {
    return (List<Map<String, Object>>)
        getJson(page, "/api/v1/drive/folders/" + folderId).get("items");
  }

  private static String rootFolder(Page page) {
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> drives =
        (List<Map<String, Object>>)
            page.evaluate(
                "async () => (await fetch('/api/v1/drive/drives', { headers: { Accept:"
                    + " 'application/json' } })).json()");
    return drives.stream()
        .filter(d -> "personal".equals(d.get("kind")))
        .findFirst()
        .orElseThrow()
        .get("rootFolderId")
        .toString();
  }

  private static String child(List<Map<String, Object>> items, String name) {
    return items.stream()
        .filter(i -> name.equals(i.get("name")))
        .findFirst()
        .orElseThrow(() -> new AssertionError(name + " not in " + items))
        .get("id")
        .toString();
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  /** Slows uploads from this page down so that a test can act while one is under way. */
  private static CDPSession throttleUploads(Page page, int bytesPerSecond) {
    CDPSession cdp = page.context().newCDPSession(page);
    cdp.send("Network.enable");
    conditions(cdp, false, bytesPerSecond);
    return cdp;
  }

  private static void conditions(CDPSession cdp, boolean offline, int uploadBytesPerSecond) {
    JsonObject conditions = new JsonObject();
    conditions.addProperty("offline", offline);
    conditions.addProperty("latency", 0);
    conditions.addProperty("downloadThroughput", -1);
    conditions.addProperty("uploadThroughput", uploadBytesPerSecond);
    cdp.send("Network.emulateNetworkConditions", conditions);
  }

  /**
   * Takes the page off the network and back. Chromium keeps network conditions per DevTools
   * session, so the session that throttles uploads goes offline too, not only Playwright's own.
   */
  private static void network(Page page, CDPSession throttle, boolean online) {
    page.context().setOffline(!online);
    conditions(throttle, !online, online ? -1 : 3 * 1024 * 1024);
  }

  private static void progressReaches(Page page, int percent) {
    Locator bar = page.getByTestId("drive-upload-item").locator("progress");
    assertThat(bar).isVisible();
    page.waitForCondition(
        () -> ((Number) bar.evaluate("p => p.value")).intValue() >= percent,
        new Page.WaitForConditionOptions().setTimeout(60_000));
  }

  /** Upload-Offset of every PATCH and a count of POSTs (creations) to the tus endpoint. */
  private record TusRequests(List<Long> patchOffsets, List<String> creations) {
    static TusRequests record(Page page) {
      TusRequests r = new TusRequests(new CopyOnWriteArrayList<>(), new CopyOnWriteArrayList<>());
      page.onRequest(
          request -> {
            if (!request.url().contains("/api/v1/drive/uploads")) {
              return;
            }
            if (request.method().equals("PATCH")) {
              r.patchOffsets.add(Long.parseLong(request.headers().get("upload-offset")));
            } else if (request.method().equals("POST")) {
              r.creations.add(request.url());
            }
          });
      return r;
    }
  }

  @Test
  void aChosenFolderIsRecreatedWithItsSubFoldersAndAgainMergesWithNameClashesShown()
      throws Exception {
    Page page = signedIn("フォルダ送信株式会社", "mori");
    Path top = Files.createDirectories(temp.resolve("報告書"));
    Path deeper = Files.createDirectories(top.resolve("資料").resolve("2026"));
    Files.writeString(top.resolve("概要.txt"), "概要です\n", StandardCharsets.UTF_8);
    Files.writeString(top.resolve("資料").resolve("表.csv"), "a,b\n1,2\n", StandardCharsets.UTF_8);
    byte[] data = new byte[300_000];
    new Random(3).nextBytes(data);
    Files.write(deeper.resolve("data.bin"), data);

    page.getByTestId("drive-folder-input").setInputFiles(top);
    assertThat(row(page, "報告書")).isVisible();
    assertThat(page.getByTestId("drive-upload-item")).hasCount(0);

    String root = rootFolder(page);
    String report = child(items(page, root), "報告書");
    List<Map<String, Object>> inReport = items(page, report);
    assertThat(inReport).extracting(i -> i.get("name")).containsExactlyInAnyOrder("概要.txt", "資料");
    String material = child(inReport, "資料");
    assertThat(items(page, material))
        .extracting(i -> i.get("name"))
        .containsExactlyInAnyOrder("表.csv", "2026");
    String year = child(items(page, material), "2026");
    String dataId = child(items(page, year), "data.bin");
    assertThat(sha256InPage(page, dataId)).isEqualTo(sha256(data));

    // The same folder again: its folders are reused, its files clash by name as single uploads
    // do, each with its own message; nothing is stored twice.
    page.getByTestId("drive-folder-input").setInputFiles(top);
    assertThat(page.locator(".drive-upload-error")).hasCount(3);
    assertThat(page.locator(".drive-upload-error").first()).containsText("同じ名前");
    assertThat(
            page.locator(".drive-upload-error")
                .filter(new Locator.FilterOptions().setHasText("報告書/資料/2026/data.bin")))
        .hasCount(1);
    assertThat(items(page, root)).hasSize(1);
    assertThat(items(page, report)).hasSize(2);
    assertThat(items(page, year)).hasSize(1);

    // The folder opens in the browser like any other.
    row(page, "報告書").getByRole(AriaRole.LINK).first().click();
    assertThat(row(page, "概要.txt")).isVisible();
    assertThat(row(page, "資料")).isVisible();
  }

  @Test
  void aDroppedFolderIsWalkedToItsLeavesAndRecreatedWithItsEmptyFolders() {
    Page page = signedIn("フォルダ投下株式会社", "hayashi");
    // Chromium gives folder entries only to a drag from the operating system, which a test cannot
    // make: the drop below carries entries shaped as the browser's (FileSystemDirectoryEntry with
    // a reader that answers in batches, FileSystemFileEntry with real File objects).
    page.evaluate(
        """
        () => {
          const file = (name, text) => ({ isFile: true, isDirectory: false, name,
            file: (ok) => ok(new File([text], name, { type: 'text/plain' })) });
          const dir = (name, children) => ({ isFile: false, isDirectory: true, name,
            createReader: () => {
              const batches = [children.slice(0, 1), children.slice(1), []];
              return { readEntries: (ok) => ok(batches.shift() || []) };
            } });
          const top = dir('議事録', [file('一月.txt', '一月の議事録'),
            dir('添付', [file('図.txt', '図'), file('表.txt', '表')]), dir('空', [])]);
          const loose = file('単独.txt', 'ひとつ');
          const dataTransfer = { files: [], items: [
            { kind: 'file', webkitGetAsEntry: () => top },
            { kind: 'file', webkitGetAsEntry: () => loose },
            { kind: 'string', webkitGetAsEntry: () => null }] };
          const drop = new Event('drop', { bubbles: true, cancelable: true });
          Object.defineProperty(drop, 'dataTransfer', { value: dataTransfer });
          document.querySelector('[data-testid=drive]').dispatchEvent(drop);
        }
        """);
    assertThat(row(page, "議事録")).isVisible();
    assertThat(row(page, "単独.txt")).isVisible();

    String root = rootFolder(page);
    assertThat(items(page, root))
        .extracting(i -> i.get("name"))
        .containsExactlyInAnyOrder("議事録", "単独.txt");
    String minutes = child(items(page, root), "議事録");
    List<Map<String, Object>> inMinutes = items(page, minutes);
    assertThat(inMinutes)
        .extracting(i -> i.get("name"))
        .containsExactlyInAnyOrder("一月.txt", "添付", "空");
    assertThat(items(page, child(inMinutes, "添付")))
        .extracting(i -> i.get("name"))
        .containsExactlyInAnyOrder("図.txt", "表.txt");
    assertThat(items(page, child(inMinutes, "空"))).isEmpty();
  }

  @Test
  void aLargeUploadPausesWhenTheNetworkDropsAndResumesFromTheServersOffset() throws Exception {
    Page page = signedIn("再開アップロード株式会社", "ishii");
    byte[] content = new byte[LARGE];
    new Random(42).nextBytes(content);
    Path file = Files.write(temp.resolve("記録映像.bin"), content);
    TusRequests requests = TusRequests.record(page);
    CDPSession throttle = throttleUploads(page, 3 * 1024 * 1024);

    page.getByTestId("drive-file-input").setInputFiles(file);
    progressReaches(page, 25);
    network(page, throttle, false);
    assertThat(page.getByTestId("drive-upload-paused")).isVisible();
    assertThat(page.evaluate("() => navigator.onLine")).isEqualTo(false);
    int sentBeforeDrop = requests.patchOffsets().size();
    network(page, throttle, true);

    assertThat(row(page, "記録映像.bin"))
        .isVisible(
            new com.microsoft.playwright.assertions.LocatorAssertions.IsVisibleOptions()
                .setTimeout(90_000));
    assertThat(page.getByTestId("drive-upload-item")).hasCount(0);

    // One upload was created; after the drop the client went on from where the server was, at
    // a non-zero offset, and never sent a byte range twice except the one the drop cut off.
    assertThat(requests.creations()).hasSize(1);
    List<Long> offsets = requests.patchOffsets();
    assertThat(offsets.size()).isGreaterThan(sentBeforeDrop);
    long resumedAt = offsets.get(sentBeforeDrop);
    assertThat(resumedAt).isPositive();
    assertThat(offsets.subList(sentBeforeDrop, offsets.size())).isSorted();

    // Stored once, whole: one file of the right size and hash, one version, the quota counts it
    // once, and nothing is left to resume.
    String root = rootFolder(page);
    List<Map<String, Object>> inRoot = items(page, root);
    assertThat(inRoot).hasSize(1);
    String id = child(inRoot, "記録映像.bin");
    assertThat(((Number) inRoot.get(0).get("size")).longValue()).isEqualTo(LARGE);
    assertThat(sha256InPage(page, id)).isEqualTo(sha256(content));
    assertThat(
            (List<?>)
                page.evaluate(
                    "async (id) => (await fetch('/api/v1/drive/files/' + id + '/versions', { headers: { Accept: 'application/json' } })).json()",
                    id))
        .hasSize(1);
    assertThat(((Number) getJson(page, "/api/v1/drive/quota").get("used")).longValue())
        .isEqualTo(LARGE);
    assertThat(
            page.evaluate(
                "() => Object.keys(localStorage).filter((k) => k.startsWith('musubi.drive.upload:')).length"))
        .isEqualTo(0);
  }

  @Test
  void aLargeUploadCutByAReloadResumesWhenTheSameFileIsPickedAgain() throws Exception {
    Page page = signedIn("再読み込み株式会社", "ueda");
    byte[] content = new byte[LARGE];
    new Random(99).nextBytes(content);
    Path file = Files.write(temp.resolve("設計図.bin"), content);
    TusRequests requests = TusRequests.record(page);
    throttleUploads(page, 3 * 1024 * 1024);

    page.getByTestId("drive-file-input").setInputFiles(file);
    progressReaches(page, 30);
    page.reload();
    assertThat(page.getByTestId("drive")).isVisible();
    int beforeReload = requests.patchOffsets().size();
    assertThat(page.getByTestId("drive-upload-item")).hasCount(0);

    page.getByTestId("drive-file-input").setInputFiles(file);
    assertThat(row(page, "設計図.bin"))
        .isVisible(
            new com.microsoft.playwright.assertions.LocatorAssertions.IsVisibleOptions()
                .setTimeout(90_000));
    assertThat(requests.creations()).hasSize(1);
    assertThat(requests.patchOffsets().get(beforeReload)).isPositive();

    String root = rootFolder(page);
    List<Map<String, Object>> inRoot = items(page, root);
    assertThat(inRoot).hasSize(1);
    assertThat(sha256InPage(page, child(inRoot, "設計図.bin"))).isEqualTo(sha256(content));
    assertThat(((Number) getJson(page, "/api/v1/drive/quota").get("used")).longValue())
        .isEqualTo(LARGE);
  }
}
