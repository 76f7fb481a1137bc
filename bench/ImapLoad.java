import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * IMAP benchmark client (no library: the wire as a mail client speaks it), run with {@code java
 * bench/ImapLoad.java MODE ...}:
 *
 * <ul>
 *   <li>{@code maildir DIR COUNT}: writes COUNT generated messages as Maildir files (for Dovecot).
 *   <li>{@code append HOST PORT USER PASS COUNT CONNECTIONS}: stores the same messages by APPEND.
 *   <li>{@code measure HOST PORT USER PASS NAME}: prints one {@code RESULT NAME key value} line per
 *       figure: select, fetch-envelopes, search-subject, fetch-bodies, idle-delay, sessions-50.
 * </ul>
 *
 * Messages are generated from a fixed seed, so both servers hold the same mail: 2–6 KB of text,
 * a third of them Japanese, subjects from a small vocabulary (the search word {@code 見積書}
 * appears in about one subject in 20).
 */
public class ImapLoad {

  static final String[] WORDS = {
    "会議", "見積書", "報告", "予定", "確認", "議事録", "請求書", "出張", "研修", "採用",
    "meeting", "invoice", "report", "schedule", "review", "minutes", "budget", "travel",
    "training", "hiring"
  };

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "maildir" -> maildir(Path.of(args[1]), Integer.parseInt(args[2]));
      case "append" ->
          append(
              args[1],
              Integer.parseInt(args[2]),
              args[3],
              args[4],
              Integer.parseInt(args[5]),
              Integer.parseInt(args[6]));
      case "measure" -> measure(args[1], Integer.parseInt(args[2]), args[3], args[4], args[5]);
      case "bodies" ->
          bodies(args[1], Integer.parseInt(args[2]), args[3], args[4], Integer.parseInt(args[5]));
      default -> throw new IllegalArgumentException("mode: maildir | append | measure | bodies");
    }
  }

  // --- the messages -------------------------------------------------------------------------

  static byte[] message(int i) {
    java.util.Random r = new java.util.Random(i * 7919L + 17);
    boolean japanese = i % 3 == 0;
    String subject =
        WORDS[r.nextInt(WORDS.length)] + " " + WORDS[r.nextInt(WORDS.length)] + " #" + i;
    StringBuilder body = new StringBuilder();
    int size = 2000 + r.nextInt(4000);
    while (body.length() < size / (japanese ? 3 : 1)) {
      body.append(japanese ? "本日の打ち合わせの件、資料をお送りします。" : "Please find the notes attached. ")
          .append(WORDS[r.nextInt(WORDS.length)])
          .append(i % 7 == 0 ? "\r\n" : " ");
    }
    String date =
        java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(
            java.time.ZonedDateTime.of(2026, 1, 1, 9, 0, 0, 0, java.time.ZoneOffset.ofHours(9))
                .plusMinutes(i));
    String text =
        "From: =?UTF-8?B?"
            + b64("送信者 " + (i % 50))
            + "?= <sender"
            + (i % 50)
            + "@example.jp>\r\n"
            + "To: bench@example.jp\r\n"
            + "Subject: =?UTF-8?B?"
            + b64(subject)
            + "?=\r\n"
            + "Date: "
            + date
            + "\r\n"
            + "Message-ID: <bench-"
            + i
            + "@example.jp>\r\n"
            + "MIME-Version: 1.0\r\n"
            + "Content-Type: text/plain; charset=UTF-8\r\n"
            + "Content-Transfer-Encoding: 8bit\r\n"
            + "\r\n"
            + body
            + "\r\n";
    return text.getBytes(StandardCharsets.UTF_8);
  }

  static String b64(String s) {
    return java.util.Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  static void maildir(Path dir, int count) throws IOException {
    Files.createDirectories(dir);
    for (int i = 1; i <= count; i++) {
      Files.write(dir.resolve(i + ".bench:2,"), message(i));
    }
    System.out.println("wrote " + count + " messages to " + dir);
  }

  // --- a minimal IMAP connection ---------------------------------------------------------------

  static final class Imap implements AutoCloseable {
    final Socket socket;
    final InputStream in;
    final OutputStream out;
    int tag;

    Imap(String host, int port) throws IOException {
      socket = new Socket(host, port);
      socket.setTcpNoDelay(true);
      in = new java.io.BufferedInputStream(socket.getInputStream(), 1 << 16);
      out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
      line(); // greeting
    }

    /** Reads one line (with any literals it announces), returns it without CRLF. */
    String line() throws IOException {
      java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
      while (true) {
        int c = in.read();
        if (c < 0) {
          throw new IOException("connection closed");
        }
        if (c == '\n') {
          break;
        }
        b.write(c);
      }
      String s = b.toString(StandardCharsets.UTF_8);
      if (s.endsWith("\r")) {
        s = s.substring(0, s.length() - 1);
      }
      // a literal {n}: read n bytes and go on with the rest of the line
      if (s.endsWith("}")) {
        int open = s.lastIndexOf('{');
        if (open >= 0) {
          long n = Long.parseLong(s.substring(open + 1, s.length() - 1).replace("+", ""));
          in.skipNBytes(n);
          return s + "<" + n + ">" + line();
        }
      }
      return s;
    }

    /** Sends a command, returns the untagged lines; fails unless the tagged reply is OK. */
    List<String> run(String command) throws IOException {
      String t = "a" + (++tag);
      out.write((t + " " + command + "\r\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      List<String> untagged = new ArrayList<>();
      while (true) {
        String l = line();
        if (l.startsWith(t + " ")) {
          if (!l.startsWith(t + " OK")) {
            throw new IOException(command.split(" ")[0] + " failed: " + l);
          }
          return untagged;
        }
        untagged.add(l);
      }
    }

    void login(String user, String pass) throws IOException {
      run("LOGIN " + quote(user) + " " + quote(pass));
    }

    @Override
    public void close() {
      try {
        run("LOGOUT");
      } catch (IOException ignored) {
        // closing anyway
      }
      try {
        socket.close();
      } catch (IOException ignored) {
        // closed
      }
    }
  }

  static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  // --- loading by APPEND -----------------------------------------------------------------------

  static void append(String host, int port, String user, String pass, int count, int connections)
      throws Exception {
    AtomicInteger next = new AtomicInteger(1);
    long start = System.nanoTime();
    List<Thread> threads = new ArrayList<>();
    AtomicLong failures = new AtomicLong();
    for (int c = 0; c < connections; c++) {
      threads.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    try (Imap imap = new Imap(host, port)) {
                      imap.login(user, pass);
                      int i;
                      while ((i = next.getAndIncrement()) <= count) {
                        byte[] m = message(i);
                        String t = "a" + (++imap.tag);
                        imap.out.write(
                            (t + " APPEND INBOX {" + m.length + "}\r\n")
                                .getBytes(StandardCharsets.US_ASCII));
                        imap.out.flush();
                        String cont = imap.line();
                        if (!cont.startsWith("+")) {
                          throw new IOException("APPEND refused: " + cont);
                        }
                        imap.out.write(m);
                        imap.out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                        imap.out.flush();
                        String l;
                        while (!(l = imap.line()).startsWith(t + " ")) {
                          // untagged updates
                        }
                        if (!l.startsWith(t + " OK")) {
                          failures.incrementAndGet();
                        }
                      }
                    } catch (IOException e) {
                      failures.incrementAndGet();
                      System.err.println("append: " + e);
                    }
                  }));
    }
    for (Thread t : threads) {
      t.join();
    }
    double s = (System.nanoTime() - start) / 1e9;
    System.out.printf(
        Locale.ROOT, "appended %d messages in %.1f s (%.0f/s), %d failures%n",
        count, s, count / s, failures.get());
  }

  // --- the figures ---------------------------------------------------------------------------

  static void measure(String host, int port, String user, String pass, String name)
      throws Exception {
    // SELECT (after a warm-up session): the median of 5.
    try (Imap warm = new Imap(host, port)) {
      warm.login(user, pass);
      warm.run("SELECT INBOX");
      warm.run("FETCH 1:* (FLAGS)");
    }
    double[] select = new double[5];
    int exists = 0;
    for (int k = 0; k < select.length; k++) {
      try (Imap imap = new Imap(host, port)) {
        imap.login(user, pass);
        long t0 = System.nanoTime();
        for (String l : imap.run("SELECT INBOX")) {
          if (l.endsWith(" EXISTS")) {
            exists = Integer.parseInt(l.split(" ")[1]);
          }
        }
        select[k] = (System.nanoTime() - t0) / 1e6;
      }
    }
    result(name, "messages", exists);
    result(name, "select-ms", median(select));

    try (Imap imap = new Imap(host, port)) {
      imap.login(user, pass);
      imap.run("SELECT INBOX");
      long t0 = System.nanoTime();
      int lines = imap.run("FETCH 1:* (FLAGS ENVELOPE)").size();
      result(name, "fetch-envelopes-ms", (System.nanoTime() - t0) / 1e6);
      result(name, "fetch-envelopes-lines", lines);

      t0 = System.nanoTime();
      int hits = 0;
      for (String l : imap.run("UID SEARCH CHARSET UTF-8 SUBJECT {9+}\r\n見積書")) {
        if (l.startsWith("* SEARCH")) {
          hits = l.split(" ").length - 2;
        }
      }
      result(name, "search-subject-ms", (System.nanoTime() - t0) / 1e6);
      result(name, "search-subject-hits", hits);

      int last = Math.min(1000, exists);
      t0 = System.nanoTime();
      imap.run("FETCH 1:" + last + " (BODY.PEEK[])");
      result(name, "fetch-bodies-1000-ms", (System.nanoTime() - t0) / 1e6);

      // The same two again, three times each (median): the figures above are each server's first
      // answer after start (a JVM then still runs some of the code unoptimised), these the usual.
      double[] again = new double[3];
      for (int k = 0; k < again.length; k++) {
        t0 = System.nanoTime();
        imap.run("UID SEARCH CHARSET UTF-8 SUBJECT {9+}\r\n見積書");
        again[k] = (System.nanoTime() - t0) / 1e6;
      }
      result(name, "search-subject-again-ms", median(again));
      for (int k = 0; k < again.length; k++) {
        t0 = System.nanoTime();
        imap.run("FETCH 1:" + last + " (BODY.PEEK[])");
        again[k] = (System.nanoTime() - t0) / 1e6;
      }
      result(name, "fetch-bodies-1000-again-ms", median(again));
    }

    // IDLE: one session idles, another appends; the delay until the idler hears EXISTS.
    double[] delays = new double[5];
    try (Imap idler = new Imap(host, port);
        Imap writer = new Imap(host, port)) {
      idler.login(user, pass);
      writer.login(user, pass);
      idler.run("SELECT INBOX");
      for (int k = 0; k < delays.length; k++) {
        String t = "a" + (++idler.tag);
        idler.out.write((t + " IDLE\r\n").getBytes(StandardCharsets.US_ASCII));
        idler.out.flush();
        String cont = idler.line();
        if (!cont.startsWith("+")) {
          throw new IOException("IDLE refused: " + cont);
        }
        byte[] m = message(1_000_000 + k);
        long t0 = System.nanoTime();
        writer.run("APPEND INBOX {" + m.length + "+}\r\n" + new String(m, StandardCharsets.UTF_8));
        String l;
        while (!(l = idler.line()).endsWith(" EXISTS")) {
          // other untagged updates
        }
        delays[k] = (System.nanoTime() - t0) / 1e6;
        idler.out.write("DONE\r\n".getBytes(StandardCharsets.US_ASCII));
        idler.out.flush();
        while (!(l = idler.line()).startsWith(t + " ")) {
          // flush until the IDLE completes
        }
      }
    }
    result(name, "idle-delay-ms", median(delays));

    // 50 sessions at once, each: log in, SELECT, FETCH the newest 100 envelopes, log out; 15 s.
    AtomicLong done = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    long until = System.nanoTime() + 15_000_000_000L;
    int total = exists;
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < 50; c++) {
      threads.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    while (System.nanoTime() < until) {
                      try (Imap imap = new Imap(host, port)) {
                        imap.login(user, pass);
                        imap.run("SELECT INBOX");
                        imap.run("FETCH " + Math.max(1, total - 99) + ":* (FLAGS ENVELOPE)");
                        done.incrementAndGet();
                      } catch (IOException e) {
                        failed.incrementAndGet();
                      }
                    }
                  }));
    }
    for (Thread t : threads) {
      t.join();
    }
    result(name, "sessions-50-per-s", done.get() / 15.0);
    result(name, "sessions-50-failed", failed.get());
  }

  /**
   * For profiling FETCH BODY[] alone: {@code rounds} times FETCH of the bodies of 1,000 messages
   * (a different 1,000 each time, round-robin over the mailbox), each time printed in ms.
   */
  static void bodies(String host, int port, String user, String pass, int rounds)
      throws Exception {
    try (Imap imap = new Imap(host, port)) {
      imap.login(user, pass);
      int exists = 0;
      for (String l : imap.run("SELECT INBOX")) {
        if (l.endsWith(" EXISTS")) {
          exists = Integer.parseInt(l.split(" ")[1]);
        }
      }
      int windows = Math.max(1, exists / 1000);
      for (int k = 0; k < rounds; k++) {
        int first = (k % windows) * 1000 + 1;
        long t0 = System.nanoTime();
        imap.run("FETCH " + first + ":" + Math.min(exists, first + 999) + " (BODY.PEEK[])");
        System.out.printf("fetch %d %.1f%n", first, (System.nanoTime() - t0) / 1e6);
      }
    }
  }

  static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    return v[v.length / 2];
  }

  static void result(String name, String key, double value) {
    System.out.printf(Locale.ROOT, "RESULT %s %s %.1f%n", name, key, value);
  }
}
