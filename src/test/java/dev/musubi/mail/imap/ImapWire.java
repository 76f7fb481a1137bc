package dev.musubi.mail.imap;

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

/** A raw IMAP client for tests: sends lines as given and reads response lines. */
final class ImapWire implements Closeable {

  final Socket socket;
  private BufferedReader reader;
  private OutputStream out;

  /** Connects from {@code sourceIp} (any 127.x address) so tests do not share per-IP limits. */
  ImapWire(String sourceIp, int port) throws IOException {
    socket = new Socket();
    socket.bind(new InetSocketAddress(InetAddress.getByName(sourceIp), 0));
    socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
    socket.setSoTimeout(30_000);
    reader =
        new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
    out = socket.getOutputStream();
  }

  void useSocket(Socket replacement) throws IOException {
    reader =
        new BufferedReader(
            new InputStreamReader(replacement.getInputStream(), StandardCharsets.UTF_8));
    out = replacement.getOutputStream();
  }

  void send(String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  void line(String command) throws IOException {
    send(command + "\r\n");
  }

  /** One line, or {@code null} when the server closed the connection. */
  @Nullable String readLine() throws IOException {
    return reader.readLine();
  }

  /** Lines up to and including the tagged reply for {@code tag}. */
  List<String> until(String tag) throws IOException {
    var lines = new ArrayList<String>();
    while (true) {
      String line = reader.readLine();
      if (line == null) {
        lines.add("<closed>");
        return lines;
      }
      lines.add(line);
      if (line.startsWith(tag + " ")) {
        return lines;
      }
    }
  }

  /** Sends a tagged command and returns every line of its answer. */
  List<String> command(String tag, String command) throws IOException {
    line(tag + " " + command);
    return until(tag);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
