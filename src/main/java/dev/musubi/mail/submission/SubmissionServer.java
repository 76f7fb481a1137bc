package dev.musubi.mail.submission;

import dev.musubi.identity.MemberSuspended;
import dev.musubi.identity.ProtocolLogins;
import dev.musubi.mail.MailDomains;
import dev.musubi.mail.MailSending;
import dev.musubi.mail.internal.ConnectionLimits;
import dev.musubi.mail.internal.ProtocolSessions;
import dev.musubi.mail.smtp.SmtpAcceptor;
import dev.musubi.mail.smtp.SmtpProperties;
import dev.musubi.mail.smtp.SmtpTls;
import dev.musubi.platform.AfterCommit;
import dev.musubi.platform.security.MemberPrincipal;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The submission server: a STARTTLS port and, when configured, an implicit-TLS port, one virtual
 * thread per connection, bounded per client address and per signed-in member. Closes a member's
 * connections when {@link MemberSuspended} names them.
 */
@Component
public class SubmissionServer implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(SubmissionServer.class);

  private final SubmissionProperties properties;
  private final SmtpProperties smtp;
  private final ProtocolLogins logins;
  private final MailSending sending;
  private final MailDomains domains;
  private final MeterRegistry meters;
  private final SmtpAcceptor acceptor;
  private final ConnectionLimits memberLimits;
  private final ProtocolSessions<SubmissionSession> sessions;

  private volatile @Nullable ServerSocket serverSocket;
  private volatile @Nullable ServerSocket tlsServerSocket;
  private volatile @Nullable String notStartedReason;
  private volatile @Nullable SSLContext sslContext;

  SubmissionServer(
      SubmissionProperties properties,
      SmtpProperties smtp,
      ProtocolLogins logins,
      MailSending sending,
      MailDomains domains,
      MeterRegistry meters) {
    this.properties = properties;
    this.smtp = smtp;
    this.logins = logins;
    this.sending = sending;
    this.domains = domains;
    this.meters = meters;
    this.acceptor =
        new SmtpAcceptor(
            "submission",
            smtp.hostname(),
            properties.maxConnections(),
            properties.maxConnectionsPerAddress(),
            this::serve,
            () -> count("refused", "connections"));
    this.memberLimits =
        new ConnectionLimits(Integer.MAX_VALUE, properties.maxConnectionsPerMember());
    this.sessions =
        new ProtocolSessions<>(
            "musubi.submission.sessions", "Open SMTP submission connections", meters);
  }

  @Override
  public synchronized void start() {
    if (serverSocket != null) {
      return;
    }
    if (!properties.enabled()) {
      notStartedReason = "disabled (musubi.submission.enabled=false)";
      log.info("Submission server not started: {}", notStartedReason);
      return;
    }
    try {
      sslContext = smtp.tls().configured() ? SmtpTls.context(smtp.tls()) : null;
      var socket =
          SmtpAcceptor.bind(properties.address(), properties.port(), properties.maxConnections());
      serverSocket = socket;
      acceptor.start(socket);
      Integer tlsPort = properties.tlsPort();
      if (tlsPort != null && sslContext != null) {
        var secure = SmtpAcceptor.bind(properties.address(), tlsPort, properties.maxConnections());
        tlsServerSocket = secure;
        acceptor.start(secure);
      } else if (tlsPort != null) {
        log.warn("Submission TLS port not opened: no key store (musubi.smtp.tls.key-store)");
      }
      notStartedReason = null;
      log.info(
          "Submission server listening on {}:{}{}{}",
          properties.address(),
          socket.getLocalPort(),
          sslContext != null ? " (STARTTLS)" : "",
          tlsServerSocket != null ? ", implicit TLS on " + tlsPort() : "");
    } catch (IOException | GeneralSecurityException e) {
      notStartedReason = "cannot listen: " + e.getMessage();
      stop();
      throw new IllegalStateException("Submission server cannot start: " + e.getMessage(), e);
    }
  }

  private void serve(Socket connection) throws IOException {
    var secure = tlsServerSocket;
    boolean implicitTls = secure != null && connection.getLocalPort() == secure.getLocalPort();
    Socket socket = connection;
    if (implicitTls) {
      connection.setSoTimeout(
          (int) Math.min(Integer.MAX_VALUE, properties.commandTimeout().toMillis()));
      socket = SmtpTls.handshake(java.util.Objects.requireNonNull(sslContext), connection);
    }
    var session = new SubmissionSession(this, socket);
    sessions.add(session);
    try {
      session.run();
    } finally {
      sessions.remove(session);
      session.releaseMember();
    }
  }

  /**
   * Closes every connection signed in as the suspended or deleted member once that has committed
   * (no event publication record: only this process's sockets are involved).
   */
  @EventListener
  void on(MemberSuspended event) {
    AfterCommit.run(
        () -> {
          for (SubmissionSession session : sessions) {
            MemberPrincipal member = session.member();
            if (member != null
                && member.tenantId().equals(event.tenantId())
                && member.memberId().equals(event.memberId())) {
              session.shutdown();
            }
          }
        });
  }

  @Override
  public synchronized void stop() {
    var socket = serverSocket;
    var secure = tlsServerSocket;
    serverSocket = null;
    tlsServerSocket = null;
    for (var s : new ServerSocket[] {socket, secure}) {
      if (s != null) {
        try {
          s.close();
        } catch (IOException ignored) {
          // Already closed.
        }
      }
    }
    if (socket != null) {
      // Like inbound SMTP: idle clients hear 421 at once, a message on its way is still sent.
      sessions.drain(ProtocolSessions.DRAIN);
      log.info("Submission server stopped");
    }
  }

  /** Drains in the background, so that the mail servers stopping in this phase drain together. */
  @Override
  public void stop(Runnable callback) {
    ProtocolSessions.stopInBackground("submission-stop", this::stop, callback);
  }

  @Override
  public boolean isRunning() {
    return serverSocket != null;
  }

  /** Stop before the rest of the application (and the store) goes down. */
  @Override
  public int getPhase() {
    return SmartLifecycle.DEFAULT_PHASE - 100;
  }

  /** The bound STARTTLS port, or {@code -1} when not listening. */
  public int port() {
    var socket = serverSocket;
    return socket == null ? -1 : socket.getLocalPort();
  }

  /** The bound implicit-TLS port, or {@code -1} when there is none. */
  public int tlsPort() {
    var socket = tlsServerSocket;
    return socket == null ? -1 : socket.getLocalPort();
  }

  /** Whether STARTTLS (and the implicit-TLS port, when configured) is available. */
  public boolean tlsAvailable() {
    return sslContext != null;
  }

  /** Why the server is not listening, or {@code null} when it is. */
  public @Nullable String notStartedReason() {
    return notStartedReason;
  }

  int openSessions() {
    return sessions.size();
  }

  SubmissionProperties properties() {
    return properties;
  }

  String hostname() {
    return smtp.hostname();
  }

  ProtocolLogins logins() {
    return logins;
  }

  MailSending sending() {
    return sending;
  }

  MailDomains domains() {
    return domains;
  }

  SSLContext tlsContext() {
    return java.util.Objects.requireNonNull(sslContext);
  }

  boolean tryAcquireMember(UUID memberId) {
    return memberLimits.tryAcquire(memberId.toString());
  }

  void releaseMember(UUID memberId) {
    memberLimits.release(memberId.toString());
  }

  void count(String result, String reason) {
    Counter.builder("musubi.submission.messages")
        .description("Submitted messages sent or refused")
        .tag("result", result)
        .tag("reason", reason)
        .register(meters)
        .increment();
  }
}
