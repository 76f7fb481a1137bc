package dev.musubi.mail.smtp;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** A raw SMTP client for tests: sends bytes as given and reads reply lines. */
public final class SmtpWire implements Closeable {

  public final Socket socket;
  private BufferedReader reader;
  private OutputStream out;

  /** Connects from {@code sourceIp} (any 127.x address) so tests do not share per-IP limits. */
  public SmtpWire(String sourceIp, int port) throws IOException {
    socket = new Socket();
    socket.bind(new InetSocketAddress(InetAddress.getByName(sourceIp), 0));
    socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
    socket.setSoTimeout(30_000);
    reader =
        new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
    out = socket.getOutputStream();
  }

  public void useSocket(Socket replacement) throws IOException {
    reader =
        new BufferedReader(
            new InputStreamReader(replacement.getInputStream(), StandardCharsets.UTF_8));
    out = replacement.getOutputStream();
  }

  public void send(String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  public void line(String command) throws IOException {
    send(command + "\r\n");
  }

  /** One reply line, or {@code null} when the server closed the connection. */
  public @Nullable String readLine() throws IOException {
    return reader.readLine();
  }

  /** All lines of one (possibly multi-line) reply. */
  public List<String> reply() throws IOException {
    var lines = new ArrayList<String>();
    while (true) {
      String line = reader.readLine();
      if (line == null) {
        throw new IOException("connection closed after " + lines);
      }
      lines.add(line);
      if (line.length() < 4 || line.charAt(3) != '-') {
        return lines;
      }
    }
  }

  public String last() throws IOException {
    return reply().getLast();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
