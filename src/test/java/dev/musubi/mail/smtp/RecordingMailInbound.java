package dev.musubi.mail.smtp;

import dev.musubi.mail.MailInbound;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The mailbox store's stand-in for the SMTP tests (the store is not what they test): hosts {@code
 * musubi.test} and {@code 日本.test}, knows a few addresses, and records what it is handed. {@code
 * full@musubi.test} refuses temporarily, {@code policy@musubi.test} permanently, and {@code
 * broken@musubi.test} fails with an unexpected error.
 */
public class RecordingMailInbound implements MailInbound {

  public record Stored(Envelope envelope, byte[] raw) {
    public String text() {
      return new String(raw, java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  public record Refusal(Envelope envelope, String reason) {}

  static final Set<String> HOSTED = Set.of("musubi.test", "日本.test", "xn--wgv71a.test");
  static final Set<String> LOCAL =
      Set.of(
          "alice@musubi.test",
          "bob@musubi.test",
          "carol@musubi.test",
          "dave@musubi.test",
          "erin@musubi.test",
          "frank@musubi.test",
          "ユーザー@日本.test",
          "full@musubi.test",
          "policy@musubi.test",
          "broken@musubi.test");

  public final List<Stored> stored = new CopyOnWriteArrayList<>();
  public final List<Refusal> refusals = new CopyOnWriteArrayList<>();

  @Override
  public Recipient recipient(String address) {
    int at = address.lastIndexOf('@');
    String domain = address.substring(at + 1).toLowerCase(Locale.ROOT);
    if (!isHostedDomain(domain)) {
      return Recipient.NOT_HOSTED;
    }
    return LOCAL.contains(address.toLowerCase(Locale.ROOT)) ? Recipient.LOCAL : Recipient.UNKNOWN;
  }

  @Override
  public boolean isHostedDomain(String domain) {
    return HOSTED.contains(domain.toLowerCase(Locale.ROOT));
  }

  @Override
  public Delivery deliver(Envelope envelope, InputStream raw) throws IOException {
    byte[] bytes = raw.readAllBytes();
    if (envelope.recipients().contains("full@musubi.test")) {
      throw new MailRejectedException(false, "4.2.2", "Mailbox full");
    }
    if (envelope.recipients().contains("policy@musubi.test")) {
      throw new MailRejectedException(true, "5.7.1", "Refused by company policy");
    }
    if (envelope.recipients().contains("broken@musubi.test")) {
      throw new IllegalStateException("disk on fire");
    }
    stored.add(new Stored(envelope, bytes));
    return new Delivery(UUID.randomUUID(), envelope.recipients().size());
  }

  @Override
  public void refused(Envelope envelope, String reason) {
    refusals.add(new Refusal(envelope, reason));
  }

  public List<Stored> storedFor(String recipient) {
    return stored.stream().filter(s -> s.envelope().recipients().contains(recipient)).toList();
  }
}
