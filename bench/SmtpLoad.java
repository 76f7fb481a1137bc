import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Inbound SMTP throughput: CONNECTIONS clients on loopback, each sending 10 KB messages over one
 * connection (MAIL, RCPT and DATA pipelined, RFC 2920) for SECONDS seconds after a short warm-up;
 * prints accepted messages per second. JDK only:
 *
 * <pre>
 * java bench/SmtpLoad.java HOST PORT RECIPIENT CONNECTIONS SECONDS LABEL
 * </pre>
 */
public class SmtpLoad {

  public static void main(String[] args) throws Exception {
    String host = args[0];
    int port = Integer.parseInt(args[1]);
    String recipient = args[2];
    int connections = Integer.parseInt(args[3]);
    int seconds = Integer.parseInt(args[4]);
    String label = args.length > 5 ? args[5] : "server";
    String body = body();
    var accepted = new AtomicLong();
    var refused = new AtomicLong();
    var counting = new java.util.concurrent.atomic.AtomicBoolean(false);
    long warmUpEnd = System.nanoTime() + 3_000_000_000L;
    long end = warmUpEnd + seconds * 1_000_000_000L;
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < connections; c++) {
      int client = c;
      threads.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      run(host, port, recipient, body, client, end, warmUpEnd, accepted, refused);
                    } catch (IOException e) {
                      System.err.println(label + " client " + client + ": " + e);
                    }
                  }));
    }
    for (Thread t : threads) {
      t.join();
    }
    double rate = accepted.get() / (double) seconds;
    System.out.printf(
        "%s: %d messages accepted in %d s over %d connections = %.1f messages/s (%d refused)%n",
        label, accepted.get(), seconds, connections, rate, refused.get());
    System.out.printf("RATE %s %.1f%n", label, rate);
  }

  static String body() {
    var text = new StringBuilder();
    text.append("From: bench@sender.bench.example\r\n");
    text.append("To: recipient\r\n");
    text.append("Subject: SMTP benchmark\r\n");
    text.append("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n");
    String line = "The quick brown fox jumps over the lazy dog, 0123456789 abcdefghijklmnopq.\r\n";
    while (text.length() + line.length() <= 10 * 1024) {
      text.append(line);
    }
    return text.toString();
  }

  static void run(
      String host,
      int port,
      String recipient,
      String body,
      int client,
      long end,
      long warmUpEnd,
      AtomicLong accepted,
      AtomicLong refused)
      throws IOException {
    try (var socket = new Socket(host, port)) {
      socket.setTcpNoDelay(true);
      socket.setSoTimeout(60_000);
      var in =
          new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      OutputStream out = socket.getOutputStream();
      reply(in);
      out.write(("EHLO load" + client + ".bench.example\r\n").getBytes(StandardCharsets.US_ASCII));
      reply(in);
      byte[] envelope =
          ("MAIL FROM:<bench@sender.bench.example>\r\nRCPT TO:<"
                  + recipient
                  + ">\r\nDATA\r\n")
              .getBytes(StandardCharsets.US_ASCII);
      byte[] message = (body + ".\r\n").getBytes(StandardCharsets.US_ASCII);
      while (System.nanoTime() < end) {
        out.write(envelope);
        out.flush();
        String mail = reply(in);
        String rcpt = reply(in);
        String data = reply(in);
        if (!mail.startsWith("250") || !rcpt.startsWith("250") || !data.startsWith("354")) {
          refused.incrementAndGet();
          out.write("RSET\r\n".getBytes(StandardCharsets.US_ASCII));
          reply(in);
          continue;
        }
        out.write(message);
        out.flush();
        String done = reply(in);
        boolean counted = System.nanoTime() >= warmUpEnd;
        if (done.startsWith("250")) {
          if (counted) {
            accepted.incrementAndGet();
          }
        } else if (counted) {
          refused.incrementAndGet();
        }
      }
      out.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
    }
  }

  static String reply(BufferedReader in) throws IOException {
    while (true) {
      String line = in.readLine();
      if (line == null) {
        throw new IOException("server closed the connection");
      }
      if (line.length() < 4 || line.charAt(3) != '-') {
        return line;
      }
    }
  }
}
