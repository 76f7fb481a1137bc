package dev.musubi.mail;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * Test messages from outside delivered to a member through the real inbound path, as the SMTP
 * server hands them on: envelope sender {@link #SENDER} from a documentation address, no
 * authentication results.
 */
public final class TestDeliveries {

  /** The envelope sender, and the From address unless a test gives another. */
  public static final String SENDER = "s@outside.example";

  private final MailInbound inbound;

  public TestDeliveries(MailInbound inbound) {
    this.inbound = inbound;
  }

  /**
   * Delivers a message to {@code to}: From, To and Subject fields, then {@code moreFields} (each
   * field ending in CRLF, or empty), an empty line and {@code body}.
   *
   * @param from the From field's value, e.g. {@link #SENDER} or {@code "Name <address>"}
   */
  public void deliver(String to, String from, String subject, String moreFields, String body)
      throws IOException {
    deliverRaw(
        to,
        ("From: "
                + from
                + "\r\nTo: "
                + to
                + "\r\nSubject: "
                + subject
                + "\r\n"
                + moreFields
                + "\r\n"
                + body
                + "\r\n")
            .getBytes(StandardCharsets.UTF_8));
  }

  /** Delivers {@code raw} (a whole message as it came over SMTP) to {@code to}. */
  public void deliverRaw(String to, byte[] raw) throws IOException {
    deliverRaw(SENDER, to, raw);
  }

  /** As {@link #deliverRaw(String, byte[])}, from another envelope sender. */
  public void deliverRaw(String sender, String to, byte[] raw) throws IOException {
    inbound.deliver(
        new MailInbound.Envelope(
            sender,
            List.of(to),
            "192.0.2.1",
            "x",
            Instant.now(),
            MailInbound.AuthResults.none(),
            raw.length),
        new ByteArrayInputStream(raw));
  }
}
