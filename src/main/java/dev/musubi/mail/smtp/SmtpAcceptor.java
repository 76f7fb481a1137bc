package dev.musubi.mail.smtp;

import dev.musubi.mail.internal.ConnectionLimits;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts connections on one or more listening sockets, one virtual thread each, bounded in all and
 * per client address (shared by every socket given to {@link #start}); a connection beyond either
 * limit gets {@code 421} and is closed. Used by the inbound server and by submission.
 */
public final class SmtpAcceptor {

  private static final Logger log = LoggerFactory.getLogger(SmtpAcceptor.class);

  /** Serves one accepted connection; the acceptor closes it afterwards. */
  public interface Handler {
    void serve(Socket connection) throws IOException;
  }

  private final String name;
  private final String hostname;
  private final ConnectionLimits limits;
  private final Handler handler;
  private final Runnable onRefused;

  /**
   * @param name the thread name prefix and the name in logs ({@code smtp}, {@code submission})
   * @param hostname the name in the {@code 421} greeting
   * @param onRefused called for every connection refused for the limits
   */
  public SmtpAcceptor(
      String name,
      String hostname,
      int maxConnections,
      int maxConnectionsPerAddress,
      Handler handler,
      Runnable onRefused) {
    this.name = name;
    this.hostname = hostname;
    this.limits = new ConnectionLimits(maxConnections, maxConnectionsPerAddress);
    this.handler = handler;
    this.onRefused = onRefused;
  }

  /** A listening socket with address reuse; {@code port} 0 picks a free one. */
  public static ServerSocket bind(String address, int port, int backlog) throws IOException {
    var socket = new ServerSocket();
    try {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getByName(address), port), backlog);
      return socket;
    } catch (IOException e) {
      socket.close();
      throw e;
    }
  }

  /** Accepts on {@code socket} until it is closed. */
  public void start(ServerSocket socket) {
    Thread.ofVirtual().name(name + "-accept").start(() -> acceptLoop(socket));
  }

  private void acceptLoop(ServerSocket socket) {
    while (!socket.isClosed()) {
      Socket connection;
      try {
        connection = socket.accept();
      } catch (IOException e) {
        if (!socket.isClosed()) {
          log.warn("{} accept failed: {}", name, e.toString());
        }
        continue;
      }
      String clientIp = connection.getInetAddress().getHostAddress();
      String clientKey = clientKey(connection.getInetAddress());
      if (!limits.tryAcquire(clientKey)) {
        Thread.ofVirtual().start(() -> refuseConnection(connection));
        continue;
      }
      Thread.ofVirtual()
          .name(name + "-" + clientIp)
          .start(
              () -> {
                try {
                  handler.serve(connection);
                } catch (IOException | RuntimeException e) {
                  log.debug("{} session from {} failed: {}", name, clientIp, e.toString());
                } finally {
                  try {
                    connection.close();
                  } catch (IOException ignored) {
                    // Already closed.
                  }
                  limits.release(clientKey);
                }
              });
    }
  }

  /**
   * What per-client limits count by: the IPv4 address, or the /64 of an IPv6 address (one
   * subscriber usually holds a whole /64, so counting single IPv6 addresses would bound nothing).
   */
  public static String clientKey(InetAddress address) {
    if (address instanceof Inet6Address) {
      byte[] bytes = address.getAddress();
      return HexFormat.of().formatHex(bytes, 0, 8) + "::/64";
    }
    return address.getHostAddress();
  }

  /** RFC 5321 §3.1: a server that cannot take the connection may greet with 421 and close. */
  private void refuseConnection(Socket connection) {
    try (connection) {
      connection.setSoTimeout(5000);
      connection
          .getOutputStream()
          .write(
              ("421 4.7.0 " + hostname + " Too many connections, try again later\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      onRefused.run();
    } catch (IOException ignored) {
      // The client is gone already.
    }
  }
}
