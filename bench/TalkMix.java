import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Talk load test with Mattermost's method (unbounded: add members until a threshold breaks), JDK
 * only. Each simulated member signs in (REST, cookie session), opens one WebSocket on
 * /api/v1/events and loops over Mattermost's published action mix with think time: per message
 * sent 6.5 room switches (latest page + read pointer), 2 scrolls back (older page), 1 unread check
 * and 0.02 searches. Every request's latency and outcome is recorded; a step fails when the average
 * request latency is over 100 ms, p99 over 2 s or errors over 0.025 %. Delivery latency = start of
 * the POST → message.created on another member's socket (same clock).
 *
 * <pre>
 * java bench/TalkMix.java setup BASE ADMIN_LOGIN ADMIN_PASSWORD DOMAIN MEMBERS
 * java bench/TalkMix.java run BASE DOMAIN MEMBERS [LABEL]
 * java bench/TalkMix.java search BASE DOMAIN MEMBERS [LABEL]
 * </pre>
 *
 * Environment for run: STEP (members added per step, 50), STEP_SECONDS (measured seconds per
 * step, 60), WARMUP_SECONDS (after the step's members are in, 10), THINK_MS (mean think time
 * between actions, 5000; uniform 0.5–1.5×), MAX_USERS (4000), MAX_SECONDS (wall-clock limit of
 * the ramp, 1800), START (members in the first step, STEP), COARSE_STEP and FINE_FROM (steps of
 * COARSE_STEP members while fewer than FINE_FROM are in, then STEP). For search: SEARCHES (200).
 */
public class TalkMix {

  static final String PASSWORD = "Talk-Mix-Member-Pass-1";
  static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([0-9a-f-]{36})\"");
  static final Pattern ROOM = Pattern.compile("\\{\"id\":\"([0-9a-f-]{36})\",\"type\"");
  static final Pattern HIT = Pattern.compile("\"messageId\"");
  static final Pattern SEQ = Pattern.compile("\"seq\":(\\d+)");
  static final Pattern MARK = Pattern.compile("mix-(\\d+)-");

  static final String[] JA_QUERIES = {"見積書", "請求書", "定例会議", "契約書", "経費精算", "議事録",
      "予算案", "納品スケジュール", "採用面接", "品質検査", "出張", "展示会"};
  static final String[] EN_QUERIES = {"invoice", "quarterly report", "proposal", "budget",
      "contract", "migration", "onboarding", "security training", "survey", "inventory",
      "minutes", "shipping"};

  /**
   * WebSockets go through the JDK's client, each on a connection of its own as a browser opens
   * one (REST calls have their own keep-alive sockets, see Client).
   */
  static final HttpClient SOCKETS =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .executor(Executors.newVirtualThreadPerTaskExecutor())
          .build();

  static String base;

  /** host:port of base, for the Host header. */
  static String HOST;

  public static void main(String[] args) throws Exception {
    if (args.length < 4) {
      System.err.println("usage: see the class comment");
      System.exit(2);
    }
    base = args[1];
    HOST = URI.create(base).getAuthority();
    switch (args[0]) {
      case "setup" -> setup(args[2], args[3], args[4], Integer.parseInt(args[5]));
      case "run" -> run(args[2], Integer.parseInt(args[3]), args.length > 4 ? args[4] : "");
      case "search" -> search(args[2], Integer.parseInt(args[3]), args.length > 4 ? args[4] : "");
      default -> {
        System.err.println("unknown mode " + args[0]);
        System.exit(2);
      }
    }
    System.exit(0);
  }

  static int env(String name, int fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : Integer.parseInt(v.trim());
  }

  static String login(int i, String domain) {
    return "mix%05d@%s".formatted(i, domain);
  }

  // ---- setup: members through the admin API -------------------------------------------------

  static void setup(String adminLogin, String adminPassword, String domain, int members)
      throws Exception {
    Client admin = Client.signIn(adminLogin, adminPassword);
    long t0 = System.nanoTime();
    AtomicInteger next = new AtomicInteger(1);
    AtomicLong failed = new AtomicLong();
    try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
      for (int w = 0; w < 4; w++) {
        pool.submit(
            () -> {
              for (int i = next.getAndIncrement(); i <= members; i = next.getAndIncrement()) {
                String body =
                    "{\"loginId\":\"mix%05d\",\"password\":\"%s\",\"displayName\":\"%s\"}"
                        .formatted(i, PASSWORD, name(i));
                // A time-out on a loaded machine is retried; 409 then means the first try made it.
                for (int attempt = 1; ; attempt++) {
                  try {
                    Response r = admin.call("POST", "/api/v1/admin/members", body);
                    if (r.status() != 201 && !(attempt > 1 && r.status() == 409)) {
                      System.err.println("member " + i + ": " + r.status() + " " + r.body());
                      failed.incrementAndGet();
                    }
                    break;
                  } catch (Exception e) {
                    if (attempt == 3) {
                      System.err.println("member " + i + ": " + e);
                      failed.incrementAndGet();
                      break;
                    }
                  }
                }
              }
            });
      }
    }
    System.err.printf(
        "members: %d created through the admin API in %.1f s (%d failed)%n",
        members, (System.nanoTime() - t0) / 1e9, failed.get());
    if (failed.get() > 0) {
      System.exit(1);
    }
  }

  static String name(int i) {
    String[] family = {"田中", "鈴木", "佐藤", "高橋", "渡辺", "伊藤", "山本", "中村", "小林", "加藤",
        "Smith", "Garcia"};
    String[] given = {"太郎", "花子", "健", "美咲", "翔", "陽子", "大輔", "由美", "Alex", "Maria"};
    return family[i % family.length] + " " + given[(i / family.length) % given.length] + " " + i;
  }

  // ---- run: the ramp -------------------------------------------------------------------------

  /** The measurements of one step. */
  static final class Window {
    final ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<Long> deliveries = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<Long> searches = new ConcurrentLinkedQueue<>();
    final Map<String, ConcurrentLinkedQueue<Long>> byAction = new ConcurrentHashMap<>();
    final AtomicLong errors = new AtomicLong();
    final Map<String, AtomicLong> errorKinds = new ConcurrentHashMap<>();
  }

  static final AtomicReference<Window> WINDOW = new AtomicReference<>(new Window());
  static final AtomicLong SEND_IDS = new AtomicLong();
  static final Map<Long, long[]> SENT = new ConcurrentHashMap<>(); // id → {start, sender}
  static final AtomicBoolean STOP = new AtomicBoolean();

  static void record(String action, long nanos, boolean ok, String error) {
    Window w = WINDOW.get();
    if (nanos >= 0) {
      w.latencies.add(nanos);
      w.byAction.computeIfAbsent(action, k -> new ConcurrentLinkedQueue<>()).add(nanos);
    }
    if (!ok) {
      w.errors.incrementAndGet();
      w.errorKinds.computeIfAbsent(action + " " + error, k -> new AtomicLong()).incrementAndGet();
    }
  }

  static void run(String domain, int members, String label) throws Exception {
    int step = env("STEP", 50);
    int start = env("START", step);
    // Coarser steps below FINE_FROM members, STEP from there on (a ramp must climb from the
    // start: a first step of thousands of production-cost sign-ins at once does not hold).
    int fineFrom = env("FINE_FROM", 0);
    int coarse = env("COARSE_STEP", step);
    int stepSeconds = env("STEP_SECONDS", 60);
    int warmup = env("WARMUP_SECONDS", 10);
    int think = env("THINK_MS", 5000);
    int maxUsers = env("MAX_USERS", 4000);
    int maxSeconds = env("MAX_SECONDS", 1800);
    long t0 = System.nanoTime();
    List<Thread> users = new ArrayList<>();
    AtomicLong signInFailures = new AtomicLong();
    ConcurrentLinkedQueue<Long> signIns = new ConcurrentLinkedQueue<>();
    String held = null;
    String broke = null;
    System.out.printf(
        "%s: step=%d stepSeconds=%d warmup=%d thinkMs=%d members=%d maxUsers=%d maxSeconds=%d%n",
        label, step, stepSeconds, warmup, think, members, maxUsers, maxSeconds);
    System.out.println(
        label + ": users | requests req/s | avg p50 p99 ms | errors % | deliver p50 p99 ms"
            + " | send p50 | switch p50 | search n p50 | load1 | sign-in p50");
    while (true) {
      int next = users.size() < fineFrom ? coarse : step;
      int target = Math.min(maxUsers, users.isEmpty() ? start : users.size() + next);
      if (target == users.size()) {
        broke = "MAX_USERS reached (" + maxUsers + ")";
        break;
      }
      // Sign the new members in, spread over a few seconds so sign-in (Argon2id) does not arrive
      // as one burst.
      int adding = target - users.size();
      long failedBefore = signInFailures.get();
      AtomicInteger ready = new AtomicInteger();
      long gap = Math.max(5, Math.min(200, 10_000 / adding));
      for (int k = users.size(); k < target; k++) {
        int userIndex = k;
        String login = login(1 + (k % members), domain);
        users.add(
            Thread.ofVirtual()
                .start(
                    () -> {
                      try {
                        simulate(login, userIndex, think, ready, signIns);
                      } catch (Exception e) {
                        // Counted as an error of the step (Mattermost counts failed requests).
                        if (signInFailures.incrementAndGet() <= 5) {
                          System.out.println(
                              label + ":   member " + login + " not in: " + why(e));
                        }
                        ready.incrementAndGet();
                      }
                    }));
        Thread.sleep(gap);
      }
      long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (ready.get() < adding && System.nanoTime() < waitUntil) {
        Thread.sleep(100);
      }
      Thread.sleep(warmup * 1000L);
      WINDOW.set(new Window());
      long windowStart = System.nanoTime();
      Thread.sleep(stepSeconds * 1000L);
      Window w = WINDOW.getAndSet(new Window());
      double seconds = (System.nanoTime() - windowStart) / 1e9;
      long[] l = sorted(w.latencies);
      long[] d = sorted(w.deliveries);
      long[] s = sorted(w.searches);
      double avg = l.length == 0 ? Double.NaN : average(l) / 1e6;
      double p99 = pct(l, 99);
      // The step's sign-ins are requests too: their failures count as errors.
      long failedSignIns = signInFailures.get() - failedBefore;
      double errorPct =
          l.length == 0 ? 100 : 100.0 * (w.errors.get() + failedSignIns) / (l.length + adding);
      String line =
          "%d | %d %.1f | %.1f %.1f %.1f | %.3f | %.1f %.1f | %.1f | %.1f | %d %.1f | %s | %.0f"
              .formatted(
                  users.size(), l.length, l.length / seconds, avg, pct(l, 50), p99, errorPct,
                  pct(d, 50), pct(d, 99), pct(sorted(w.byAction.get("send")), 50),
                  pct(sorted(w.byAction.get("switch-page")), 50), s.length, pct(s, 50),
                  loadAverage(), pct(sorted(signIns), 50));
      System.out.println(label + ": " + line);
      if (!w.errorKinds.isEmpty()) {
        System.out.println(label + ":   errors " + w.errorKinds);
      }
      System.out.flush();
      List<String> reasons = new ArrayList<>();
      if (avg > 100) {
        reasons.add("average %.1f ms > 100 ms".formatted(avg));
      }
      if (p99 > 2000) {
        reasons.add("p99 %.1f ms > 2 s".formatted(p99));
      }
      if (errorPct > 0.025) {
        reasons.add("errors %.3f %% > 0.025 %%".formatted(errorPct));
      }
      if (!reasons.isEmpty()) {
        broke = "at " + users.size() + " members: " + String.join(", ", reasons);
        break;
      }
      held = line;
      if ((System.nanoTime() - t0) / 1e9 > maxSeconds) {
        broke = "wall-clock limit MAX_SECONDS=" + maxSeconds + " reached before a threshold broke";
        break;
      }
    }
    STOP.set(true);
    System.out.println(label + ": stopped: " + broke);
    System.out.println(label + ": HELD " + (held == null ? "none" : held));
    System.out.printf("%s: ramp took %.0f s%n", label, (System.nanoTime() - t0) / 1e9);
    for (Thread t : users) {
      t.join(15_000);
    }
  }

  static void simulate(
      String login, int userIndex, int think, AtomicInteger ready,
      ConcurrentLinkedQueue<Long> signIns)
      throws Exception {
    long t = System.nanoTime();
    Client c = Client.signIn(login, PASSWORD);
    signIns.add(System.nanoTime() - t);
    Response list = c.timed("rooms", "GET", "/api/v1/rooms", null);
    List<String> rooms = new ArrayList<>();
    Matcher m = ROOM.matcher(list.body());
    while (m.find()) {
      rooms.add(m.group(1));
    }
    if (rooms.isEmpty()) {
      throw new IllegalStateException(login + " has no rooms");
    }
    WebSocket socket =
        SOCKETS.newWebSocketBuilder()
            .header("Cookie", c.cookieHeader())
            .header("Origin", base)
            .buildAsync(
                URI.create(base.replaceFirst("^http", "ws") + "/api/v1/events"),
                new Listener(userIndex))
            .get(30, TimeUnit.SECONDS);
    ready.incrementAndGet();
    Random random = ThreadLocalRandom.current();
    String room = rooms.get(random.nextInt(rooms.size()));
    long oldest = 0;
    // Weights per message sent: switch 6.5, scroll 2, unread 1, search 0.02, send 1.
    double total = 6.5 + 2 + 1 + 0.02 + 1;
    Thread.sleep(random.nextInt(Math.max(1, think)));
    while (!STOP.get()) {
      double x = random.nextDouble() * total;
      if (x < 6.5) {
        room = rooms.get(random.nextInt(rooms.size()));
        Response page = c.timed("switch-page", "GET", "/api/v1/rooms/" + room + "/messages?limit=50",
            null);
        long[] range = seqRange(page.body());
        oldest = range[0];
        if (range[1] > 0) {
          c.timed("switch-read", "POST", "/api/v1/rooms/" + room + "/read",
              "{\"upTo\":" + range[1] + "}");
        }
      } else if (x < 8.5) {
        if (oldest > 1) {
          Response page = c.timed("scroll", "GET",
              "/api/v1/rooms/" + room + "/messages?before=" + oldest + "&limit=50", null);
          long[] range = seqRange(page.body());
          if (range[0] > 0) {
            oldest = range[0];
          }
        } else {
          c.timed("scroll", "GET", "/api/v1/rooms/" + room + "/messages?limit=50", null);
        }
      } else if (x < 9.5) {
        c.timed("unread", "GET", "/api/v1/rooms/unread", null);
      } else if (x < 9.52) {
        boolean ja = random.nextBoolean();
        String q = ja ? JA_QUERIES[random.nextInt(JA_QUERIES.length)]
            : EN_QUERIES[random.nextInt(EN_QUERIES.length)];
        long s = System.nanoTime();
        Response r = c.timed("search", "GET",
            "/api/v1/search/messages?q=" + URLEncoder.encode(q, StandardCharsets.UTF_8), null);
        if (r.status() == 200) {
          WINDOW.get().searches.add(System.nanoTime() - s);
        }
      } else {
        long id = SEND_IDS.incrementAndGet();
        boolean ja = id % 3 == 0;
        String text = ja ? "mix-" + id + "- " + TalkTexts.japanese(random)
            : "mix-" + id + "- " + TalkTexts.english(random);
        SENT.put(id, new long[] {System.nanoTime(), userIndex});
        c.timed("send", "POST", "/api/v1/rooms/" + room + "/messages",
            "{\"text\":\"" + text + "\",\"idempotencyKey\":\"mix-" + id + "\"}");
      }
      long pause = think / 2 + random.nextInt(Math.max(1, think));
      Thread.sleep(pause);
    }
    socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").exceptionally(e -> null);
  }

  static long[] seqRange(String body) {
    long min = 0;
    long max = 0;
    Matcher m = SEQ.matcher(body);
    while (m.find()) {
      long v = Long.parseLong(m.group(1));
      min = min == 0 ? v : Math.min(min, v);
      max = Math.max(max, v);
    }
    return new long[] {min, max};
  }

  /** Times message.created events of the bench's own messages on other members' sockets. */
  static final class Listener implements WebSocket.Listener {
    private final long user;
    private final StringBuilder buffer = new StringBuilder();

    Listener(long user) {
      this.user = user;
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      buffer.append(data);
      if (last) {
        long now = System.nanoTime();
        String text = buffer.toString();
        buffer.setLength(0);
        if (text.contains("\"message.created\"")) {
          Matcher m = MARK.matcher(text);
          if (m.find()) {
            long[] sent = SENT.get(Long.parseLong(m.group(1)));
            if (sent != null && sent[1] != user) {
              WINDOW.get().deliveries.add(now - sent[0]);
            }
          }
        }
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
      if (!STOP.get()) {
        record("socket", -1, false, "closed " + status);
      }
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      if (!STOP.get()) {
        record("socket", -1, false, error.getClass().getSimpleName());
      }
    }
  }

  // ---- search latency on the loaded dataset -------------------------------------------------

  static void search(String domain, int members, String label) throws Exception {
    int n = env("SEARCHES", 200);
    List<Client> clients = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      clients.add(Client.signIn(login(1 + (i * 97) % members, domain), PASSWORD));
    }
    List<Long> ja = new CopyOnWriteArrayList<>();
    List<Long> en = new CopyOnWriteArrayList<>();
    long hits = 0;
    long errors = 0;
    Random random = new Random(7);
    for (int i = 0; i < n; i++) {
      boolean japanese = i % 2 == 0;
      String q = japanese ? JA_QUERIES[random.nextInt(JA_QUERIES.length)]
          : EN_QUERIES[random.nextInt(EN_QUERIES.length)];
      Client c = clients.get(i % clients.size());
      long t = System.nanoTime();
      Response r = c.call("GET",
          "/api/v1/search/messages?q=" + URLEncoder.encode(q, StandardCharsets.UTF_8), null);
      long took = System.nanoTime() - t;
      if (r.status() != 200) {
        errors++;
        continue;
      }
      (japanese ? ja : en).add(took);
      Matcher m = HIT.matcher(r.body());
      while (m.find()) {
        hits++;
      }
    }
    long[] j = sorted(ja);
    long[] e = sorted(en);
    System.out.printf(
        "%s: search (one at a time, %d members' rooms) Japanese n=%d p50=%.1fms p99=%.1fms;"
            + " English n=%d p50=%.1fms p99=%.1fms; errors=%d; hits=%d; load1=%s%n",
        label, clients.size(), j.length, pct(j, 50), pct(j, 99), e.length, pct(e, 50),
        pct(e, 99), errors, hits, loadAverage());
  }

  // ---- HTTP with a cookie session --------------------------------------------------------------

  record Response(int status, String body) {}

  static final class Client {
    final Map<String, String> cookies = new ConcurrentHashMap<>();

    static Client signIn(String login, String password) throws Exception {
      Client c = new Client();
      Response r =
          c.call("POST", "/api/v1/auth/login",
              "{\"loginId\":\"%s\",\"password\":\"%s\"}".formatted(login, password));
      if (r.status() != 200) {
        throw new IllegalStateException("sign-in " + login + " → " + r.status() + " " + r.body());
      }
      Response csrf = c.call("GET", "/api/v1/auth/csrf", null);
      if (csrf.status() != 200 || !c.cookies.containsKey("XSRF-TOKEN")) {
        throw new IllegalStateException("no CSRF token: " + csrf.status());
      }
      return c;
    }

    String cookieHeader() {
      StringBuilder b = new StringBuilder();
      cookies.forEach((k, v) -> b.append(b.isEmpty() ? "" : "; ").append(k).append('=').append(v));
      return b.toString();
    }

    Response timed(String action, String method, String path, String body) {
      long t = System.nanoTime();
      try {
        Response r = call(method, path, body);
        boolean ok = r.status() >= 200 && r.status() < 300;
        record(action, System.nanoTime() - t, ok, String.valueOf(r.status()));
        return r;
      } catch (Exception e) {
        record(action, System.nanoTime() - t, false, e.getClass().getSimpleName());
        return new Response(0, "");
      }
    }

    /**
     * One keep-alive HTTP/1.1 connection per simulated member, as a browser tab keeps one: plain
     * socket I/O, since the load generator shares the two cores with the server and the database
     * (the JDK's HttpClient cost about 0.5 ms of CPU per request here, a quarter of the server's).
     */
    private java.net.Socket socket;

    private java.io.BufferedInputStream in;

    private java.io.OutputStream out;

    synchronized Response call(String method, String path, String body) throws Exception {
      byte[] payload = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
      StringBuilder h = new StringBuilder(256);
      h.append(method).append(' ').append(path).append(" HTTP/1.1\r\n")
          .append("Host: ").append(HOST).append("\r\n")
          .append("Origin: ").append(base).append("\r\n")
          .append("Accept: application/json\r\n");
      if (body != null) {
        h.append("Content-Type: application/json\r\n");
      }
      if (body != null || !method.equals("GET")) {
        h.append("Content-Length: ").append(payload.length).append("\r\n");
      }
      if (!cookies.isEmpty()) {
        h.append("Cookie: ").append(cookieHeader()).append("\r\n");
      }
      String xsrf = cookies.get("XSRF-TOKEN");
      if (xsrf != null && !method.equals("GET")) {
        h.append("X-XSRF-TOKEN: ").append(xsrf).append("\r\n");
      }
      h.append("\r\n");
      byte[] head = h.toString().getBytes(StandardCharsets.UTF_8);
      for (int attempt = 0; ; attempt++) {
        boolean reused = socket != null;
        if (socket == null) {
          java.net.URI u = java.net.URI.create(base);
          socket = new java.net.Socket();
          socket.connect(new java.net.InetSocketAddress(u.getHost(), u.getPort()), 10_000);
          socket.setTcpNoDelay(true);
          socket.setSoTimeout(60_000);
          in = new java.io.BufferedInputStream(socket.getInputStream(), 16384);
          out = socket.getOutputStream();
        }
        String status;
        try {
          byte[] all = new byte[head.length + payload.length];
          System.arraycopy(head, 0, all, 0, head.length);
          System.arraycopy(payload, 0, all, head.length, payload.length);
          out.write(all);
          out.flush();
          status = line(in);
        } catch (java.io.IOException e) {
          status = null;
        }
        if (status == null) {
          // The server closed a kept-alive connection before reading this request: open a new
          // one and send it again (once), as browsers do.
          close();
          if (reused && attempt == 0) {
            continue;
          }
          throw new java.io.EOFException("connection closed before the answer");
        }
        int code = Integer.parseInt(status.substring(9, 12));
        long length = -1;
        boolean chunked = false;
        boolean closeAfter = false;
        for (String l = line(in); l != null && !l.isEmpty(); l = line(in)) {
          int colon = l.indexOf(':');
          if (colon < 0) {
            continue;
          }
          String name = l.substring(0, colon).trim().toLowerCase(java.util.Locale.ROOT);
          String value = l.substring(colon + 1).trim();
          switch (name) {
            case "content-length" -> length = Long.parseLong(value);
            case "transfer-encoding" -> chunked = value.toLowerCase().contains("chunked");
            case "connection" -> closeAfter = value.equalsIgnoreCase("close");
            case "set-cookie" -> cookie(value);
            default -> { }
          }
        }
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        if (chunked) {
          for (String size = line(in); size != null; size = line(in)) {
            int n = Integer.parseInt(size.split(";", 2)[0].trim(), 16);
            if (n == 0) {
              for (String t = line(in); t != null && !t.isEmpty(); t = line(in)) { }
              break;
            }
            b.write(in.readNBytes(n));
            line(in);
          }
        } else if (length > 0) {
          b.write(in.readNBytes((int) length));
        }
        if (closeAfter) {
          close();
        }
        return new Response(code, b.toString(StandardCharsets.UTF_8));
      }
    }

    private void cookie(String set) {
      String pair = set.split(";", 2)[0];
      int eq = pair.indexOf('=');
      if (eq > 0) {
        String value = pair.substring(eq + 1);
        if (value.isEmpty()) {
          cookies.remove(pair.substring(0, eq));
        } else {
          cookies.put(pair.substring(0, eq), value);
        }
      }
    }

    private void close() {
      try {
        if (socket != null) {
          socket.close();
        }
      } catch (java.io.IOException ignored) {
        // closing anyway
      }
      socket = null;
    }

    /** A header line without its CRLF, or null at the end of the stream. */
    private static String line(java.io.InputStream in) throws java.io.IOException {
      StringBuilder l = new StringBuilder(64);
      int c;
      while ((c = in.read()) != -1) {
        if (c == '\n') {
          int n = l.length();
          return n > 0 && l.charAt(n - 1) == '\r' ? l.substring(0, n - 1) : l.toString();
        }
        l.append((char) c);
      }
      return l.isEmpty() ? null : l.toString();
    }
  }

  // ---- figures ---------------------------------------------------------------------------------

  static long[] sorted(java.util.Collection<Long> values) {
    if (values == null) {
      return new long[0];
    }
    return values.stream().mapToLong(Long::longValue).sorted().toArray();
  }

  static double average(long[] v) {
    double sum = 0;
    for (long x : v) {
      sum += x;
    }
    return sum / v.length;
  }

  static double pct(long[] sorted, int p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(i, sorted.length - 1))] / 1e6;
  }

  static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (Exception e) {
      return "?";
    }
  }

  /** Short business sentences for the messages the simulated members send. */
  static final class TalkTexts {
    static final String[] JA = {"見積書の確認をお願いします。", "明日の定例会議は十時からです。",
        "請求書を共有いたします。", "契約書の修正版を送りました。", "議事録をまとめました。",
        "経費精算の締め切りは月末です。", "出張の日程を調整させてください。", "納品スケジュールを更新しました。"};
    static final String[] EN = {"Could you review the invoice?", "The budget draft is updated.",
        "Meeting moved to three o'clock.", "I shared the proposal with the customer.",
        "Please approve the contract today.", "Minutes from the sync are in the drive."};

    static String japanese(Random r) {
      return JA[r.nextInt(JA.length)];
    }

    static String english(Random r) {
      return EN[r.nextInt(EN.length)];
    }
  }

  /** A failure as the log should show it: a refused WebSocket handshake with its status and body. */
  static String why(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && !(t instanceof java.net.http.WebSocketHandshakeException)) {
      t = t.getCause();
    }
    if (t instanceof java.net.http.WebSocketHandshakeException h) {
      var r = h.getResponse();
      return "WebSocket handshake refused: HTTP " + r.statusCode() + " " + r.headers().map()
          + " " + r.body();
    }
    return e.toString();
  }

}
