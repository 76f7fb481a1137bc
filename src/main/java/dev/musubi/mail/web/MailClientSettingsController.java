package dev.musubi.mail.web;

import dev.musubi.mail.imap.ImapProperties;
import dev.musubi.mail.imap.ImapServer;
import dev.musubi.mail.smtp.SmtpProperties;
import dev.musubi.mail.submission.SubmissionProperties;
import dev.musubi.mail.submission.SubmissionServer;
import dev.musubi.platform.security.CurrentMember;
import java.net.URI;
import org.jspecify.annotations.Nullable;
import org.springframework.core.env.Environment;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** What a member types into a mail app (Thunderbird, iPhone Mail, Outlook) to use Musubi mail. */
@RestController
@RequestMapping("/api/v1/me")
class MailClientSettingsController {

  /**
   * The server settings for mail apps.
   *
   * @param host the server name clients connect to: the host of {@code musubi.public-url}, else
   *     {@code musubi.smtp.hostname}
   * @param loginId the member's login ID, the user name in the mail app
   * @param imapPort the IMAP port with STARTTLS ({@code musubi.imap.port}, 1143 by default)
   * @param imapsPort the IMAP port with implicit TLS, or null when there is none
   * @param submissionPort the SMTP submission port with STARTTLS
   * @param submissionTlsPort the submission port with implicit TLS, or null when there is none
   * @param startTls whether the ports offer STARTTLS (a key store is configured)
   */
  record MailClientSettings(
      String host,
      String loginId,
      int imapPort,
      @Nullable Integer imapsPort,
      int submissionPort,
      @Nullable Integer submissionTlsPort,
      boolean startTls) {}

  private final Environment env;
  private final SmtpProperties smtp;
  private final SubmissionProperties submission;
  private final SubmissionServer server;
  private final ImapProperties imap;
  private final ImapServer imapServer;

  MailClientSettingsController(
      Environment env,
      SmtpProperties smtp,
      SubmissionProperties submission,
      SubmissionServer server,
      ImapProperties imap,
      ImapServer imapServer) {
    this.env = env;
    this.smtp = smtp;
    this.submission = submission;
    this.server = server;
    this.imap = imap;
    this.imapServer = imapServer;
  }

  @GetMapping("/mail-client-settings")
  MailClientSettings settings() {
    var member = CurrentMember.get();
    // The bound ports when listening (a configured 0 picks one), else the configured ones.
    int submissionPort = server.port() > 0 ? server.port() : submission.port();
    Integer submissionTlsPort =
        server.tlsPort() > 0
            ? Integer.valueOf(server.tlsPort())
            : smtp.tls().configured() ? submission.tlsPort() : null;
    int imapPort = imapServer.port() > 0 ? imapServer.port() : imap.port();
    Integer imapsPort =
        imapServer.tlsPort() > 0
            ? Integer.valueOf(imapServer.tlsPort())
            : imap.tls() != null && imap.tls().configured() && imap.tlsPort() > 0
                ? imap.tlsPort()
                : null;
    return new MailClientSettings(
        host(),
        member.loginId(),
        imapPort,
        imapsPort,
        submissionPort,
        submissionTlsPort,
        smtp.tls().configured());
  }

  private String host() {
    String publicUrl = env.getProperty("musubi.public-url", "");
    if (!publicUrl.isBlank()) {
      try {
        String host = URI.create(publicUrl.strip()).getHost();
        if (host != null && !host.isBlank()) {
          return host;
        }
      } catch (IllegalArgumentException e) {
        // Not a URL: fall back to the mail host name.
      }
    }
    return smtp.hostname();
  }
}
