import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Directory search and CardDAV sync benchmark client (JDK only), run by bench/contacts.sh against a
 * running Musubi and Radicale:
 *
 * <pre>
 * java bench/ContactsLoad.java BASE ADMIN_LOGIN ADMIN_PASSWORD DOMAIN RADICALE_BASE RADICALE_DIR
 *     MEMBERS SEARCHES CONTACTS SYNCS
 * </pre>
 *
 * <ol>
 *   <li>Imports MEMBERS members with Japanese names and readings (hiragana), emails and phone
 *       numbers through the admin CSV import ({@code POST /api/v1/admin/members/import}), then
 *       times SEARCHES {@code GET /api/v1/directory/members?q=} requests, a sixth each of: kanji
 *       surname prefix, hiragana reading, half-width katakana, romaji, email, phone digits.
 *   <li>PUTs the first 500 of CONTACTS generated vCards (3.0, Japanese, with readings, company,
 *       address, notes) into a Radicale address book and into Musubi's shared book (for the write
 *       rate), writes the rest into Radicale's file store as items, and imports all of them into
 *       the admin's personal book in Musubi ({@code POST /api/v1/contacts/import}).
 *   <li>Runs SYNCS first-time CardDAV syncs against each server, alternating, the way DAVx5 and
 *       vdirsyncer do: PROPFIND (Depth 0) of the book, REPORT sync-collection without a token
 *       (getetag), then addressbook-multiget of every card in batches of 100 (getetag and
 *       address-data).
 * </ol>
 *
 * Prints {@code RESULT server key value} lines.
 */
public class ContactsLoad {

  static final int PUTS = 500;
  static final int MULTIGET = 100;
  static final Pattern HREF = Pattern.compile("<(?:[A-Za-z0-9]+:)?href>([^<]+)</");
  static final Pattern PRINCIPAL = Pattern.compile("/dav/card/principals/([^/<]+)/");

  // Surname (kanji, reading, half-width katakana, romaji), given names (kanji, reading).
  static final String[][] FAMILY = {
    {"佐藤", "さとう", "ｻﾄｳ", "sato"},
    {"鈴木", "すずき", "ｽｽﾞｷ", "suzuki"},
    {"高橋", "たかはし", "ﾀｶﾊｼ", "takahashi"},
    {"田中", "たなか", "ﾀﾅｶ", "tanaka"},
    {"伊藤", "いとう", "ｲﾄｳ", "ito"},
    {"渡辺", "わたなべ", "ﾜﾀﾅﾍﾞ", "watanabe"},
    {"山本", "やまもと", "ﾔﾏﾓﾄ", "yamamoto"},
    {"中村", "なかむら", "ﾅｶﾑﾗ", "nakamura"},
    {"小林", "こばやし", "ｺﾊﾞﾔｼ", "kobayashi"},
    {"加藤", "かとう", "ｶﾄｳ", "kato"},
    {"吉田", "よしだ", "ﾖｼﾀﾞ", "yoshida"},
    {"山田", "やまだ", "ﾔﾏﾀﾞ", "yamada"},
    {"佐々木", "ささき", "ｻｻｷ", "sasaki"},
    {"山口", "やまぐち", "ﾔﾏｸﾞﾁ", "yamaguchi"},
    {"松本", "まつもと", "ﾏﾂﾓﾄ", "matsumoto"},
    {"井上", "いのうえ", "ｲﾉｳｴ", "inoue"},
    {"木村", "きむら", "ｷﾑﾗ", "kimura"},
    {"林", "はやし", "ﾊﾔｼ", "hayashi"},
    {"斎藤", "さいとう", "ｻｲﾄｳ", "saito"},
    {"清水", "しみず", "ｼﾐｽﾞ", "shimizu"},
    {"山崎", "やまざき", "ﾔﾏｻﾞｷ", "yamazaki"},
    {"森", "もり", "ﾓﾘ", "mori"},
    {"池田", "いけだ", "ｲｹﾀﾞ", "ikeda"},
    {"橋本", "はしもと", "ﾊｼﾓﾄ", "hashimoto"},
    {"阿部", "あべ", "ｱﾍﾞ", "abe"},
    {"石川", "いしかわ", "ｲｼｶﾜ", "ishikawa"},
    {"山下", "やました", "ﾔﾏｼﾀ", "yamashita"},
    {"中島", "なかじま", "ﾅｶｼﾞﾏ", "nakajima"},
    {"石井", "いしい", "ｲｼｲ", "ishii"},
    {"小川", "おがわ", "ｵｶﾞﾜ", "ogawa"},
    {"前田", "まえだ", "ﾏｴﾀﾞ", "maeda"},
    {"岡田", "おかだ", "ｵｶﾀﾞ", "okada"},
    {"長谷川", "はせがわ", "ﾊｾｶﾞﾜ", "hasegawa"},
    {"藤田", "ふじた", "ﾌｼﾞﾀ", "fujita"},
    {"後藤", "ごとう", "ｺﾞﾄｳ", "goto"},
    {"近藤", "こんどう", "ｺﾝﾄﾞｳ", "kondo"},
    {"村上", "むらかみ", "ﾑﾗｶﾐ", "murakami"},
    {"遠藤", "えんどう", "ｴﾝﾄﾞｳ", "endo"},
    {"青木", "あおき", "ｱｵｷ", "aoki"},
    {"坂本", "さかもと", "ｻｶﾓﾄ", "sakamoto"},
  };
  static final String[][] GIVEN = {
    {"翔太", "しょうた"}, {"大輔", "だいすけ"}, {"健太", "けんた"}, {"拓也", "たくや"},
    {"直樹", "なおき"}, {"誠", "まこと"}, {"隆", "たかし"}, {"浩二", "こうじ"},
    {"和也", "かずや"}, {"亮", "りょう"}, {"悠斗", "ゆうと"}, {"陽介", "ようすけ"},
    {"花子", "はなこ"}, {"美咲", "みさき"}, {"陽子", "ようこ"}, {"愛", "あい"},
    {"由美", "ゆみ"}, {"恵子", "けいこ"}, {"麻衣", "まい"}, {"彩", "あや"},
    {"奈々", "なな"}, {"真由美", "まゆみ"}, {"智子", "ともこ"}, {"優子", "ゆうこ"},
    {"結衣", "ゆい"}, {"さくら", "さくら"}, {"千尋", "ちひろ"}, {"香織", "かおり"},
    {"裕子", "ゆうこ"}, {"明美", "あけみ"}, {"剛", "つよし"}, {"修", "おさむ"},
  };
  static final String[] COMPANIES = {
    "株式会社サンプル商事", "東都物産株式会社", "みなと電機株式会社", "合同会社さくらソフト",
    "北斗建設株式会社", "株式会社あおば食品", "ひかり銀行", "株式会社ミライ運輸"
  };
  static final String[] TITLES = {"", "主任", "係長", "課長", "部長", "マネージャー", "担当"};

  record Server(String name, String book, String auth) {}

  public static void main(String[] args) throws Exception {
    if (args.length < 10) {
      System.err.println(
          "usage: java ContactsLoad.java BASE ADMIN_LOGIN ADMIN_PASSWORD DOMAIN RADICALE_BASE"
              + " RADICALE_DIR MEMBERS SEARCHES CONTACTS SYNCS");
      System.exit(2);
    }
    String base = args[0];
    String admin = args[1] + "@" + args[3];
    String adminPassword = args[2];
    String domain = args[3];
    String radicaleBase = args[4];
    String radicaleDir = args[5];
    int members = Integer.parseInt(args[6]);
    int searches = Integer.parseInt(args[7]);
    int contacts = Integer.parseInt(args[8]);
    int syncs = Integer.parseInt(args[9]);

    Session owner = signIn(base, admin, adminPassword);
    directory(base, owner, domain, members, searches);

    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    List<String> cards = new ArrayList<>();
    for (int i = 0; i < contacts; i++) {
      cards.add(vcard(i));
    }

    // Radicale: an address book, the first PUTS cards by PUT, the rest as files in its store.
    String radicaleAuth = basic("bench", "bench");
    Server radicale = new Server("radicale", radicaleBase + "/bench/book/", radicaleAuth);
    dav(http, radicale, "PROPFIND", radicaleBase + "/bench/", "", "0", 207);
    dav(
        http,
        radicale,
        "MKCOL",
        radicale.book(),
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><d:mkcol xmlns:d=\"DAV:\""
            + " xmlns:c=\"urn:ietf:params:xml:ns:carddav\"><d:set><d:prop><d:resourcetype>"
            + "<d:collection/><c:addressbook/></d:resourcetype></d:prop></d:set></d:mkcol>",
        null,
        201);
    int puts = Math.min(PUTS, contacts);
    result("radicale", "put-" + puts + "-ms", put(http, radicale, cards, puts));
    Path folder = Path.of(radicaleDir, "collections", "collection-root", "bench", "book");
    for (int i = puts; i < contacts; i++) {
      Files.writeString(folder.resolve(uid(i) + ".vcf"), cards.get(i));
    }

    // Musubi: the PUT rate on the shared book, then all cards as one import into the personal one.
    String musubiAuth = basic(admin, adminPassword);
    Server probe = new Server("musubi", base + "/dav/card/", musubiAuth);
    String login =
        match(
            PRINCIPAL,
            dav(
                http,
                probe,
                "PROPFIND",
                base + "/dav/card/",
                "<?xml version=\"1.0\" encoding=\"utf-8\"?><d:propfind xmlns:d=\"DAV:\"><d:prop>"
                    + "<d:current-user-principal/></d:prop></d:propfind>",
                "0",
                207));
    Server shared = new Server("musubi", base + "/dav/card/" + login + "/shared/", musubiAuth);
    result("musubi", "put-" + puts + "-ms", put(http, shared, cards, puts));
    long t0 = System.nanoTime();
    String report =
        send(
            owner,
            base,
            "POST",
            "/api/v1/contacts/import?book=personal&format=vcf&dryRun=false",
            String.join("", cards),
            "text/vcard",
            200);
    result("musubi", "import-ms", (System.nanoTime() - t0) / 1_000_000);
    if (!report.contains("\"committed\":true") && !report.contains("\"imported\":" + contacts)) {
      System.err.println("musubi import: " + truncate(report));
    }
    Server musubi = new Server("musubi", base + "/dav/card/" + login + "/personal/", musubiAuth);

    // First syncs, alternating; the first round also warms Radicale's item cache (timed apart).
    List<Server> servers = List.of(radicale, musubi);
    for (Server s : servers) {
      long b = System.nanoTime();
      int n = sync(http, s, new ArrayList<>());
      result(s.name(), "first-sync-ms", (System.nanoTime() - b) / 1_000_000);
      result(s.name(), "cards", n);
    }
    Map<String, List<Long>> requests = new LinkedHashMap<>();
    Map<String, List<Long>> totals = new LinkedHashMap<>();
    for (int round = 0; round < syncs; round++) {
      for (Server s : servers) {
        List<Long> times = requests.computeIfAbsent(s.name(), k -> new ArrayList<>());
        long b = System.nanoTime();
        sync(http, s, times);
        totals.computeIfAbsent(s.name(), k -> new ArrayList<>()).add(System.nanoTime() - b);
      }
    }
    for (Server s : servers) {
      long[] t = totals.get(s.name()).stream().mapToLong(Long::longValue).sorted().toArray();
      long[] r = requests.get(s.name()).stream().mapToLong(Long::longValue).sorted().toArray();
      result(s.name(), "sync-total-median-ms", pct(t, 50));
      result(s.name(), "sync-request-p50-ms", pct(r, 50));
      result(s.name(), "sync-request-p99-ms", pct(r, 99));
      result(s.name(), "sync-requests", r.length);
    }
  }

  // ---- directory -------------------------------------------------------------------------------

  static void directory(String base, Session admin, String domain, int members, int searches)
      throws Exception {
    StringBuilder csv =
        new StringBuilder(
            "loginId,displayName,familyName,givenName,familyNameReading,givenNameReading,email,"
                + "phone,department,position\n");
    for (int i = 0; i < members; i++) {
      String[] f = FAMILY[(i * 7 + i / 13) % FAMILY.length];
      String[] g = GIVEN[(i * 11 + i / 17) % GIVEN.length];
      String login = "m%05d".formatted(i);
      csv.append(login)
          .append(',')
          .append(f[0]).append(' ').append(g[0])
          .append(',').append(f[0]).append(',').append(g[0])
          .append(',').append(f[1]).append(',').append(g[1])
          .append(',').append(login).append('@').append(domain)
          .append(',').append(phone(i))
          .append(",,")
          .append(TITLES[i % TITLES.length])
          .append('\n');
    }
    long t0 = System.nanoTime();
    String report =
        send(
            admin,
            base,
            "POST",
            "/api/v1/admin/members/import?dryRun=false",
            csv.toString(),
            "text/csv",
            201);
    result("musubi", "members-import-ms", (System.nanoTime() - t0) / 1_000_000);
    if (!report.contains("\"committed\":true")) {
      throw new IllegalStateException("member import: " + truncate(report));
    }

    String[] kinds = {"kanji", "hiragana", "halfwidth-katakana", "romaji", "email", "phone"};
    Map<String, List<Long>> times = new LinkedHashMap<>();
    Map<String, Long> hits = new LinkedHashMap<>();
    Pattern total = Pattern.compile("\"total(?:Elements)?\"\\s*:\\s*(\\d+)");
    Random r = new Random(42);
    // Warm-up: the first search builds the company's in-memory index.
    t0 = System.nanoTime();
    send(admin, base, "GET", "/api/v1/directory/members?q=" + enc("佐藤"), null, null, 200);
    result("musubi", "search-first-ms", (System.nanoTime() - t0) / 1_000_000);
    for (int i = 0; i < 12; i++) {
      send(admin, base, "GET", "/api/v1/directory/members?q=" + enc(query(i % 6, r)), null, null,
          200);
    }
    for (int i = 0; i < searches; i++) {
      int k = i % kinds.length;
      String q = query(k, r);
      long b = System.nanoTime();
      String body =
          send(admin, base, "GET", "/api/v1/directory/members?q=" + enc(q), null, null, 200);
      times.computeIfAbsent(kinds[k], x -> new ArrayList<>()).add(System.nanoTime() - b);
      Matcher m = total.matcher(body);
      hits.merge(kinds[k], m.find() ? Long.parseLong(m.group(1)) : 0, Long::sum);
    }
    List<Long> all = new ArrayList<>();
    for (String k : kinds) {
      List<Long> t = times.getOrDefault(k, List.of());
      all.addAll(t);
      long[] sorted = t.stream().mapToLong(Long::longValue).sorted().toArray();
      result("musubi", "search-" + k + "-p50-ms", pct(sorted, 50));
      result("musubi", "search-" + k + "-p99-ms", pct(sorted, 99));
      result("musubi", "search-" + k + "-hits", t.isEmpty() ? 0 : (double) hits.get(k) / t.size());
    }
    long[] sorted = all.stream().mapToLong(Long::longValue).sorted().toArray();
    result("musubi", "search-all-p50-ms", pct(sorted, 50));
    result("musubi", "search-all-p99-ms", pct(sorted, 99));
    result("musubi", "searches", sorted.length);
  }

  static String query(int kind, Random r) {
    String[] f = FAMILY[r.nextInt(FAMILY.length)];
    String[] g = GIVEN[r.nextInt(GIVEN.length)];
    return switch (kind) {
      case 0 -> f[0].substring(0, Math.min(2, f[0].length()));
      case 1 -> f[1] + " " + g[1].substring(0, 1);
      case 2 -> f[2];
      case 3 -> f[3];
      case 4 -> "m%05d@".formatted(r.nextInt(50_000)).substring(0, 5);
      default -> phone(r.nextInt(50_000)).substring(0, 9);
    };
  }

  static String phone(int i) {
    return "03-%04d-%04d".formatted(1000 + (i * 37) % 9000, i % 10_000);
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  // ---- contacts --------------------------------------------------------------------------------

  static String uid(int i) {
    return "contact-%05d".formatted(i);
  }

  static String vcard(int i) {
    Random r = new Random(i * 31L + 7);
    String[] f = FAMILY[r.nextInt(FAMILY.length)];
    String[] g = GIVEN[r.nextInt(GIVEN.length)];
    String company = COMPANIES[r.nextInt(COMPANIES.length)];
    StringBuilder b = new StringBuilder("BEGIN:VCARD\r\nVERSION:3.0\r\n");
    line(b, "UID:" + uid(i));
    line(b, "FN:" + f[0] + " " + g[0]);
    line(b, "N:" + f[0] + ";" + g[0] + ";;;");
    line(b, "X-PHONETIC-LAST-NAME:" + f[1]);
    line(b, "X-PHONETIC-FIRST-NAME:" + g[1]);
    line(b, "ORG:" + company + ";営業第" + (1 + r.nextInt(5)) + "部");
    String title = TITLES[r.nextInt(TITLES.length)];
    if (!title.isEmpty()) {
      line(b, "TITLE:" + title);
    }
    line(b, "EMAIL;TYPE=WORK:" + f[3] + "." + i + "@example.co.jp");
    line(b, "TEL;TYPE=WORK:" + phone(i));
    if (r.nextBoolean()) {
      line(b, "TEL;TYPE=CELL:090-%04d-%04d".formatted(r.nextInt(10_000), r.nextInt(10_000)));
    }
    line(b, "ADR;TYPE=WORK:;;丸の内" + (1 + r.nextInt(3)) + "-" + (1 + r.nextInt(9)) + "-"
        + (1 + r.nextInt(20)) + ";千代田区;東京都;100-0005;日本");
    line(b, "NOTE:" + (r.nextBoolean() ? "展示会で名刺交換。" : "") + "担当: " + f[0] + "。"
        + "年末の挨拶状を送付すること。");
    line(b, "CATEGORIES:" + (r.nextBoolean() ? "取引先" : "見込み客"));
    b.append("END:VCARD\r\n");
    return b.toString();
  }

  /** RFC 6350 §3.2 (and 2426 §2.6): lines folded at 75 octets, never inside a UTF-8 sequence. */
  static void line(StringBuilder b, String text) {
    int octets = 0;
    for (int k = 0; k < text.length(); ) {
      int cp = text.codePointAt(k);
      int n = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
      if (octets + n > 75) {
        b.append("\r\n ");
        octets = 1;
      }
      b.appendCodePoint(cp);
      octets += n;
      k += Character.charCount(cp);
    }
    b.append("\r\n");
  }

  static long put(HttpClient http, Server s, List<String> cards, int n) throws Exception {
    AtomicInteger failed = new AtomicInteger();
    long t0 = System.nanoTime();
    try (var pool = Executors.newFixedThreadPool(4)) {
      for (int i = 0; i < n; i++) {
        int k = i;
        pool.submit(
            () -> {
              try {
                HttpRequest r =
                    HttpRequest.newBuilder(URI.create(s.book() + uid(k) + ".vcf"))
                        .header("Authorization", s.auth())
                        .header("Content-Type", "text/vcard; charset=utf-8")
                        .header("If-None-Match", "*")
                        .PUT(HttpRequest.BodyPublishers.ofString(cards.get(k)))
                        .build();
                HttpResponse<String> res = sendRetrying(http, r);
                if (res.statusCode() != 201 && res.statusCode() != 204) {
                  if (failed.incrementAndGet() == 1) {
                    System.err.println(s.name() + " PUT → " + res.statusCode() + " " + res.body());
                  }
                }
              } catch (Exception e) {
                if (failed.incrementAndGet() == 1) {
                  System.err.println(s.name() + " PUT → " + e);
                }
              }
            });
      }
    }
    if (failed.get() > 0) {
      throw new IllegalStateException(failed.get() + " PUTs to " + s.name() + " failed");
    }
    return (System.nanoTime() - t0) / 1_000_000;
  }

  /** One first-time sync; adds each request's time to {@code times}; returns the cards fetched. */
  static int sync(HttpClient http, Server s, List<Long> times) throws Exception {
    long b = System.nanoTime();
    dav(
        http,
        s,
        "PROPFIND",
        s.book(),
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><d:propfind xmlns:d=\"DAV:\""
            + " xmlns:cs=\"http://calendarserver.org/ns/\"><d:prop><d:resourcetype/>"
            + "<d:displayname/><cs:getctag/><d:sync-token/></d:prop></d:propfind>",
        "0",
        207);
    times.add(System.nanoTime() - b);
    b = System.nanoTime();
    String listing =
        dav(
            http,
            s,
            "REPORT",
            s.book(),
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><d:sync-collection xmlns:d=\"DAV:\">"
                + "<d:sync-token/><d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop>"
                + "</d:sync-collection>",
            "1",
            207);
    times.add(System.nanoTime() - b);
    String path = URI.create(s.book()).getPath();
    List<String> hrefs = new ArrayList<>();
    Matcher m = HREF.matcher(listing);
    while (m.find()) {
      String h = m.group(1).strip();
      if (!h.equals(path) && h.endsWith(".vcf")) {
        hrefs.add(h);
      }
    }
    int cards = 0;
    for (int i = 0; i < hrefs.size(); i += MULTIGET) {
      StringBuilder q =
          new StringBuilder(
              "<?xml version=\"1.0\" encoding=\"utf-8\"?><c:addressbook-multiget xmlns:d=\"DAV:\""
                  + " xmlns:c=\"urn:ietf:params:xml:ns:carddav\"><d:prop><d:getetag/>"
                  + "<c:address-data/></d:prop>");
      for (String h : hrefs.subList(i, Math.min(hrefs.size(), i + MULTIGET))) {
        q.append("<d:href>").append(h).append("</d:href>");
      }
      q.append("</c:addressbook-multiget>");
      b = System.nanoTime();
      String body = dav(http, s, "REPORT", s.book(), q.toString(), "1", 207);
      times.add(System.nanoTime() - b);
      cards += body.split("BEGIN:VCARD", -1).length - 1;
    }
    return cards;
  }

  // ---- HTTP ------------------------------------------------------------------------------------

  record Session(HttpClient http, CookieManager cookies) {}

  static String dav(
      HttpClient http, Server s, String method, String url, String body, String depth, int expected)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url))
            .header("Authorization", s.auth())
            .timeout(Duration.ofSeconds(900))
            .method(method, HttpRequest.BodyPublishers.ofString(body));
    if (!body.isEmpty()) {
      b.header("Content-Type", "application/xml; charset=utf-8");
    }
    if (depth != null) {
      b.header("Depth", depth);
    }
    HttpResponse<String> r = sendRetrying(http, b.build());
    if (r.statusCode() != expected) {
      throw new IllegalStateException(
          s.name() + " " + method + " " + url + " → " + r.statusCode() + " " + truncate(r.body()));
    }
    return r.body();
  }

  /**
   * Radicale's server sometimes closes a kept-alive connection just as the client reuses it; the
   * request never reached it, so it is sent again (at most twice more).
   */
  static HttpResponse<String> sendRetrying(HttpClient http, HttpRequest r) throws Exception {
    for (int attempt = 1; ; attempt++) {
      try {
        return http.send(r, HttpResponse.BodyHandlers.ofString());
      } catch (java.io.IOException e) {
        if (attempt == 3 || !String.valueOf(e.getMessage()).contains("received no bytes")) {
          throw e;
        }
      }
    }
  }

  static String basic(String user, String password) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  static Session signIn(String base, String login, String password) throws Exception {
    CookieManager cookies = new CookieManager();
    HttpClient http =
        HttpClient.newBuilder()
            .cookieHandler(cookies)
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    Session s = new Session(http, cookies);
    send(
        s,
        base,
        "POST",
        "/api/v1/auth/login",
        "{\"loginId\":\"%s\",\"password\":\"%s\"}".formatted(login, password),
        "application/json",
        200);
    return s;
  }

  static String send(
      Session s, String base, String method, String path, String body, String type, int expected)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Origin", base)
            .timeout(Duration.ofSeconds(600))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (type != null) {
      b.header("Content-Type", type);
    }
    if (!method.equals("GET") && !path.equals("/api/v1/auth/login")) {
      s.http()
          .send(
              HttpRequest.newBuilder(URI.create(base + "/api/v1/auth/csrf")).build(),
              HttpResponse.BodyHandlers.discarding());
      String token =
          s.cookies().getCookieStore().getCookies().stream()
              .filter(c -> c.getName().equals("XSRF-TOKEN"))
              .map(c -> c.getValue())
              .findFirst()
              .orElse("");
      b.header("X-XSRF-TOKEN", token);
    }
    HttpResponse<String> r = s.http().send(b.build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != expected) {
      throw new IllegalStateException(
          method + " " + path + " → " + r.statusCode() + " " + truncate(r.body()));
    }
    return r.body();
  }

  static String truncate(String s) {
    return s.length() > 500 ? s.substring(0, 500) + "…" : s;
  }

  static String match(Pattern p, String text) {
    Matcher m = p.matcher(text);
    if (!m.find()) {
      throw new IllegalStateException("no match for " + p + " in " + truncate(text));
    }
    return m.group(1);
  }

  static void result(String server, String key, double value) {
    System.out.printf("RESULT %s %s %.1f%n", server, key, value);
    System.out.flush();
  }

  static double pct(long[] sorted, int p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(i, sorted.length - 1))] / 1e6;
  }
}
