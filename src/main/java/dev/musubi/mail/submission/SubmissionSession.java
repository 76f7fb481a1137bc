package dev.musubi.mail.submission;

import dev.musubi.identity.ProtocolLoginException;
import dev.musubi.mail.MailDomains;
import dev.musubi.mail.MailSending;
import dev.musubi.mail.internal.ProtocolSessions;
import dev.musubi.mail.smtp.SmtpConnection;
import dev.musubi.mail.smtp.codec.SaslResponses;
import dev.musubi.mail.smtp.codec.SmtpCommand;
import dev.musubi.mail.smtp.codec.SmtpInput;
import dev.musubi.mail.smtp.codec.SmtpProtocolException;
import dev.musubi.mail.smtp.codec.SmtpReply;
import dev.musubi.platform.security.MemberPrincipal;
import dev.musubi.platform.web.ProblemException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One submission connection: EHLO, STARTTLS, AUTH, then transactions sent through {@link
 * MailSending#submit}. Nothing is accepted for delivery before AUTH; credentials and message
 * content are never logged.
 */
final class SubmissionSession implements ProtocolSessions.Session {

  private static final Logger log = LoggerFactory.getLogger(SubmissionSession.class);

  /** RFC 4954 §4: AUTH lines (and responses) may be up to 12288 octets. */
  static final int MAX_LINE = 12288;

  private final SubmissionServer server;
  private final SubmissionProperties properties;
  private final SmtpConnection connection;
  private final String hostname;

  private @Nullable String helo;
  private boolean extended;
  private volatile @Nullable MemberPrincipal member;
  private boolean memberSlot;
  private int authFailures;
  // Read by the stopping thread too (see SmtpConnection#drain).
  private volatile @Nullable String mailFrom;
  private final List<String> recipients = new ArrayList<>();
  private int commandsWithoutMail;

  SubmissionSession(SubmissionServer server, Socket socket) throws IOException {
    this.server = server;
    this.properties = server.properties();
    this.hostname = server.hostname();
    this.connection =
        new SmtpConnection(socket, properties.commandTimeout(), properties.connectionTimeout());
  }

  void run() {
    connection.serve(
        hostname,
        hostname + " ESMTP Musubi submission",
        MAX_LINE,
        new SmtpConnection.Commands() {
          @Override
          public boolean handle(SmtpCommand command) throws IOException {
            return SubmissionSession.this.handle(command);
          }

          @Override
          public boolean refuse(SmtpReply reply) throws IOException {
            return SubmissionSession.this.refuse(reply);
          }

          @Override
          public boolean inTransaction() {
            return mailFrom != null;
          }
        });
  }

  /** The signed-in member, or null before AUTH. */
  @Nullable MemberPrincipal member() {
    return member;
  }

  /** See {@link SmtpConnection#drain()}. */
  @Override
  public void drain() {
    connection.drain();
  }

  /** Closes the connection from another thread (suspension, shutdown). */
  @Override
  public void shutdown() {
    connection.close();
  }

  void releaseMember() {
    var signedIn = member;
    if (memberSlot && signedIn != null) {
      memberSlot = false;
      server.releaseMember(signedIn.memberId());
    }
  }

  private boolean handle(SmtpCommand command) throws IOException {
    return switch (command) {
      case SmtpCommand.Hello hello -> hello(hello);
      case SmtpCommand.StartTls startTls -> startTls();
      case SmtpCommand.Auth auth -> auth(auth);
      case SmtpCommand.MailFrom mail -> mailFrom(mail);
      case SmtpCommand.RcptTo rcpt -> rcptTo(rcpt);
      case SmtpCommand.Data data -> data();
      case SmtpCommand.Reset reset -> {
        resetTransaction();
        connection.reply(250, "2.0.0", "OK");
        yield countWithoutMail();
      }
      case SmtpCommand.Noop noop -> {
        connection.reply(250, "2.0.0", "OK");
        yield countWithoutMail();
      }
      case SmtpCommand.Quit quit -> {
        connection.reply(221, "2.0.0", hostname + " Bye");
        yield false;
      }
      case SmtpCommand.Verify verify ->
          refuse(SmtpReply.of(252, "2.5.0", "Cannot VRFY user, but will accept message"));
      case SmtpCommand.Expand expand -> refuse(SmtpReply.of(502, "5.5.1", "EXPN not available"));
      case SmtpCommand.Help help -> {
        connection.reply(214, "2.0.0", "See RFC 6409 and RFC 4954");
        yield countWithoutMail();
      }
      case SmtpCommand.Unsupported unsupported ->
          refuse(SmtpReply.of(502, "5.5.1", "Command not supported here"));
    };
  }

  /** Replies with an error; false when the connection must close (too many errors). */
  private boolean refuse(SmtpReply reply) throws IOException {
    connection.write(reply);
    return countWithoutMail();
  }

  private boolean countWithoutMail() throws IOException {
    if (++commandsWithoutMail > properties.maxCommandsWithoutMail()) {
      connection.reply(421, "4.7.0", hostname + " Too many commands without mail, closing");
      return false;
    }
    return true;
  }

  /** AUTH is offered on TLS, or in the clear only to loopback clients when the operator allows. */
  private boolean authAllowed() {
    return connection.tls() || (connection.loopback() && properties.allowPlaintextLoopback());
  }

  private boolean hello(SmtpCommand.Hello hello) throws IOException {
    resetTransaction();
    helo = hello.domain();
    extended = hello.extended();
    if (!extended) {
      connection.reply(250, null, hostname);
      return countWithoutMail();
    }
    var lines = new ArrayList<String>();
    lines.add(hostname + " Hello " + hello.domain());
    lines.add("SIZE " + maxMessageSize());
    lines.add("8BITMIME");
    lines.add("PIPELINING");
    lines.add("ENHANCEDSTATUSCODES");
    if (authAllowed() && member == null) {
      lines.add("AUTH PLAIN LOGIN");
    }
    if (server.tlsAvailable() && !connection.tls()) {
      lines.add("STARTTLS");
    }
    connection.write(new SmtpReply(250, null, lines));
    return countWithoutMail();
  }

  /** The server's bound, and once signed in the company's limit when lower. */
  private long maxMessageSize() {
    long max = properties.maxMessageSize().toBytes();
    var signedIn = member;
    if (signedIn != null) {
      max = Math.min(max, server.domains().policy(signedIn.tenantId()).maxMessageBytes());
    }
    return max;
  }

  private boolean startTls() throws IOException {
    if (!server.tlsAvailable()) {
      return refuse(SmtpReply.of(502, "5.5.1", "STARTTLS not available"));
    }
    if (connection.tls()) {
      return refuse(SmtpReply.of(503, "5.5.1", "TLS already active"));
    }
    connection.startTls(server.tlsContext());
    // RFC 3207 §4.2: discard everything learnt before TLS, the sign-in included.
    helo = null;
    extended = false;
    releaseMember();
    member = null;
    resetTransaction();
    return countWithoutMail();
  }

  private boolean auth(SmtpCommand.Auth auth) throws IOException {
    if (helo == null || !extended) {
      return refuse(SmtpReply.of(503, "5.5.1", "Send EHLO first"));
    }
    if (member != null) {
      // RFC 4954 §4: no second AUTH once authenticated.
      return refuse(SmtpReply.of(503, "5.5.1", "Already authenticated"));
    }
    if (mailFrom != null) {
      return refuse(SmtpReply.of(503, "5.5.1", "AUTH not allowed during a mail transaction"));
    }
    if (!authAllowed()) {
      // RFC 3207 §4 and RFC 4954 §4: credentials only over TLS.
      return refuse(SmtpReply.of(530, "5.7.0", "Must issue a STARTTLS command first"));
    }
    String loginId;
    String password;
    try {
      switch (auth.mechanism()) {
        case "PLAIN" -> {
          String response = auth.initialResponse();
          if (response == null) {
            response = challenge("");
          }
          if (response == null) {
            return refuse(SmtpReply.of(501, "5.0.0", "Authentication cancelled"));
          }
          var plain = SaslResponses.plain(response);
          loginId = plain.loginId();
          password = plain.password();
          if (!plain.authorizationId().isEmpty() && !plain.authorizationId().equals(loginId)) {
            // RFC 4616 §2: acting as someone else is not allowed here.
            return authFailed(SmtpReply.of(535, "5.7.8", "Authentication credentials invalid"));
          }
        }
        case "LOGIN" -> {
          String user = auth.initialResponse();
          if (user == null) {
            user = challenge("Username:");
          }
          if (user == null) {
            return refuse(SmtpReply.of(501, "5.0.0", "Authentication cancelled"));
          }
          loginId = SaslResponses.login(user);
          String secret = challenge("Password:");
          if (secret == null) {
            return refuse(SmtpReply.of(501, "5.0.0", "Authentication cancelled"));
          }
          password = SaslResponses.login(secret);
        }
        default -> {
          return refuse(SmtpReply.of(504, "5.5.4", "Unrecognized authentication type"));
        }
      }
    } catch (SmtpProtocolException e) {
      return refuse(e.reply());
    }
    MemberPrincipal signedIn;
    try {
      signedIn =
          server.logins().authenticate(loginId, password, connection.clientIp(), "submission");
    } catch (ProtocolLoginException e) {
      return authFailed(loginRefusal(e));
    }
    if (!server.tryAcquireMember(signedIn.memberId())) {
      connection.reply(421, "4.7.0", hostname + " Too many connections for this account");
      return false;
    }
    memberSlot = true;
    member = signedIn;
    commandsWithoutMail = 0;
    connection.reply(235, "2.7.0", "Authentication successful");
    return true;
  }

  /** Sends a {@code 334} challenge and reads the client's response line; null when it cancelled. */
  private @Nullable String challenge(String text) throws IOException, SmtpProtocolException {
    connection.write(
        SmtpReply.of(
            334,
            null,
            text.isEmpty()
                ? ""
                : Base64.getEncoder()
                    .encodeToString(text.getBytes(java.nio.charset.StandardCharsets.US_ASCII))));
    connection.flush();
    String line = connection.in().readLine(MAX_LINE);
    return SaslResponses.cancelled(line) ? null : line;
  }

  /** The reply for a refused sign-in; never says whether the login ID exists. */
  private static SmtpReply loginRefusal(ProtocolLoginException e) {
    return switch (e.reason()) {
      case INVALID -> SmtpReply.of(535, "5.7.8", "Authentication credentials invalid");
      // RFC 4954 §6: 454 4.7.0 is a temporary authentication failure.
      case THROTTLED ->
          SmtpReply.of(
              454,
              "4.7.0",
              "Too many attempts, try again in " + Math.max(1, e.retryAfterSeconds()) + " seconds");
      case APP_PASSWORD_REQUIRED, IP_NOT_ALLOWED, PASSWORD_EXPIRED, INSUFFICIENT_SCOPE ->
          SmtpReply.of(535, "5.7.8", e.getMessage());
    };
  }

  private boolean authFailed(SmtpReply reply) throws IOException {
    connection.write(reply);
    if (++authFailures >= properties.maxAuthFailures()) {
      connection.reply(421, "4.7.0", hostname + " Too many failed sign-ins, closing");
      return false;
    }
    return countWithoutMail();
  }

  private boolean mailFrom(SmtpCommand.MailFrom mail) throws IOException {
    if (helo == null) {
      return refuse(SmtpReply.of(503, "5.5.1", "Send EHLO or HELO first"));
    }
    var signedIn = member;
    if (signedIn == null) {
      // RFC 4954 §6: authentication required.
      return refuse(SmtpReply.of(530, "5.7.0", "Authentication required"));
    }
    if (mailFrom != null) {
      return refuse(SmtpReply.of(503, "5.5.1", "Nested MAIL command"));
    }
    if (!server.logins().stillActive(signedIn)) {
      connection.reply(421, "4.7.0", hostname + " Your sign-in is no longer valid, closing");
      return false;
    }
    if (mail.smtpUtf8()) {
      return refuse(SmtpReply.of(555, "5.5.4", "SMTPUTF8 is not offered here"));
    }
    // RFC 1870 §6.1: refuse a declared size above the limit before any data is sent.
    if (mail.size() > maxMessageSize()) {
      server.count("refused", "too-large");
      return refuse(SmtpReply.of(552, "5.3.4", "Message size exceeds fixed maximum message size"));
    }
    String from = mail.reversePath();
    boolean own =
        !from.isEmpty()
            && server.sending().identities(signedIn).stream()
                .anyMatch(identity -> identity.address().equalsIgnoreCase(from));
    if (!own) {
      server.count("refused", "sender-identity");
      return refuse(
          SmtpReply.of(553, "5.7.1", "You can only send as your own addresses and aliases"));
    }
    mailFrom = from;
    connection.reply(250, "2.1.0", "Sender OK");
    return true;
  }

  private boolean rcptTo(SmtpCommand.RcptTo rcpt) throws IOException {
    if (mailFrom == null) {
      return refuse(SmtpReply.of(503, "5.5.1", "Need MAIL before RCPT"));
    }
    String address = rcpt.forwardPath();
    if (!address.chars().allMatch(c -> c < 0x80)) {
      return refuse(SmtpReply.of(553, "5.6.7", "Non-ASCII address needs SMTPUTF8"));
    }
    if (recipients.stream().anyMatch(address::equalsIgnoreCase)) {
      connection.reply(250, "2.1.5", "Recipient OK");
      return true;
    }
    if (recipients.size() >= MailSending.MAX_RECIPIENTS) {
      // RFC 5321 §4.5.3.1.10: too many recipients is 452, the client sends the rest later.
      return refuse(SmtpReply.of(452, "4.5.3", "Too many recipients"));
    }
    Optional<MailDomains.Resolved> here;
    try {
      here = server.domains().resolve(address);
    } catch (RuntimeException e) {
      log.warn("Submission recipient lookup failed: {}", e.toString());
      return refuse(SmtpReply.of(451, "4.3.0", "Temporary lookup failure"));
    }
    if (here.isPresent() && here.get().members().isEmpty()) {
      return refuse(SmtpReply.of(550, "5.1.1", "No such user here"));
    }
    recipients.add(address);
    connection.reply(250, "2.1.5", "Recipient OK");
    return true;
  }

  private boolean data() throws IOException {
    var signedIn = member;
    if (mailFrom == null || signedIn == null) {
      return refuse(SmtpReply.of(503, "5.5.1", "Need MAIL before DATA"));
    }
    if (recipients.isEmpty()) {
      return refuse(SmtpReply.of(554, "5.5.1", "No valid recipients"));
    }
    long max = maxMessageSize();
    connection.reply(354, null, "End data with <CR><LF>.<CR><LF>");
    connection.flush();
    try {
      var message = new ByteArrayOutputStream(8192);
      // RFC 5322 §2.1.1: 998 characters plus CRLF.
      SmtpInput.DataResult result = connection.in().readData(message, max, 1000);
      connection.write(send(signedIn, result, message));
    } finally {
      resetTransaction();
    }
    return true;
  }

  private SmtpReply send(
      MemberPrincipal signedIn, SmtpInput.DataResult result, ByteArrayOutputStream message) {
    switch (result.outcome()) {
      case TOO_LARGE -> {
        server.count("refused", "too-large");
        return SmtpReply.of(552, "5.3.4", "Message too big for your company's limit");
      }
      case LINE_TOO_LONG -> {
        server.count("refused", "line-too-long");
        return SmtpReply.of(554, "5.5.2", "Text line too long");
      }
      case BARE_NEWLINE -> {
        server.count("refused", "bare-newline");
        return SmtpReply.of(554, "5.5.2", "Bare CR or LF in message, use CRLF");
      }
      case COMPLETE -> {}
    }
    if (!server.logins().stillActive(signedIn)) {
      server.count("refused", "inactive");
      return SmtpReply.of(554, "5.7.1", "Your sign-in is no longer valid");
    }
    try {
      server
          .sending()
          .submit(
              signedIn,
              java.util.Objects.requireNonNull(mailFrom),
              List.copyOf(recipients),
              message.toByteArray(),
              true);
      server.count("sent", "none");
      commandsWithoutMail = 0;
      return SmtpReply.of(250, "2.0.0", "OK, message sent");
    } catch (ProblemException e) {
      server.count("refused", e.type());
      return refusal(e);
    } catch (IOException | RuntimeException e) {
      log.warn("Submission from {} failed: {}", connection.clientIp(), e.toString());
      server.count("refused", "error");
      return SmtpReply.of(451, "4.3.0", "Temporary failure, try again later");
    }
  }

  /** {@link MailSending#submit}'s problem as an SMTP reply. */
  static SmtpReply refusal(ProblemException e) {
    String detail = e.getMessage() == null ? "Refused" : e.getMessage();
    return switch (e.type()) {
      case "sender-identity" -> SmtpReply.of(550, "5.7.1", detail);
      case "too-large" -> SmtpReply.of(552, "5.3.4", detail);
      case "validation" -> {
        boolean unknown =
            e.errors().stream().anyMatch(error -> error.code().equals("unknown_recipient"));
        String text = e.errors().isEmpty() ? detail : e.errors().getFirst().message();
        yield unknown ? SmtpReply.of(550, "5.1.1", text) : SmtpReply.of(554, "5.6.0", text);
      }
      default ->
          e.status().is5xxServerError()
              ? SmtpReply.of(451, "4.3.0", "Temporary failure, try again later")
              : SmtpReply.of(554, "5.7.0", detail);
    };
  }

  private void resetTransaction() {
    mailFrom = null;
    recipients.clear();
  }
}
