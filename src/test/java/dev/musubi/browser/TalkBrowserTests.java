package dev.musubi.browser;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.musubi.testing.MusubiIntegrationTest;
import dev.musubi.testing.TestClock;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Talk in two browsers at once: live delivery, read counts, replies, reactions, unsend. */
@MusubiIntegrationTest
class TalkBrowserTests extends BrowserTestBase {

  static final String PASSWORD = "Asagao-Hirugao-1357!";
  static final String HOSTILE = "<img src=x onerror=alert(1)>";

  @Autowired TestClock clock;

  record Pair(MusubiHttp.TestCompany company, String a, String b) {}

  private Pair twoMembers(String companyName) {
    MusubiHttp.TestCompany company = MusubiHttp.newCompany(port, companyName);
    MusubiHttp admin = new MusubiHttp(port).signIn(company.adminLoginId(), company.adminPassword());
    admin.post(
        "/api/v1/admin/members",
        MusubiHttp.json(
            "loginId", "tanaka",
            "password", PASSWORD,
            "displayName", "田中 一郎",
            "familyName", "田中",
            "givenName", "一郎"),
        201);
    admin.post(
        "/api/v1/admin/members",
        MusubiHttp.json(
            "loginId", "sato",
            "password", PASSWORD,
            "displayName", "佐藤 花子",
            "familyName", "佐藤",
            "givenName", "花子"),
        201);
    return new Pair(company, "tanaka@" + company.domain(), "sato@" + company.domain());
  }

  private Page signedIn(String loginId, int width, int height) {
    Page page = browser.newPage(width, height);
    page.navigate("/#/talk");
    Browser.submitPassword(page, loginId, PASSWORD);
    assertThat(page.getByTestId("talk")).isVisible();
    return page;
  }

  private static void send(Page page, String text) {
    Locator composer = page.getByTestId("composer");
    composer.fill(text);
    composer.press("Enter");
    assertThat(composer).hasValue("");
  }

  private static Locator message(Page page, String text) {
    return page.locator(
        "[data-message]",
        new Page.LocatorOptions()
            .setHas(
                page.locator(".msg-text")
                    .getByText(text, new Locator.GetByTextOptions().setExact(true))));
  }

  private static void startDirectTalk(Page page, String name, String loginId) {
    page.getByTestId("new-talk").click();
    Locator dialog = page.getByTestId("new-talk-dialog");
    dialog.getByLabel("メンバーを選択").fill(name.substring(0, 2));
    dialog.locator("[data-pick='" + loginId + "']").check();
    page.getByTestId("start-talk").click();
    assertThat(page).hasURL(Pattern.compile("#/talk/[0-9a-f-]{36}$"));
    assertThat(page.getByTestId("talk-room").locator(".talk-room-title")).hasText(name);
  }

  @Test
  void twoMembersTalkLive() {
    Pair p = twoMembers("トーク株式会社");
    Page a = signedIn(p.a(), 1280, 800);
    Page b = signedIn(p.b(), 1280, 800);
    assertThat(b.getByText("トークはまだありません", new Page.GetByTextOptions().setExact(false))).isVisible();

    // A starts a direct talk with B and writes.
    startDirectTalk(a, "佐藤 花子", p.b());
    send(a, "明日の会議室は3階です");
    Locator first = message(a, "明日の会議室は3階です");
    assertThat(first).hasClass(Pattern.compile("msg-mine"));
    assertThat(first.getByTestId("read-state")).hasText("未読 1");

    // B sees the room arrive without reloading, with its unread badge and preview.
    Locator room = b.locator("[data-room]");
    assertThat(room).hasCount(1);
    assertThat(room).containsText("田中 一郎");
    assertThat(room).containsText("明日の会議室は3階です");
    assertThat(room.getByTestId("unread-badge")).hasText("1");

    // B opens it: the message is read, and A's count goes to 既読 at once.
    room.click();
    Locator seen = message(b, "明日の会議室は3階です");
    assertThat(seen).hasClass(Pattern.compile("msg-theirs"));
    assertThat(seen.locator(".msg-sender")).hasText("田中 一郎");
    assertThat(first.getByTestId("read-state")).hasText("既読");
    assertThat(room.getByTestId("unread-badge")).hasCount(0);

    // B types (A sees it), then replies quoting the message.
    b.getByTestId("composer").pressSequentially("了");
    assertThat(a.getByTestId("typing")).containsText("佐藤 花子 が入力中");
    seen.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("返信")).click();
    assertThat(b.getByTestId("replying")).containsText("田中 一郎");
    send(b, "了解です");
    Locator reply = message(a, "了解です");
    assertThat(reply).hasClass(Pattern.compile("msg-theirs"));
    assertThat(reply.locator(".msg-quote")).containsText("明日の会議室は3階です");
    assertThat(message(b, "了解です").getByTestId("read-state")).hasText("既読");

    // A reacts to the reply; B sees it.
    reply.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("リアクション")).click();
    reply.locator("[data-emoji='👍']").click();
    assertThat(reply.locator("[data-reaction='👍']")).containsText("1");
    assertThat(message(b, "了解です").locator("[data-reaction='👍']")).containsText("1");

    // A edits the first message; B sees the new text.
    first = a.locator("[data-message='" + first.getAttribute("data-message") + "']");
    first.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("編集")).click();
    first.getByLabel("編集").fill("明日の会議室は4階です");
    first.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("保存")).click();
    assertThat(message(b, "明日の会議室は4階です")).containsText("編集済み");

    // Markup is text: nothing is injected, no dialog opens.
    send(a, HOSTILE);
    assertThat(message(b, HOSTILE)).isVisible();
    assertThat(b.locator("img[src=x]")).hasCount(0);
    assertThat(a.locator("img[src=x]")).hasCount(0);

    // A unsends a message; B sees the marker instead of the text.
    send(a, "間違えました");
    assertThat(message(b, "間違えました")).isVisible();
    Locator wrong = message(a, "間違えました");
    wrong.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("送信取消")).click();
    a.getByRole(AriaRole.DIALOG)
        .getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("送信取消"))
        .click();
    assertThat(b.getByText("間違えました")).hasCount(0);
    assertThat(b.getByTestId("recalled")).hasCount(1);
    assertThat(b.getByTestId("recalled")).hasText("メッセージの送信を取り消しました");
    assertThat(a.getByTestId("recalled")).hasCount(1);

    send(b, "では明日よろしくお願いします");
    assertThat(message(a, "では明日よろしくお願いします")).isVisible();
    assertThat(a.locator("[data-room]")).containsText("では明日よろしくお願いします");
    assertThat(a.locator("[data-room]").getByTestId("unread-badge")).hasCount(0);
    a.getByTestId("composer").fill("承知しました");
    a.mouse().move(0, 0);
    browser.screenshot(a, "talk.png");

    // On a phone the list and the room are separate screens.
    Page phone = signedIn(p.b(), 390, 844);
    assertThat(phone.locator("[data-room]")).hasCount(1);
    assertThat(phone.getByTestId("talk-room")).hasCount(0);
    phone.locator("[data-room]").click();
    assertThat(phone.locator("[data-room]")).isHidden();
    assertThat(message(phone, "では明日よろしくお願いします")).isVisible();
    phone.mouse().move(0, 0);
    browser.screenshot(phone, "talk-phone.png");
    phone.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("戻る")).click();
    assertThat(phone.locator("[data-room]")).isVisible();
  }

  @Test
  void severalMembersMakeANamedGroupWithReadCounts() {
    Pair p = twoMembers("グループ株式会社");
    Page a = signedIn(p.a(), 1280, 800);
    a.getByTestId("new-talk").click();
    Locator dialog = a.getByTestId("new-talk-dialog");
    dialog.locator("[data-pick='" + p.b() + "']").check();
    dialog.locator("[data-pick='" + p.company().adminLoginId() + "']").check();
    // Two or more members make a group, which needs a name.
    assertThat(a.getByTestId("start-talk")).isDisabled();
    dialog.getByLabel("グループ名").fill("企画チーム");
    a.getByTestId("start-talk").click();
    assertThat(a.getByTestId("talk-room").locator(".talk-room-title")).hasText("企画チーム");
    send(a, "キックオフは金曜です");
    Locator mine = message(a, "キックオフは金曜です");
    assertThat(mine.getByTestId("read-state")).hasText("未読 2");

    Page b = signedIn(p.b(), 1280, 800);
    Locator room = b.locator("[data-room]");
    assertThat(room).containsText("企画チーム");
    assertThat(room.getByTestId("unread-badge")).hasText("1");
    room.click();
    assertThat(message(b, "キックオフは金曜です").locator(".msg-sender")).hasText("田中 一郎");
    assertThat(mine.getByTestId("read-state")).hasText("未読 1");

    a.getByTestId("lang").selectOption("en");
    assertThat(mine.getByTestId("read-state")).hasText("1 unread");
    assertThat(a.getByTestId("composer")).hasAttribute("placeholder", "Type a message");
  }

  /** A send whose answer is lost is retried with the same idempotency key: one message, not two. */
  @Test
  void aRetriedSendIsStoredOnce() {
    Pair p = twoMembers("再送株式会社");
    Page a = signedIn(p.a(), 1280, 800);
    startDirectTalk(a, "佐藤 花子", p.b());
    java.util.concurrent.atomic.AtomicInteger posts =
        new java.util.concurrent.atomic.AtomicInteger();
    java.util.List<String> bodies = new java.util.concurrent.CopyOnWriteArrayList<>();
    a.route(
        "**/api/v1/rooms/*/messages",
        route -> {
          if (!route.request().method().equals("POST")) {
            route.resume();
            return;
          }
          bodies.add(route.request().postData());
          if (posts.incrementAndGet() == 1) {
            route.fetch(); // the server stores it, but the answer never arrives
            route.abort();
          } else {
            route.resume();
          }
        });
    Locator composer = a.getByTestId("composer");
    composer.fill("一度だけ届くはずです");
    composer.press("Enter");
    assertThat(a.locator(".composer-error")).isVisible();
    assertThat(composer).hasValue("一度だけ届くはずです");
    composer.press("Enter");
    assertThat(composer).hasValue("");
    assertThat(a.locator(".composer-error")).hasCount(0);
    assertThat(message(a, "一度だけ届くはずです")).hasCount(1);
    assertThat(bodies).hasSize(2);
    String key0 = bodies.get(0).replaceAll(".*\"idempotencyKey\":\"([^\"]+)\".*", "$1");
    String key1 = bodies.get(1).replaceAll(".*\"idempotencyKey\":\"([^\"]+)\".*", "$1");
    assertThat(key0).matches("[0-9a-f-]{36}").isEqualTo(key1);

    Page b = signedIn(p.b(), 1280, 800);
    b.locator("[data-room]").click();
    assertThat(message(b, "一度だけ届くはずです")).hasCount(1);
  }

  /** A dropped socket reconnects with since and epoch, and the room keeps updating. */
  @Test
  void reconnectsAfterTheSocketDrops() {
    Pair p = twoMembers("再接続株式会社");
    MusubiHttp b = new MusubiHttp(port).signIn(p.b(), PASSWORD);
    String aId =
        idOf(new MusubiHttp(port).signIn(p.a(), PASSWORD).send("GET", "/api/v1/me", null, 200));
    String room =
        idOf(b.post("/api/v1/rooms", "{\"type\":\"direct\",\"members\":[\"" + aId + "\"]}", 201));
    java.util.List<String> urls = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.List<com.microsoft.playwright.WebSocketRoute> sockets =
        new java.util.concurrent.CopyOnWriteArrayList<>();
    Page a = browser.newPage();
    a.routeWebSocket(
        Pattern.compile(".*/api/v1/events.*"),
        ws -> {
          urls.add(ws.url());
          sockets.add(ws);
        });
    a.navigate("/#/talk/" + room);
    Browser.submitPassword(a, p.a(), PASSWORD);
    assertThat(a.getByTestId("talk-room")).isVisible();
    a.waitForCondition(() -> sockets.size() >= 1);
    // Forwarded by hand so that the test knows when the client has its hello (its place in the
    // stream): the message below may otherwise show up through the page's first HTTP load, before
    // the socket said anything, and the client would then reconnect without `since`.
    java.util.List<String> fromServer = new java.util.concurrent.CopyOnWriteArrayList<>();
    com.microsoft.playwright.WebSocketRoute first = sockets.get(0);
    first
        .connectToServer()
        .onMessage(
            frame -> {
              fromServer.add(frame.text());
              first.send(frame.text());
            });
    a.waitForCondition(() -> fromServer.stream().anyMatch(f -> f.contains("\"hello\"")));
    b.post(
        "/api/v1/rooms/" + room + "/messages",
        MusubiHttp.json("text", "接続中のメッセージ", "idempotencyKey", "k-1"),
        201);
    assertThat(message(a, "接続中のメッセージ")).isVisible();

    // The socket drops; a message is sent while the client is away; the new socket (connected
    // only then) replays it from the server's log.
    sockets
        .get(0)
        .close(
            new com.microsoft.playwright.WebSocketRoute.CloseOptions()
                .setCode(4000)
                .setReason("test"));
    a.waitForCondition(() -> urls.size() >= 2);
    assertThat(urls.get(1)).contains("since=").contains("epoch=");
    b.post(
        "/api/v1/rooms/" + room + "/messages",
        MusubiHttp.json("text", "切断中のメッセージ", "idempotencyKey", "k-2"),
        201);
    sockets.get(1).connectToServer();
    assertThat(message(a, "切断中のメッセージ")).isVisible();
    b.post(
        "/api/v1/rooms/" + room + "/messages",
        MusubiHttp.json("text", "再接続後のメッセージ", "idempotencyKey", "k-3"),
        201);
    assertThat(message(a, "再接続後のメッセージ")).isVisible();
    assertThat(a.locator("[data-message]")).hasCount(3);
  }

  /**
   * On {@code resync} the client reloads the list and the open room: what it missed appears. The
   * socket drops, a message is sent meanwhile, and the new socket (answered here, not by the
   * server) says only {@code resync}.
   */
  @Test
  void resyncReloadsWhatWasMissed() {
    Pair p = twoMembers("再同期株式会社");
    MusubiHttp b = new MusubiHttp(port).signIn(p.b(), PASSWORD);
    String aId =
        idOf(new MusubiHttp(port).signIn(p.a(), PASSWORD).send("GET", "/api/v1/me", null, 200));
    String room =
        idOf(b.post("/api/v1/rooms", "{\"type\":\"direct\",\"members\":[\"" + aId + "\"]}", 201));
    java.util.List<com.microsoft.playwright.WebSocketRoute> sockets =
        new java.util.concurrent.CopyOnWriteArrayList<>();
    Page a = browser.newPage();
    a.routeWebSocket(
        Pattern.compile(".*/api/v1/events.*"),
        ws -> {
          sockets.add(ws);
          if (sockets.size() == 1) {
            ws.connectToServer();
          }
        });
    a.navigate("/#/talk");
    Browser.submitPassword(a, p.a(), PASSWORD);
    assertThat(a.locator("[data-room]")).hasCount(1);
    a.locator("[data-room]").click();
    assertThat(a.getByTestId("talk-room")).isVisible();

    sockets
        .get(0)
        .close(
            new com.microsoft.playwright.WebSocketRoute.CloseOptions()
                .setCode(4000)
                .setReason("test"));
    a.waitForCondition(() -> sockets.size() >= 2);
    b.post(
        "/api/v1/rooms/" + room + "/messages",
        MusubiHttp.json("text", "取りこぼしたメッセージ", "idempotencyKey", "k-1"),
        201);
    assertThat(message(a, "取りこぼしたメッセージ")).hasCount(0);
    sockets.get(1).send("{\"type\":\"resync\"}");
    assertThat(message(a, "取りこぼしたメッセージ")).isVisible();
    assertThat(a.locator("[data-room]")).containsText("取りこぼしたメッセージ");
  }

  @Test
  void olderMessagesLoadWhenScrolledToTheTop() {
    Pair p = twoMembers("履歴株式会社");
    MusubiHttp a = new MusubiHttp(port).signIn(p.a(), PASSWORD);
    String me = a.send("GET", "/api/v1/me", null, 200);
    String bId =
        idOf(new MusubiHttp(port).signIn(p.b(), PASSWORD).send("GET", "/api/v1/me", null, 200));
    assertThat(me).isNotEmpty();
    String room =
        idOf(a.post("/api/v1/rooms", "{\"type\":\"direct\",\"members\":[\"" + bId + "\"]}", 201));
    for (int i = 1; i <= 70; i++) {
      if (i % 20 == 0) {
        clock.advance(Duration.ofSeconds(11)); // past the send rate limit, without waiting
      }
      a.post(
          "/api/v1/rooms/" + room + "/messages",
          MusubiHttp.json("text", "履歴 " + i, "idempotencyKey", "k-" + i),
          201);
    }
    Page b = signedIn(p.b(), 1280, 800);
    b.locator("[data-room]").click();
    assertThat(message(b, "履歴 70")).isVisible();
    assertThat(b.locator("[data-message]")).hasCount(50);
    b.getByTestId("messages").evaluate("el => el.scrollTop = 0");
    assertThat(b.locator("[data-message]")).hasCount(70);
    assertThat(message(b, "履歴 1")).isAttached();
    assertThat(b.getByText("トークの始まり")).isAttached();

    // A link to one message (as from a search hit) loads back to it and marks it.
    Page c = signedIn(p.b(), 1280, 800);
    c.navigate("/#/talk/" + room + "?seq=3");
    assertThat(message(c, "履歴 3")).hasClass(Pattern.compile("msg-focus"));
    assertThat(message(c, "履歴 3")).isInViewport();
  }

  @Test
  void searchFindsTheMessage() {
    Pair p = twoMembers("検索株式会社");
    Page a = signedIn(p.a(), 1280, 800);
    startDirectTalk(a, "佐藤 花子", p.b());
    send(a, "明日の会議室は3階です");
    a.getByTestId("talk-search").fill("会議室");
    Locator hit = a.getByTestId("talk-hits").locator("[data-hit]");
    assertThat(hit).hasCount(1);
    assertThat(hit.locator("mark")).hasText("会議室");
    hit.click();
    assertThat(message(a, "明日の会議室は3階です")).isVisible();
  }

  /**
   * The client inserts a search highlight as HTML only when it holds nothing but {@code <mark>}
   * tags; anything else from the server is shown as text. The search answer is stubbed here so that
   * this holds whatever the index returns.
   */
  @Test
  void searchHighlightsAreInsertedOnlyWhenTheyHoldNothingButMark() {
    Pair p = twoMembers("強調株式会社");
    Page a = signedIn(p.a(), 1280, 800);
    startDirectTalk(a, "佐藤 花子", p.b());
    send(a, "明日の会議室は3階です");
    String room = a.url().replaceAll(".*#/talk/", "");
    String sender =
        idOf(new MusubiHttp(port).signIn(p.a(), PASSWORD).send("GET", "/api/v1/me", null, 200));
    a.route(
        "**/api/v1/search/messages?**",
        route ->
            route.fulfill(
                new com.microsoft.playwright.Route.FulfillOptions()
                    .setStatus(200)
                    .setContentType("application/json")
                    .setBody(
                        "{\"hits\":["
                            + hit(
                                "00000000-0000-7000-8000-000000000001",
                                room,
                                sender,
                                "明日の<mark>会議室</mark>は3階です &lt;b&gt;")
                            + ","
                            + hit(
                                "00000000-0000-7000-8000-000000000002",
                                room,
                                sender,
                                "<img src=x onerror=alert(1)><mark>会議室</mark>")
                            + "]}")));
    a.getByTestId("talk-search").fill("会議室");
    Locator hits = a.getByTestId("talk-hits").locator("[data-hit]");
    assertThat(hits).hasCount(2);
    assertThat(hits.nth(0).locator("mark")).hasText("会議室");
    assertThat(hits.nth(0)).containsText("明日の会議室は3階です <b>");
    assertThat(hits.nth(1).locator("mark")).hasCount(0);
    assertThat(hits.nth(1)).containsText("<img src=x onerror=alert(1)><mark>会議室</mark>");
    assertThat(a.locator("img[src=x]")).hasCount(0);
    hits.nth(0).click();
    assertThat(message(a, "明日の会議室は3階です")).hasClass(Pattern.compile("msg-focus"));
  }

  /** Links: only http(s) becomes a link, with rel=noopener noreferrer; no script runs. */
  @Test
  void linksStickersPinsForwardAndArchive() {
    Pair p = twoMembers("リンク株式会社");
    Page a = signedIn(p.a(), 1280, 800);
    // A group to forward into, then a direct talk.
    a.getByTestId("new-talk").click();
    Locator dialog = a.getByTestId("new-talk-dialog");
    dialog.locator("[data-pick='" + p.b() + "']").check();
    dialog.locator("[data-pick='" + p.company().adminLoginId() + "']").check();
    dialog.getByLabel("グループ名").fill("企画チーム");
    a.getByTestId("start-talk").click();
    assertThat(a.getByTestId("talk-room").locator(".talk-room-title")).hasText("企画チーム");
    // Back to the list first, so that the next room's URL is a real change.
    a.navigate("/#/talk");
    assertThat(a.getByTestId("talk-room")).hasCount(0);
    startDirectTalk(a, "佐藤 花子", p.b());

    String text =
        "資料 https://example.jp/doc?a=1。 javascript:alert(1) <a href=\"javascript:alert(2)\">x</a>"
            + " [y](javascript:alert(3)) https://javascript:alert(4) data:text/html,<script>alert(5)</script>";
    send(a, text);
    Locator m = message(a, text);
    Locator links = m.locator("a");
    assertThat(links).hasCount(1);
    assertThat(links).hasAttribute("href", "https://example.jp/doc?a=1");
    assertThat(links).hasAttribute("rel", Pattern.compile("noopener.*noreferrer"));
    assertThat(links).hasAttribute("target", "_blank");
    assertThat(a.locator("a[href^='javascript'], a[href^='data']")).hasCount(0);
    assertThat(a.locator(".msg-text script")).hasCount(0);
    assertThat(m.locator(".msg-text")).containsText("<a href=\"javascript:alert(2)\">x</a>");

    // Read-by list: nobody has read it yet.
    m.getByTestId("read-state").click();
    assertThat(m.getByTestId("not-read-by")).hasText("佐藤 花子");
    assertThat(m.getByTestId("read-by")).hasText("なし");

    // A sticker from the built-in set, shown as an image that loaded.
    a.getByTestId("stickers").click();
    a.locator("[data-sticker-choice='thanks']").click();
    Locator sticker = a.getByTestId("messages").locator("img[data-sticker='thanks']");
    assertThat(sticker).isVisible();
    assertThat(sticker).hasJSProperty("naturalWidth", 128);
    assertThat(a.locator("[data-room]").first()).containsText("[スタンプ]");

    // Pin the link message.
    m.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("ピン留め")).click();
    assertThat(a.getByTestId("pins")).containsText("ピン留め 1件");

    // Forward it to the group.
    m.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("転送")).click();
    a.getByTestId("forward-dialog").getByText("企画チーム").click();
    assertThat(a.getByTestId("forward-dialog")).hasCount(0);
    a.locator("[data-room]", new Page.LocatorOptions().setHasText("企画チーム")).click();
    Locator forwarded = message(a, text);
    assertThat(forwarded.locator(".msg-forwarded")).hasText("転送されたメッセージ");
    assertThat(forwarded.locator("a")).hasCount(1);

    // Archive the group: it leaves the list, shows under archived, and comes back.
    a.getByTestId("archive-room").click();
    assertThat(a).hasURL(Pattern.compile("#/talk$"));
    assertThat(a.locator("[data-room]", new Page.LocatorOptions().setHasText("企画チーム"))).hasCount(0);
    a.getByTestId("archived-toggle").click();
    Locator archived = a.locator("[data-room]", new Page.LocatorOptions().setHasText("企画チーム"));
    assertThat(archived).hasCount(1);
    archived.click();
    a.getByTestId("archive-room").click();
    assertThat(a.getByTestId("archive-room")).hasText("アーカイブ");
    a.getByTestId("archived-toggle").click();
    assertThat(a.locator("[data-room]", new Page.LocatorOptions().setHasText("企画チーム"))).hasCount(1);
    browser.screenshot(a, "talk-extras.png");
  }

  /** A hidden tab shows a notification for a new message, as text, but not for a muted room. */
  @Test
  void aHiddenTabNotifiesOfNewMessagesUnlessMuted() {
    Pair p = twoMembers("通知株式会社");
    Page b = browser.newPage(1280, 800);
    b.addInitScript(
        "Object.defineProperty(document, 'visibilityState', { get: () => 'hidden' });"
            + "window.__notes = [];"
            + "window.Notification = class { constructor(title, options) {"
            + " window.__notes.push({ title, body: options.body }); }"
            + " static get permission() { return 'granted'; } close() {} };");
    b.navigate("/#/talk");
    Browser.submitPassword(b, p.b(), PASSWORD);
    assertThat(b.getByTestId("talk")).isVisible();
    Page a = signedIn(p.a(), 1280, 800);
    startDirectTalk(a, "佐藤 花子", p.b());
    send(a, HOSTILE);
    assertThat(b.locator("[data-room]")).hasCount(1);
    org.awaitility.Awaitility.await()
        .until(() -> ((Number) b.evaluate("() => window.__notes.length")).intValue() == 1);
    assertThat(b.evaluate("() => window.__notes[0].title")).isEqualTo("田中 一郎");
    assertThat(b.evaluate("() => window.__notes[0].body")).isEqualTo("田中 一郎: " + HOSTILE);

    // Muted: the badge still counts, no notification.
    String roomId = b.locator("[data-room]").getAttribute("data-room");
    new MusubiHttp(port)
        .signIn(p.b(), PASSWORD)
        .post("/api/v1/rooms/" + roomId + "/mute", "{}", 200);
    b.reload();
    assertThat(b.locator("[data-room]")).hasCount(1);
    send(a, "ミュート中の連絡");
    assertThat(b.locator("[data-room]")).containsText("ミュート中の連絡");
    assertThat(((Number) b.evaluate("() => window.__notes.length")).intValue()).isZero();
  }

  /** A super admin changes the talk settings in the Talk page; read-by lists then disappear. */
  @Test
  void aSuperAdminChangesTheTalkSettings() {
    Pair p = twoMembers("設定株式会社");
    MusubiHttp http =
        new MusubiHttp(port).signIn(p.company().adminLoginId(), p.company().adminPassword());
    String sales =
        idOf(http.post("/api/v1/admin/departments", MusubiHttp.json("name", "営業部"), 201));
    http.post(
        "/api/v1/admin/members",
        "{\"loginId\":\"kato\",\"password\":"
            + MusubiHttp.quote(PASSWORD)
            + ",\"displayName\":\"加藤 三郎\",\"departments\":[{\"departmentId\":\""
            + sales
            + "\",\"position\":\"\",\"primary\":true}]}",
        201);
    Page admin = browser.newPage(1280, 800);
    admin.navigate("/#/talk");
    Browser.submitPassword(admin, p.company().adminLoginId(), p.company().adminPassword());
    assertThat(admin.getByTestId("talk")).isVisible();
    admin.getByTestId("talk-settings-open").click();
    Locator form = admin.getByTestId("talk-settings");
    assertThat(form.getByLabel("送信取消できる期間")).hasValue("24");
    form.getByLabel("送信取消できる期間").selectOption("1");
    form.getByLabel("既読者の一覧を表示する").uncheck();
    admin.getByTestId("save-talk-settings").click();
    assertThat(admin.getByText("トーク設定を保存しました")).isVisible();
    admin.getByTestId("talk-settings-open").click();
    assertThat(admin.getByTestId("talk-settings").getByLabel("送信取消できる期間")).hasValue("1");
    admin.keyboard().press("Escape");

    // A department talk: its members come from the directory.
    admin.getByTestId("new-department-talk").click();
    Locator dep = admin.getByTestId("department-talk-dialog");
    dep.getByLabel("部署", new Locator.GetByLabelOptions().setExact(true)).selectOption(sales);
    admin.getByTestId("start-department-talk").click();
    assertThat(admin.getByTestId("talk-room").locator(".talk-room-title")).hasText("営業部");
    assertThat(admin.getByTestId("talk-room")).containsText("メンバー 2 人");

    // An incoming webhook: its secret URL posts into the room, shown live with its name.
    admin.getByTestId("webhooks-open").click();
    admin.getByTestId("webhooks-dialog").getByLabel("Webhookの名前").fill("CI");
    admin.getByTestId("create-webhook").click();
    String url = admin.getByTestId("webhook-url").textContent().strip();
    assertThat(url).startsWith("http://").contains("/hooks/talk/");
    admin.keyboard().press("Escape");
    try {
      var res =
          java.net.http.HttpClient.newHttpClient()
              .send(
                  java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
                      .header("Content-Type", "application/json")
                      .POST(
                          java.net.http.HttpRequest.BodyPublishers.ofString(
                              "{\"text\":\"ビルド成功 " + HOSTILE.replace("\"", "\\\"") + "\"}"))
                      .build(),
                  java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(res.statusCode()).as(res.body()).isEqualTo(201);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    Locator hooked = message(admin, "ビルド成功 " + HOSTILE);
    assertThat(hooked.locator(".msg-sender")).hasText("CI BOT");
    assertThat(admin.locator("img[src=x]")).hasCount(0);

    Page a = signedIn(p.a(), 1280, 800);
    assertThat(a.getByTestId("talk-settings-open")).hasCount(0);
    startDirectTalk(a, "佐藤 花子", p.b());
    send(a, "設定のあと");
    Locator state = message(a, "設定のあと").getByTestId("read-state");
    assertThat(state).hasText("未読 1");
    assertThat(state).hasJSProperty("tagName", "SPAN");
  }

  private static String hit(String id, String room, String sender, String highlight) {
    return "{\"messageId\":\""
        + id
        + "\",\"roomId\":\""
        + room
        + "\",\"seq\":1,\"senderId\":\""
        + sender
        + "\",\"createdAt\":\"2026-11-25T01:00:00Z\",\"highlight\":"
        + MusubiHttp.quote(highlight)
        + "}";
  }

  private static String idOf(String json) {
    java.util.regex.Matcher m = Pattern.compile("\"id\"\\s*:\\s*\"([0-9a-f-]{36})\"").matcher(json);
    assertThat(m.find()).as("id in %s", json).isTrue();
    return m.group(1);
  }
}
