import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;

/**
 * Sign-in load against a running Musubi: one virtual thread per member, each signing in its own
 * member in a loop ({@code POST /api/v1/auth/login}). The client keeps no cookies, so every sign-in
 * starts as a fresh browser would. Latencies of sign-ins that start after the warm-up and end
 * within the measured window are reported. JDK only:
 *
 * <pre>
 * java bench/SignInLoad.java BASE_URL LOGIN_PREFIX DOMAIN COUNT PASSWORD [WARMUP_S] [DURATION_S] [LABEL]
 * java bench/SignInLoad.java http://127.0.0.1:18090 load bench.example 50 Sign-In-Bench-Pass 10 30 embedded
 * </pre>
 *
 * Members are {@code <prefix>001@domain} to {@code <prefix><count>@domain}.
 */
public class SignInLoad {

  public static void main(String[] args) throws Exception {
    if (args.length < 5) {
      System.err.println(
          "usage: java SignInLoad.java BASE_URL LOGIN_PREFIX DOMAIN COUNT PASSWORD"
              + " [WARMUP_S] [DURATION_S] [LABEL]");
      System.exit(2);
    }
    URI login = URI.create(args[0] + "/api/v1/auth/login");
    String prefix = args[1];
    String domain = args[2];
    int count = Integer.parseInt(args[3]);
    String password = args[4];
    long warmupNs = Duration.ofSeconds(args.length > 5 ? Long.parseLong(args[5]) : 10).toNanos();
    long durationNs = Duration.ofSeconds(args.length > 6 ? Long.parseLong(args[6]) : 30).toNanos();
    String label = args.length > 7 ? args[7] : "";

    // No cookie handler: nothing is kept between sign-ins.
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    long start = System.nanoTime();
    long windowStart = start + warmupNs;
    long windowEnd = windowStart + durationNs;
    List<long[]> perThread = new ArrayList<>();
    LongAdder failures = new LongAdder();
    LongAdder warmupRequests = new LongAdder();

    try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 1; i <= count; i++) {
        String body =
            "{\"loginId\":\"%s%03d@%s\",\"password\":\"%s\"}".formatted(prefix, i, domain, password);
        synchronized (perThread) {
          perThread.add(null);
        }
        int slot = i - 1;
        executor.submit(
            () -> {
              long[] latencies = new long[1024];
              int n = 0;
              HttpRequest request =
                  HttpRequest.newBuilder(login)
                      .timeout(Duration.ofSeconds(60))
                      .header("Content-Type", "application/json")
                      .POST(HttpRequest.BodyPublishers.ofString(body))
                      .build();
              while (true) {
                long t0 = System.nanoTime();
                if (t0 >= windowEnd) {
                  break;
                }
                boolean ok;
                try {
                  HttpResponse<String> response =
                      http.send(request, HttpResponse.BodyHandlers.ofString());
                  ok = response.statusCode() == 200 && response.body().contains("\"ok\"");
                  if (!ok && failures.sum() < 5) {
                    System.err.println(response.statusCode() + " " + response.body());
                  }
                } catch (Exception e) {
                  ok = false;
                  if (failures.sum() < 5) {
                    System.err.println(e);
                  }
                }
                long t1 = System.nanoTime();
                if (!ok) {
                  failures.increment();
                } else if (t0 < windowStart) {
                  warmupRequests.increment();
                } else if (t1 <= windowEnd) {
                  if (n == latencies.length) {
                    latencies = Arrays.copyOf(latencies, n * 2);
                  }
                  latencies[n++] = t1 - t0;
                }
              }
              synchronized (perThread) {
                perThread.set(slot, Arrays.copyOf(latencies, n));
              }
              return null;
            });
      }
    }

    long[] all = perThread.stream().flatMapToLong(Arrays::stream).sorted().toArray();
    double seconds = durationNs / 1e9;
    System.out.printf(
        "%s: %d concurrent, %d sign-ins measured in %.0f s after %d in a %.0f s warm-up,"
            + " %d failed%n",
        label.isEmpty() ? "sign-in" : label,
        count,
        all.length,
        seconds,
        warmupRequests.sum(),
        warmupNs / 1e9,
        failures.sum());
    System.out.println(
        "| Store | Concurrent | Sign-ins/s | p50 (ms) | p95 (ms) | p99 (ms) | max (ms) | failed |");
    System.out.println("|---|---|---|---|---|---|---|---|");
    System.out.printf(
        "| %s | %d | %.1f | %.0f | %.0f | %.0f | %.0f | %d |%n",
        label,
        count,
        all.length / seconds,
        ms(percentile(all, 50)),
        ms(percentile(all, 95)),
        ms(percentile(all, 99)),
        ms(all.length == 0 ? 0 : all[all.length - 1]),
        failures.sum());
  }

  /** Nearest-rank percentile of sorted values. */
  static long percentile(long[] sorted, int p) {
    if (sorted.length == 0) {
      return 0;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }

  static double ms(long nanos) {
    return nanos / 1e6;
  }
}
