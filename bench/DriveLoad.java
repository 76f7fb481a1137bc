import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * WebDAV side of bench/drive.sh against a running Musubi, JDK only. {@code fill} makes a folder
 * and PUTs COUNT small files into it (CONCURRENCY at a time); {@code propfind} sends REQUESTS
 * {@code PROPFIND Depth: 1} to that folder one after the other (after 5 unmeasured ones) and prints
 * p50, p99 and the largest latency, and how many entries one answer lists.
 *
 * <pre>
 * java bench/DriveLoad.java fill     BASE_URL LOGIN_ID PASSWORD FOLDER COUNT [CONCURRENCY]
 * java bench/DriveLoad.java propfind BASE_URL LOGIN_ID PASSWORD FOLDER REQUESTS
 * </pre>
 *
 * Authentication is HTTP Basic with the password, as WebDAV clients do (the server remembers a
 * verified password for a few minutes, so the hashing cost is paid once).
 */
public class DriveLoad {

  public static void main(String[] args) throws Exception {
    if (args.length < 6) {
      System.err.println(
          "usage: java DriveLoad.java fill|propfind BASE_URL LOGIN_ID PASSWORD FOLDER COUNT"
              + " [CONCURRENCY]");
      System.exit(2);
    }
    String base = args[1];
    String login = args[2];
    String auth =
        "Basic "
            + Base64.getEncoder()
                .encodeToString((login + ":" + args[3]).getBytes(StandardCharsets.UTF_8));
    String folder =
        base
            + "/dav/files/"
            + URLEncoder.encode(login, StandardCharsets.UTF_8).replace("+", "%20")
            + "/"
            + URLEncoder.encode(args[4], StandardCharsets.UTF_8).replace("+", "%20")
            + "/";
    int count = Integer.parseInt(args[5]);
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    switch (args[0]) {
      case "fill" -> fill(http, auth, folder, count, args.length > 6 ? Integer.parseInt(args[6]) : 8);
      case "propfind" -> propfind(http, auth, folder, count);
      default -> throw new IllegalArgumentException(args[0]);
    }
  }

  static void fill(HttpClient http, String auth, String folder, int count, int concurrency)
      throws Exception {
    HttpResponse<String> made =
        http.send(
            HttpRequest.newBuilder(URI.create(folder))
                .method("MKCOL", HttpRequest.BodyPublishers.noBody())
                .header("Authorization", auth)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (made.statusCode() != 201) {
      throw new IllegalStateException("MKCOL " + made.statusCode() + " " + made.body());
    }
    long start = System.nanoTime();
    AtomicInteger failures = new AtomicInteger();
    Semaphore slots = new Semaphore(concurrency);
    try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 1; i <= count; i++) {
        String name = "file-%05d.txt".formatted(i);
        byte[] body = ("file " + i + "\n").getBytes(StandardCharsets.UTF_8);
        slots.acquire();
        executor.submit(
            () -> {
              try {
                int status =
                    http.send(
                            HttpRequest.newBuilder(URI.create(folder + name))
                                .PUT(HttpRequest.BodyPublishers.ofByteArray(body))
                                .header("Authorization", auth)
                                .header("Content-Type", "text/plain")
                                .build(),
                            HttpResponse.BodyHandlers.discarding())
                        .statusCode();
                if (status != 201 && status != 204) {
                  failures.incrementAndGet();
                }
              } catch (Exception e) {
                failures.incrementAndGet();
              } finally {
                slots.release();
              }
              return null;
            });
      }
    }
    if (failures.get() > 0) {
      throw new IllegalStateException(failures.get() + " PUTs failed");
    }
    System.err.printf(
        "filled %d files by WebDAV PUT in %.1f s (%d at a time)%n",
        count, (System.nanoTime() - start) / 1e9, concurrency);
  }

  static void propfind(HttpClient http, String auth, String folder, int requests) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(folder))
            .method(
                "PROPFIND",
                HttpRequest.BodyPublishers.ofString(
                    "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
                        + "<D:propfind xmlns:D=\"DAV:\"><D:allprop/></D:propfind>"))
            .header("Authorization", auth)
            .header("Depth", "1")
            .header("Content-Type", "application/xml; charset=utf-8")
            .timeout(Duration.ofSeconds(120))
            .build();
    long[] ms = new long[requests];
    int entries = 0;
    long bytes = 0;
    for (int i = -5; i < requests; i++) {
      long t0 = System.nanoTime();
      HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
      long t1 = System.nanoTime();
      if (r.statusCode() != 207) {
        throw new IllegalStateException("PROPFIND " + r.statusCode());
      }
      if (i >= 0) {
        ms[i] = t1 - t0;
      } else {
        entries = r.body().split("<(?:[A-Za-z]+:)?response[ >]", -1).length - 1;
        bytes = r.body().getBytes(StandardCharsets.UTF_8).length;
      }
    }
    Arrays.sort(ms);
    System.out.printf(
        "PROPFIND Depth: 1, %d entries, %.1f MB answer: p50 %.0f ms, p99 %.0f ms, max %.0f ms"
            + " over %d requests%n",
        entries,
        bytes / 1e6,
        ms[(int) Math.ceil(requests * 0.50) - 1] / 1e6,
        ms[(int) Math.ceil(requests * 0.99) - 1] / 1e6,
        ms[requests - 1] / 1e6,
        requests);
  }
}
