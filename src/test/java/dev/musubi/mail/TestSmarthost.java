package dev.musubi.mail;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.subethamail.smtp.helper.SimpleMessageListener;
import org.subethamail.smtp.server.SMTPServer;

/**
 * A real SMTP server on a loopback port standing in for the outbound relay ({@code
 * musubi.mail.smarthost}): it records every message the outbound queue hands over.
 */
public final class TestSmarthost implements AutoCloseable {

  /** One recipient's copy as the relay received it. */
  public record Received(String from, String to, byte[] data) {}

  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final SMTPServer server;

  /**
   * Starts the relay and points {@code musubi.mail.smarthost} at it.
   *
   * @param accepts which recipients the relay takes; the others are refused at RCPT
   */
  public static TestSmarthost start(Predicate<String> accepts) {
    var smarthost = new TestSmarthost(accepts);
    smarthost.use();
    return smarthost;
  }

  private TestSmarthost(Predicate<String> accepts) {
    server =
        SMTPServer.port(0)
            .bindAddress(InetAddress.getLoopbackAddress())
            .simpleMessageListener(
                new SimpleMessageListener() {
                  @Override
                  public boolean accept(String from, String recipient) {
                    return accepts.test(recipient);
                  }

                  @Override
                  public void deliver(String from, String recipient, InputStream data)
                      throws IOException {
                    received.add(new Received(from, recipient, data.readAllBytes()));
                  }
                })
            .build();
    server.start();
  }

  /** Points {@code musubi.mail.smarthost} at this relay (again, after a test changed it). */
  public void use() {
    System.setProperty("musubi.mail.smarthost", "127.0.0.1:" + port());
  }

  public int port() {
    return server.getPortAllocated();
  }

  /** What the relay received so far, in order; a live list. */
  public List<Received> received() {
    return received;
  }

  @Override
  public void close() {
    System.clearProperty("musubi.mail.smarthost");
    server.stop();
  }
}
