package dev.musubi.mail.smtp;

import dev.musubi.mail.MailInbound;
import dev.musubi.mail.MailInbound.AuthResults;
import dev.musubi.mail.MailInbound.Envelope;
import dev.musubi.mail.MailInbound.MailRejectedException;
import dev.musubi.mail.internal.ProtocolSessions;
import dev.musubi.mail.smtp.codec.MessageHeaders;
import dev.musubi.mail.smtp.codec.SmtpCommand;
import dev.musubi.mail.smtp.codec.SmtpInput;
import dev.musubi.mail.smtp.codec.SmtpReply;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One SMTP connection, from the greeting to QUIT, a timeout or a limit. */
final class SmtpSession implements ProtocolSessions.Session {

  private static final Logger log = LoggerFactory.getLogger(SmtpSession.class);

  /**
   * RFC 5321 §4.5.3.1.4 allows 512 octets; RFC 1869 §4.1.2 lets each advertised extension lengthen
   * MAIL and RCPT lines (SIZE, BODY, SMTPUTF8 addresses in UTF-8), so 1024.
   */
  static final int MAX_COMMAND_LINE = 1024;

  /** The header section read to find {@code From:}; longer sections count as having none. */
  private static final int MAX_HEADER_SECTION = 256 * 1024;

  private static final Set<String> KNOWN_UNIMPLEMENTED =
      Set.of("BDAT", "ETRN", "TURN", "ATRN", "SEND", "SOML", "SAML", "BURL");

  private final SmtpServer server;
  private final SmtpProperties properties;
  private final String clientIp;
  private final String clientKey;
  private final SmtpConnection connection;

  private @Nullable String helo;
  private boolean extended;
  // Read by the stopping thread too (see drain).
  private volatile @Nullable String mailFrom;

  private boolean smtpUtf8;
  private final List<String> recipients = new ArrayList<>();
  private int commandsWithoutMail;

  SmtpSession(SmtpServer server, Socket socket) throws IOException {
    this.server = server;
    this.properties = server.properties();
    this.clientIp = socket.getInetAddress().getHostAddress();
    this.clientKey = SmtpServer.clientKey(socket.getInetAddress());
    this.connection =
        new SmtpConnection(socket, properties.commandTimeout(), properties.connectionTimeout());
  }

  void run() {
    connection.serve(
        properties.hostname(),
        properties.hostname() + " ESMTP Musubi",
        MAX_COMMAND_LINE,
        new SmtpConnection.Commands() {
          @Override
          public boolean handle(SmtpCommand command) throws IOException {
            return SmtpSession.this.handle(command);
          }

          @Override
          public boolean refuse(SmtpReply reply) throws IOException {
            return refuseCommand(reply);
          }

          @Override
          public boolean inTransaction() {
            return mailFrom != null;
          }
        });
  }

  /** Replies with an error; false when the connection must close (too many errors). */
  private boolean refuseCommand(SmtpReply reply) throws IOException {
    write(reply);
    return countWithoutMail();
  }

  private boolean countWithoutMail() throws IOException {
    if (++commandsWithoutMail > properties.maxCommandsWithoutMail()) {
      reply(421, "4.7.0", properties.hostname() + " Too many commands without mail, closing");
      return false;
    }
    return true;
  }

  private boolean handle(SmtpCommand command) throws IOException {
    return handleCommand(command);
  }

  /** See {@link SmtpConnection#drain()}. */
  @Override
  public void drain() {
    connection.drain();
  }

  private boolean handleCommand(SmtpCommand command) throws IOException {
    return switch (command) {
      case SmtpCommand.Hello hello -> hello(hello);
      case SmtpCommand.MailFrom mail -> mailFrom(mail);
      case SmtpCommand.RcptTo rcpt -> rcptTo(rcpt);
      case SmtpCommand.Data data -> data();
      case SmtpCommand.Reset reset -> {
        resetTransaction();
        reply(250, "2.0.0", "OK");
        yield countWithoutMail();
      }
      case SmtpCommand.Noop noop -> {
        reply(250, "2.0.0", "OK");
        yield countWithoutMail();
      }
      case SmtpCommand.Quit quit -> {
        reply(221, "2.0.0", properties.hostname() + " Bye");
        yield false;
      }
      // RFC 5321 §3.5.3: 252 neither confirms nor denies; addresses are not enumerable here.
      case SmtpCommand.Verify verify ->
          refuseCommand(SmtpReply.of(252, "2.5.0", "Cannot VRFY user, but will accept message"));
      case SmtpCommand.Expand expand ->
          refuseCommand(SmtpReply.of(502, "5.5.1", "EXPN not available"));
      case SmtpCommand.Help help -> {
        reply(214, "2.0.0", "See RFC 5321");
        yield countWithoutMail();
      }
      case SmtpCommand.StartTls startTls -> startTls();
      // Inbound mail is not authenticated; members submit on the submission port.
      case SmtpCommand.Auth auth ->
          refuseCommand(SmtpReply.of(502, "5.5.1", "Command not supported here"));
      case SmtpCommand.Unsupported unsupported ->
          KNOWN_UNIMPLEMENTED.contains(unsupported.verb())
              ? refuseCommand(SmtpReply.of(502, "5.5.1", "Command not supported here"))
              : refuseCommand(SmtpReply.of(500, "5.5.2", "Command unrecognized"));
    };
  }

  private boolean hello(SmtpCommand.Hello hello) throws IOException {
    resetTransaction();
    helo = hello.domain();
    extended = hello.extended();
    if (!extended) {
      reply(250, null, properties.hostname());
      return countWithoutMail();
    }
    var lines = new ArrayList<String>();
    lines.add(properties.hostname() + " Hello " + hello.domain());
    lines.add("SIZE " + properties.maxMessageSize().toBytes());
    lines.add("8BITMIME");
    lines.add("PIPELINING");
    lines.add("SMTPUTF8");
    lines.add("ENHANCEDSTATUSCODES");
    if (server.tlsAvailable() && !connection.tls()) {
      lines.add("STARTTLS");
    }
    write(new SmtpReply(250, null, lines));
    return countWithoutMail();
  }

  private boolean mailFrom(SmtpCommand.MailFrom mail) throws IOException {
    if (helo == null) {
      return refuseCommand(SmtpReply.of(503, "5.5.1", "Send EHLO or HELO first"));
    }
    if (mailFrom != null) {
      return refuseCommand(SmtpReply.of(503, "5.5.1", "Nested MAIL command"));
    }
    if (mail.smtpUtf8() && !extended) {
      return refuseCommand(SmtpReply.of(503, "5.5.1", "SMTPUTF8 needs EHLO"));
    }
    // RFC 1870 §6.1: refuse a declared size above the limit before any data is sent.
    if (mail.size() > properties.maxMessageSize().toBytes()) {
      server.countRefused("too-large");
      return refuseCommand(
          SmtpReply.of(552, "5.3.4", "Message size exceeds fixed maximum message size"));
    }
    mailFrom = mail.reversePath();
    smtpUtf8 = mail.smtpUtf8();
    reply(250, "2.1.0", "Sender OK");
    return true;
  }

  private boolean rcptTo(SmtpCommand.RcptTo rcpt) throws IOException {
    if (mailFrom == null) {
      return refuseCommand(SmtpReply.of(503, "5.5.1", "Need MAIL before RCPT"));
    }
    if (server.recipientThrottle().blocked(clientKey)) {
      reply(421, "4.7.1", properties.hostname() + " Too many unknown recipients, try again later");
      return false;
    }
    String address = rcpt.forwardPath();
    if (!smtpUtf8 && !address.chars().allMatch(c -> c < 0x80)) {
      return refuseCommand(SmtpReply.of(553, "5.6.7", "Non-ASCII address needs SMTPUTF8"));
    }
    if (recipients.size() >= properties.maxRecipients()) {
      // RFC 5321 §4.5.3.1.10: too many recipients is 452, the client sends the rest later.
      return refuseCommand(SmtpReply.of(452, "4.5.3", "Too many recipients"));
    }
    MailInbound.Recipient answer;
    try {
      answer = server.inbound().recipient(address);
    } catch (RuntimeException e) {
      log.warn("SMTP recipient lookup failed: {}", e.toString());
      return refuseCommand(SmtpReply.of(451, "4.3.0", "Temporary lookup failure"));
    }
    switch (answer) {
      case LOCAL -> {
        if (recipients.stream().noneMatch(address::equalsIgnoreCase)) {
          recipients.add(address);
        }
        reply(250, "2.1.5", "Recipient OK");
        return true;
      }
      case UNKNOWN -> {
        server.recipientThrottle().recordUnknown(clientKey);
        return refuseCommand(SmtpReply.of(550, "5.1.1", "No such user here"));
      }
      case NOT_HOSTED -> {
        server.recipientThrottle().recordUnknown(clientKey);
        return refuseCommand(SmtpReply.of(550, "5.7.1", "Relaying denied"));
      }
    }
    throw new IllegalStateException("unreachable");
  }

  private boolean data() throws IOException {
    if (mailFrom == null) {
      return refuseCommand(SmtpReply.of(503, "5.5.1", "Need MAIL before DATA"));
    }
    if (recipients.isEmpty()) {
      // RFC 2920 §3.1: DATA after every RCPT failed.
      return refuseCommand(SmtpReply.of(554, "5.5.1", "No valid recipients"));
    }
    reply(354, null, "End data with <CR><LF>.<CR><LF>");
    flush();
    try (var spool = new MessageSpool()) {
      var result =
          connection
              .in()
              .readData(spool, properties.maxMessageSize().toBytes(), properties.maxLineLength());
      write(receive(result, spool));
    } finally {
      resetTransaction();
    }
    return true;
  }

  /** Checks, stores and answers one complete DATA stream. */
  private SmtpReply receive(SmtpInput.DataResult result, MessageSpool spool) throws IOException {
    Instant receivedAt = server.clock().instant();
    String from = mailFrom == null ? "" : mailFrom;
    var envelope =
        new Envelope(
            from,
            List.copyOf(recipients),
            clientIp,
            helo == null ? "" : helo,
            receivedAt,
            AuthResults.none(),
            result.size());
    switch (result.outcome()) {
      case TOO_LARGE -> {
        return refuse(envelope, "too-large", 552, "5.3.4", "Message too big");
      }
      case LINE_TOO_LONG -> {
        return refuse(envelope, "line-too-long", 554, "5.5.2", "Text line too long");
      }
      case BARE_NEWLINE -> {
        return refuse(envelope, "bare-newline", 554, "5.5.2", "Bare CR or LF in message, use CRLF");
      }
      case COMPLETE -> {}
    }
    List<String> fromDomains;
    try (InputStream raw = spool.open()) {
      fromDomains = MessageHeaders.fromDomains(raw, MAX_HEADER_SECTION);
    }
    SenderChecks.Verdict verdict =
        server.senderChecks().check(clientIp, from, envelope.helo(), spool, fromDomains);
    String mailFromDomain = from.isEmpty() ? envelope.helo() : SenderChecks.domainOf(from);
    var claimed = new LinkedHashSet<String>();
    if (!from.isEmpty()) {
      claimed.add(mailFromDomain);
    }
    claimed.addAll(fromDomains);
    byte[] trace = traceHeaders(envelope, verdict);
    envelope =
        new Envelope(
            envelope.mailFrom(),
            envelope.recipients(),
            envelope.remoteAddress(),
            envelope.helo(),
            receivedAt,
            verdict.results(),
            trace.length + result.size());
    try {
      for (String domain : claimed) {
        if (server.inbound().isHostedDomain(domain)
            && !verdict.authenticates(domain, mailFromDomain)) {
          return refuse(
              envelope,
              "forged-sender",
              550,
              "5.7.1",
              "Sender domain is hosted here but the message is not authenticated");
        }
      }
      MailInbound.Delivery delivery;
      try (InputStream received = spool.open()) {
        var filtered =
            MessageHeaders.withoutAuthenticationResults(
                received, properties.hostname(), MAX_HEADER_SECTION);
        envelope = withSize(envelope, envelope.size() - filtered.removed());
        delivery =
            server
                .inbound()
                .deliver(
                    envelope,
                    new SequenceInputStream(new ByteArrayInputStream(trace), filtered.message()));
      }
      server.countAccepted();
      commandsWithoutMail = 0;
      return SmtpReply.of(250, "2.0.0", "OK queued as " + delivery.id());
    } catch (MailRejectedException e) {
      server.countRefused("rejected");
      return rejection(e);
    } catch (IOException | RuntimeException e) {
      log.warn("SMTP delivery from {} failed: {}", clientIp, e.toString());
      server.countRefused("error");
      return SmtpReply.of(451, "4.3.0", "Temporary failure, try again later");
    }
  }

  private static Envelope withSize(Envelope e, long size) {
    return new Envelope(
        e.mailFrom(), e.recipients(), e.remoteAddress(), e.helo(), e.receivedAt(), e.auth(), size);
  }

  private SmtpReply refuse(
      Envelope envelope, String reason, int code, String enhanced, String text) {
    server.countRefused(reason);
    try {
      server.inbound().refused(envelope, reason);
    } catch (RuntimeException e) {
      log.warn("SMTP could not log a refused message: {}", e.toString());
    }
    return SmtpReply.of(code, enhanced, text);
  }

  /** The store's refusal as a reply; its enhanced code is used only when well formed. */
  static SmtpReply rejection(MailRejectedException e) {
    String enhanced = e.enhancedCode();
    char clazz = e.permanent() ? '5' : '4';
    if (enhanced == null
        || !enhanced.matches("[45]\\.\\d{1,3}\\.\\d{1,3}")
        || enhanced.charAt(0) != clazz) {
      enhanced = clazz + ".7.1";
    }
    int code;
    if (e.permanent()) {
      code = enhanced.startsWith("5.2.2") || enhanced.startsWith("5.3.4") ? 552 : 550;
    } else {
      code = enhanced.startsWith("4.2.2") ? 452 : 451;
    }
    String text = e.getMessage() == null || e.getMessage().isBlank() ? "Refused" : e.getMessage();
    return SmtpReply.of(code, enhanced, text);
  }

  /** RFC 5321 §4.4 {@code Received:} and RFC 8601 {@code Authentication-Results:}. */
  private byte[] traceHeaders(Envelope envelope, SenderChecks.Verdict verdict) {
    String host = properties.hostname();
    String protocol =
        (smtpUtf8 ? "UTF8SMTP" : extended ? "ESMTP" : "SMTP") + (connection.tls() ? "S" : "");
    if (smtpUtf8 && !extended) {
      protocol = "ESMTP";
    }
    var auth = verdict.results();
    var header = new StringBuilder();
    header.append("Authentication-Results: ").append(host).append(";\r\n");
    header.append("\tspf=").append(auth.spf());
    if (envelope.mailFrom().isEmpty()) {
      header.append(" smtp.helo=").append(envelope.helo());
    } else {
      header.append(" smtp.mailfrom=").append(SenderChecks.domainOf(envelope.mailFrom()));
    }
    header.append(";\r\n\tdkim=").append(auth.dkim());
    if (!verdict.dkimDomains().isEmpty()) {
      header.append(" header.d=").append(verdict.dkimDomains().iterator().next());
    }
    header.append(";\r\n\tdmarc=").append(auth.dmarc());
    if (verdict.dmarcPolicy() != null) {
      header.append(" (p=").append(verdict.dmarcPolicy()).append(')');
    }
    if (auth.fromDomain() != null) {
      header.append(" header.from=").append(auth.fromDomain());
    }
    header.append("\r\n");
    header.append("Received: from ").append(envelope.helo());
    header.append(" ([").append(clientIp).append("])\r\n");
    header.append("\tby ").append(host).append(" (Musubi) with ").append(protocol);
    header.append(" id ").append(server.newTraceId());
    if (envelope.recipients().size() == 1) {
      // More than one would tell every recipient who else got the message (Bcc).
      header.append("\r\n\tfor <").append(envelope.recipients().getFirst()).append('>');
    }
    header.append(";\r\n\t");
    header.append(
        DateTimeFormatter.RFC_1123_DATE_TIME.format(envelope.receivedAt().atZone(ZoneOffset.UTC)));
    header.append("\r\n");
    return header.toString().getBytes(StandardCharsets.UTF_8);
  }

  private boolean startTls() throws IOException {
    if (!server.tlsAvailable()) {
      return refuseCommand(SmtpReply.of(502, "5.5.1", "STARTTLS not available"));
    }
    if (connection.tls()) {
      return refuseCommand(SmtpReply.of(503, "5.5.1", "TLS already active"));
    }
    connection.startTls(server.tlsContext());
    helo = null;
    extended = false;
    resetTransaction();
    return countWithoutMail();
  }

  private void resetTransaction() {
    mailFrom = null;
    smtpUtf8 = false;
    recipients.clear();
  }

  private void reply(int code, @Nullable String enhanced, String text) throws IOException {
    connection.reply(code, enhanced, text);
  }

  private void write(SmtpReply reply) throws IOException {
    connection.write(reply);
  }

  private void flush() throws IOException {
    connection.flush();
  }

  /** Closes the connection from another thread (server shutdown). */
  @Override
  public void shutdown() {
    connection.close();
  }

  String clientIp() {
    return clientIp;
  }
}
