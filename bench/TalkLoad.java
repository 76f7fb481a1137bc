import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Talk delivery latency against a running Musubi: creates CLIENTS members (as the company admin),
 * signs each in, puts them all in one group room, opens one WebSocket per member on
 * /api/v1/events, then SENDERS members send MESSAGES messages each (spaced to stay under the
 * per-member rate limit) and every socket times the message.created event. Latency = send start →
 * event received on another member's socket (same process clock). JDK only:
 *
 * <pre>
 * java bench/TalkLoad.java BASE_URL ADMIN_LOGIN ADMIN_PASSWORD DOMAIN CLIENTS SENDERS MESSAGES [LABEL]
 * </pre>
 */
public class TalkLoad {

  static final String PASSWORD = "Talk-Bench-Member-Pass";
  static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([0-9a-f-]{36})\"");
  static final Pattern XSRF = Pattern.compile("XSRF-TOKEN=([^;]+)");
  static final Pattern MARK = Pattern.compile("bench-(\\d+)-(\\d+)");

  record Session(String id, HttpClient http, CookieManager cookies) {}

  public static void main(String[] args) throws Exception {
    if (args.length < 7) {
      System.err.println(
          "usage: java TalkLoad.java BASE_URL ADMIN_LOGIN ADMIN_PASSWORD DOMAIN CLIENTS SENDERS"
              + " MESSAGES [LABEL]");
      System.exit(2);
    }
    String base = args[0];
    int clients = Integer.parseInt(args[4]);
    int senders = Math.min(Integer.parseInt(args[5]), clients);
    int messages = Integer.parseInt(args[6]);
    String label = args.length > 7 ? args[7] : "";
    String domain = args[3];

    Session admin = signIn(base, args[1], args[2]);
    List<Session> members = new ArrayList<>();
    long t0 = System.nanoTime();
    for (int i = 1; i <= clients; i++) {
      String login = "talk%04d".formatted(i);
      String body =
          "{\"loginId\":\"%s\",\"password\":\"%s\",\"displayName\":\"ベンチ %s\"}"
              .formatted(login, PASSWORD, login);
      String created = post(admin, base, "/api/v1/admin/members", body, 201);
      Session s = signIn(base, login + "@" + domain, PASSWORD);
      members.add(new Session(match(ID, created), s.http(), s.cookies()));
    }
    System.err.printf("%s: %d members created and signed in in %d ms%n", label, clients,
        (System.nanoTime() - t0) / 1_000_000);
    StringBuilder ids = new StringBuilder();
    for (int i = 1; i < members.size(); i++) {
      ids.append(i > 1 ? "," : "").append('"').append(members.get(i).id()).append('"');
    }
    String room =
        match(ID, post(members.get(0), base, "/api/v1/rooms",
            "{\"type\":\"group\",\"name\":\"bench\",\"members\":[" + ids + "]}", 201));

    // One socket per member; record (message mark, receive time).
    ConcurrentLinkedQueue<long[]> received = new ConcurrentLinkedQueue<>();
    AtomicLong socketErrors = new AtomicLong();
    List<WebSocket> sockets = new ArrayList<>();
    String ws = base.replaceFirst("^http", "ws") + "/api/v1/events";
    for (Session s : members) {
      String cookie = cookieHeader(s, base);
      WebSocket socket =
          s.http()
              .newWebSocketBuilder()
              .header("Cookie", cookie)
              .header("Origin", base)
              .buildAsync(URI.create(ws), new Listener(received, socketErrors))
              .get(20, TimeUnit.SECONDS);
      sockets.add(socket);
    }
    Thread.sleep(1000);
    System.err.printf("%s: %d sockets open%n", label, sockets.size());

    long[] sendStart = new long[senders * messages];
    AtomicLong sendErrors = new AtomicLong();
    List<Long> sendLatencies = new java.util.concurrent.CopyOnWriteArrayList<>();
    long start = System.nanoTime();
    CountDownLatch done = new CountDownLatch(senders);
    try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int s = 0; s < senders; s++) {
        int sender = s;
        pool.submit(
            () -> {
              try {
                for (int m = 0; m < messages; m++) {
                  int k = sender * messages + m;
                  long begin = System.nanoTime();
                  sendStart[k] = begin;
                  try {
                    post(members.get(sender), base, "/api/v1/rooms/" + room + "/messages",
                        "{\"text\":\"bench-%d-%d 会議室の予約\",\"idempotencyKey\":\"k%d\"}"
                            .formatted(sender, m, k), 201);
                    sendLatencies.add(System.nanoTime() - begin);
                  } catch (Exception e) {
                    sendErrors.incrementAndGet();
                  }
                  Thread.sleep(600); // 20 messages per 10 s per member is the limit
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } finally {
                done.countDown();
              }
            });
      }
      done.await();
    }
    long expected = (long) senders * messages * (clients - 1);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (countOthers(received, senders) < expected && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    long elapsed = System.nanoTime() - start;
    List<Long> latencies = new ArrayList<>();
    for (long[] r : received) {
      int sender = (int) r[0];
      int m = (int) r[1];
      int receiver = (int) r[3];
      if (sender < senders && m < messages && receiver != sender) {
        latencies.add(r[2] - sendStart[sender * messages + m]);
      }
    }
    for (WebSocket s : sockets) {
      s.sendClose(WebSocket.NORMAL_CLOSURE, "done").exceptionally(e -> null);
    }
    report(label, clients, senders, messages, expected, latencies, sendLatencies, sendErrors.get(),
        socketErrors.get(), elapsed);
  }

  static long countOthers(ConcurrentLinkedQueue<long[]> received, int senders) {
    long n = 0;
    for (long[] r : received) {
      if (r[3] != r[0]) {
        n++;
      }
    }
    return n;
  }

  static void report(String label, int clients, int senders, int messages, long expected,
      List<Long> latencies, List<Long> sends, long sendErrors, long socketErrors, long elapsed) {
    long[] l = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
    long[] s = sends.stream().mapToLong(Long::longValue).sorted().toArray();
    System.out.printf(
        "%s: clients=%d senders=%d messages=%d deliveries=%d/%d sendErrors=%d socketErrors=%d"
            + " time=%.1fs%n",
        label, clients, senders, senders * messages, l.length, expected, sendErrors, socketErrors,
        elapsed / 1e9);
    System.out.printf("%s: send (POST, committed) p50=%.1fms p99=%.1fms max=%.1fms%n", label,
        pct(s, 50), pct(s, 99), pct(s, 100));
    System.out.printf("%s: send→deliver p50=%.1fms p99=%.1fms max=%.1fms%n", label, pct(l, 50),
        pct(l, 99), pct(l, 100));
  }

  static double pct(long[] sorted, int p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(i, sorted.length - 1))] / 1e6;
  }

  /** Collects message.created events: [sender, message, receivedAt, receiver]. */
  static final class Listener implements WebSocket.Listener {
    private static final AtomicLong NEXT = new AtomicLong();
    private final ConcurrentLinkedQueue<long[]> received;
    private final AtomicLong errors;
    private final long receiver = NEXT.getAndIncrement();
    private final StringBuilder buffer = new StringBuilder();

    Listener(ConcurrentLinkedQueue<long[]> received, AtomicLong errors) {
      this.received = received;
      this.errors = errors;
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
            received.add(new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), now,
                receiver});
          }
        }
      }
      ws.request(1);
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      errors.incrementAndGet();
    }
  }

  static Session signIn(String base, String login, String password) throws Exception {
    CookieManager cookies = new CookieManager();
    HttpClient http = HttpClient.newBuilder().cookieHandler(cookies)
        .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
    Session s = new Session("", http, cookies);
    send(s, base, "POST", "/api/v1/auth/login",
        "{\"loginId\":\"%s\",\"password\":\"%s\"}".formatted(login, password), 200, false);
    return s;
  }

  static String post(Session s, String base, String path, String body, int expected)
      throws Exception {
    return send(s, base, "POST", path, body, expected, true);
  }

  static String send(Session s, String base, String method, String path, String body,
      int expected, boolean csrf) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
        .header("Content-Type", "application/json").header("Origin", base)
        .timeout(Duration.ofSeconds(30))
        .method(method, HttpRequest.BodyPublishers.ofString(body));
    if (csrf) {
      s.http().send(HttpRequest.newBuilder(URI.create(base + "/api/v1/auth/csrf")).build(),
          HttpResponse.BodyHandlers.discarding());
      String token = s.cookies().getCookieStore().getCookies().stream()
          .filter(c -> c.getName().equals("XSRF-TOKEN")).map(c -> c.getValue()).findFirst()
          .orElse("");
      b.header("X-XSRF-TOKEN", token);
    }
    HttpResponse<String> r = s.http().send(b.build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != expected) {
      throw new IllegalStateException(method + " " + path + " → " + r.statusCode() + " " + r.body());
    }
    return r.body();
  }

  static String cookieHeader(Session s, String base) {
    return String.join("; ", s.cookies().getCookieStore().get(URI.create(base)).stream()
        .map(c -> c.getName() + "=" + c.getValue()).toList());
  }

  static String match(Pattern p, String text) {
    Matcher m = p.matcher(text);
    if (!m.find()) {
      throw new IllegalStateException("no match in " + text);
    }
    return m.group(1);
  }
}
