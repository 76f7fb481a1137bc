import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.CookieManager;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Webmail list and open latency on a large mailbox. JDK only, two phases:
 *
 * <pre>
 * java bench/WebmailLoad.java load HOST SMTP_PORT RECIPIENT COUNT CONNECTIONS [SECONDS [FIRST]]
 * java bench/WebmailLoad.java measure BASE_URL LOGIN PASSWORD EXPECTED REQUESTS
 * java bench/WebmailLoad.java settle BASE_URL LOGIN PASSWORD
 * </pre>
 *
 * The load phase delivers COUNT messages of about 10 KB over SMTP (or what it can in SECONDS) (Japanese and English subjects,
 * 200 senders, one in five a reply in a thread, dates spread over the last COUNT minutes). The
 * measure phase signs in, waits until the inbox holds EXPECTED messages, then times REQUESTS
 * requests of each kind one at a time (the folder list with its counts, message list pages,
 * opening, thread, search) and prints {@code FIG name p50 p99 max} in milliseconds. Settle waits
 * until none of the member's messages is still queued for the search index (a kept data dir is then
 * measured without the load's indexing backlog).
 */
public class WebmailLoad {

  private static final String[] SUBJECTS = {
    "見積書の件", "会議の議事録", "出張申請について", "Quarterly report", "請求書送付のご案内",
    "Project kickoff", "新製品の資料", "Invoice", "打ち合わせ日程の調整", "Weekly status"
  };

  public static void main(String[] args) throws Exception {
    if (args[0].equals("settle")) {
      settle(args[1], args[2], args[3]);
    } else if (args[0].equals("load")) {
      load(args[1], Integer.parseInt(args[2]), args[3], Integer.parseInt(args[4]),
          Integer.parseInt(args[5]), args.length > 6 ? Long.parseLong(args[6]) : 0,
          args.length > 7 ? Integer.parseInt(args[7]) : 0);
    } else {
      measure(args[1], args[2], args[3], Integer.parseInt(args[4]), Integer.parseInt(args[5]));
    }
  }

  // ---- load ----------------------------------------------------------------------------------

  // FIRST: the number of the first message (a later load adds to an earlier one: FIRST = what that
  // one sent, COUNT = the total wanted)
  static void load(String host, int port, String rcpt, int count, int connections, long seconds,
      int first) throws Exception {
    AtomicInteger next = new AtomicInteger(first);
    AtomicInteger refused = new AtomicInteger();
    AtomicInteger delivered = new AtomicInteger();
    long start = System.nanoTime();
    // 0: no time limit; otherwise the senders stop starting messages after SECONDS
    long end = seconds > 0 ? start + seconds * 1_000_000_000L : Long.MAX_VALUE;
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < connections; c++) {
      threads.add(Thread.ofPlatform().start(() -> {
        // the server closes a connection after its time limit (musubi.smtp.connection-timeout,
        // 30 min): open another and go on; a message cut off there counts as refused
        while (next.get() < count && System.nanoTime() < end) {
          try {
            send(host, port, rcpt, count, next, refused, delivered, end);
          } catch (IOException e) {
            System.err.println("sender: " + e + "; connecting again");
            refused.incrementAndGet();
          }
        }
      }));
    }
    for (Thread t : threads) {
      t.join();
    }
    double s = (System.nanoTime() - start) / 1e9;
    System.out.printf("LOADED %d %.1f %d%n", delivered.get(), s, refused.get());
  }

  static void send(String host, int port, String rcpt, int count, AtomicInteger next,
      AtomicInteger refused, AtomicInteger delivered, long end) throws IOException {
    try (Socket socket = new Socket(host, port)) {
      socket.setTcpNoDelay(true);
      var in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
          StandardCharsets.UTF_8));
      OutputStream out = socket.getOutputStream();
      reply(in);
      command(out, in, "EHLO load.bench.example");
      for (int i = next.getAndIncrement(); i < count && System.nanoTime() < end;
          i = next.getAndIncrement()) {
        String from = "sender" + (i % 200) + "@partner" + (i % 20) + ".example";
        if (!command(out, in, "MAIL FROM:<" + from + "> BODY=8BITMIME SMTPUTF8").startsWith("250")
            || !command(out, in, "RCPT TO:<" + rcpt + ">").startsWith("250")
            || !command(out, in, "DATA").startsWith("354")) {
          refused.incrementAndGet();
          command(out, in, "RSET");
          continue;
        }
        out.write(message(i, count, from, rcpt).getBytes(StandardCharsets.UTF_8));
        out.flush();
        if (reply(in).startsWith("250")) {
          delivered.incrementAndGet();
        } else {
          refused.incrementAndGet();
        }
      }
      command(out, in, "QUIT");
    }
  }

  static String message(int i, int count, String from, String rcpt) {
    Random r = new Random(i);
    int topic = r.nextInt(SUBJECTS.length);
    boolean reply = i % 5 == 4;
    String subject = (reply ? "Re: " : "") + SUBJECTS[topic] + " No." + (reply ? i / 5 : i);
    ZonedDateTime date = ZonedDateTime.now().minusMinutes(count - i);
    StringBuilder m = new StringBuilder();
    m.append("From: <").append(from).append(">\r\n");
    m.append("To: <").append(rcpt).append(">\r\n");
    m.append("Subject: ").append(subject).append("\r\n");
    m.append("Date: ").append(DateTimeFormatter.RFC_1123_DATE_TIME.format(date)).append("\r\n");
    m.append("Message-ID: <m").append(i).append("@load.bench.example>\r\n");
    if (reply) {
      m.append("In-Reply-To: <m").append(i - 1).append("@load.bench.example>\r\n");
      m.append("References: <m").append(i - 1).append("@load.bench.example>\r\n");
    }
    m.append("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n");
    m.append("Content-Transfer-Encoding: 8bit\r\n\r\n");
    while (m.length() < 10_000) {
      m.append("いつもお世話になっております。").append(SUBJECTS[r.nextInt(SUBJECTS.length)])
          .append(" についてご確認ください。 Please find the details below, line ")
          .append(r.nextInt(100_000)).append(".\r\n");
    }
    return m.append(".\r\n").toString();
  }

  static String command(OutputStream out, BufferedReader in, String line) throws IOException {
    out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
    return reply(in);
  }

  static String reply(BufferedReader in) throws IOException {
    String line;
    do {
      line = in.readLine();
      if (line == null) {
        throw new IOException("connection closed");
      }
    } while (line.length() > 3 && line.charAt(3) == '-');
    return line;
  }

  // ---- measure -------------------------------------------------------------------------------

  static final Pattern ID = Pattern.compile("\"id\":\"([0-9a-f-]{36})\"");

  static final Pattern PENDING = Pattern.compile("\"pending\":(\\d+)");

  static void settle(String base, String login, String password) throws Exception {
    HttpClient http = signIn(base, login, password);
    String inbox = inbox(http, base)[0];
    long started = System.nanoTime();
    long pending = Long.MAX_VALUE;
    while (pending > 0) {
      // each search also indexes up to 200 of the member's queued messages
      Matcher m = PENDING.matcher(get(http, base + "/api/v1/mail/folders/" + inbox
          + "/messages?q=%E8%A6%8B%E7%A9%8D%E6%9B%B8&size=1"));
      pending = m.find() ? Long.parseLong(m.group(1)) : 0;
      System.err.printf("settle: %d queued for indexing after %.0f s%n", pending,
          (System.nanoTime() - started) / 1e9);
      if (pending > 0) {
        Thread.sleep(5000);
      }
    }
  }

  static String[] inbox(HttpClient http, String base) throws Exception {
    String folders = get(http, base + "/api/v1/mail/folders");
    Matcher m = Pattern.compile(
        "\\{\"id\":\"([0-9a-f-]{36})\",\"name\":\"[^\"]*\",\"role\":\"inbox\",\"unread\":\\d+,"
            + "\"total\":(\\d+)").matcher(folders);
    if (!m.find()) {
      throw new IllegalStateException("no inbox in " + folders);
    }
    return new String[] {m.group(1), m.group(2)};
  }

  static HttpClient signIn(String base, String login, String password) throws Exception {
    HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager())
        .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
    HttpResponse<String> signIn = http.send(HttpRequest.newBuilder(
            URI.create(base + "/api/v1/auth/login"))
        .header("Content-Type", "application/json").header("Origin", base)
        .POST(HttpRequest.BodyPublishers.ofString(
            "{\"loginId\":\"%s\",\"password\":\"%s\"}".formatted(login, password)))
        .build(), HttpResponse.BodyHandlers.ofString());
    if (signIn.statusCode() != 200) {
      throw new IllegalStateException("sign-in: " + signIn.statusCode() + " " + signIn.body());
    }
    return http;
  }

  static void measure(String base, String login, String password, int expected, int requests)
      throws Exception {
    HttpClient http = signIn(base, login, password);
    String inbox = null;
    long total = 0;
    long waitUntil = System.nanoTime() + Duration.ofMinutes(30).toNanos();
    while (System.nanoTime() < waitUntil) {
      String[] found = inbox(http, base);
      inbox = found[0];
      total = Long.parseLong(found[1]);
      if (total >= expected) {
        break;
      }
      Thread.sleep(1000);
    }
    System.out.printf("INBOX %d%n", total);
    String list = base + "/api/v1/mail/folders/" + inbox + "/messages";
    int pages = (int) Math.max(1, total / 50);
    Random random = new Random(7);
    // Warm-up, and the IDs to open: from pages all over the mailbox.
    // The last message of each of those pages starts the next one in list-any-page-after.
    List<String> ids = new ArrayList<>();
    List<String> anchors = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      Matcher m = ID.matcher(get(http, list + "?page=" + random.nextInt(pages) + "&size=50"));
      String last = null;
      while (m.find()) {
        ids.add(m.group(1));
        last = m.group(1);
      }
      if (last != null) {
        anchors.add(last);
      }
    }
    time("folders-with-counts", requests, i -> get(http, base + "/api/v1/mail/folders"));
    time("list-newest-50", requests, i -> get(http, list + "?page=0&size=50"));
    time("list-page-2-to-10", requests,
        i -> get(http, list + "?page=" + (1 + random.nextInt(9)) + "&size=50"));
    time("list-any-page", requests,
        i -> get(http, list + "?page=" + random.nextInt(pages) + "&size=50"));
    // Keyset paging: pages in order from the newest, each after the last message of the page
    // before (as a client's "next" may ask), then pages all over the mailbox reached that way.
    List<String> lastOfPage = new ArrayList<>();
    time("list-next-page-after", requests, i -> {
      int p = i % pages;
      String body = get(http, list + "?size=50&page=" + p
          + (p == 0 ? "" : "&after=" + lastOfPage.get(p - 1)));
      if (lastOfPage.size() == p) {
        String last = null;
        for (Matcher m = ID.matcher(body); m.find(); ) {
          last = m.group(1);
        }
        lastOfPage.add(last);
      }
    });
    time("list-any-page-after", requests, i -> get(http,
        list + "?size=50&after=" + anchors.get(random.nextInt(anchors.size()))));
    time("list-by-sender", requests, i -> get(http, list + "?sort=from&page=0&size=50"));
    time("open", requests, i -> get(http,
        base + "/api/v1/mail/messages/" + ids.get(random.nextInt(ids.size()))));
    time("thread", requests, i -> get(http,
        base + "/api/v1/mail/messages/" + ids.get(random.nextInt(ids.size())) + "/thread"));
    time("search-見積書", requests, i -> get(http, list + "?q=%E8%A6%8B%E7%A9%8D%E6%9B%B8"));
  }

  interface Call {
    void run(int i) throws Exception;
  }

  static void time(String name, int requests, Call call) throws Exception {
    double[] ms = new double[requests];
    for (int i = 0; i < requests; i++) {
      long t = System.nanoTime();
      call.run(i);
      ms[i] = (System.nanoTime() - t) / 1e6;
    }
    Arrays.sort(ms);
    System.out.printf("FIG %s %.1f %.1f %.1f%n", name, ms[(int) Math.floor(0.5 * (requests - 1))],
        ms[(int) Math.ceil(0.99 * (requests - 1))], ms[requests - 1]);
  }

  static String get(HttpClient http, String url) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url))
        // the first search indexes the member's whole queued load first: minutes on a busy machine
        .timeout(Duration.ofMinutes(10)).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("GET " + url + " → " + r.statusCode() + " " + r.body());
    }
    return r.body();
  }
}
