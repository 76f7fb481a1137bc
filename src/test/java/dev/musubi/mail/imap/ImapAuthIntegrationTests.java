package dev.musubi.mail.imap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.testing.ApiClient;
import dev.musubi.testing.Fixtures;
import dev.musubi.testing.Policies;
import dev.musubi.testing.TestClock;
import dev.musubi.testing.TotpCodes;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Sign-in over IMAP through ProtocolLogins: wrong password, lockout, two-step members and app
 * passwords, AUTHENTICATE PLAIN (with and without SASL-IR), STARTTLS and the implicit TLS port, the
 * per-member connection limit, and suspension closing open sessions with BYE.
 */
class ImapAuthIntegrationTests extends ImapIntegrationTestBase {

  @Autowired TestClock clock;

  @AfterEach
  void resetClock() {
    clock.reset();
  }

  @Test
  void wrongPasswordIsRefusedWithAuthenticationFailed() throws Exception {
    var fixtures = fixtures();
    var company = fixtures.company();
    var member = fixtures.member(company, "auth1");
    try (var wire = new ImapWire(nextSource(), port())) {
      assertThat(wire.readLine()).startsWith("* OK [CAPABILITY IMAP4rev1").contains("AUTH=PLAIN");
      assertThat(
              wire.command("a", "LOGIN \"" + member.loginId() + "\" \"wrong-Password-1\"")
                  .getLast())
          .isEqualTo("a NO [AUTHENTICATIONFAILED] Invalid credentials");
      // Still not signed in: mailbox commands are refused.
      assertThat(wire.command("b", "SELECT INBOX").getLast()).startsWith("b BAD");
      assertThat(wire.command("c", "LOGIN nobody@nowhere.example x").getLast())
          .isEqualTo("c NO [AUTHENTICATIONFAILED] Invalid credentials");
    }
  }

  @Test
  void repeatedFailuresLockTheAccountForImapToo() throws Exception {
    var fixtures = fixtures();
    var company = fixtures.company();
    var member = fixtures.member(company, "auth2");
    Policies.update(company.admin(), Map.of("lockoutThreshold", 3));
    try (var wire = new ImapWire(nextSource(), port())) {
      wire.readLine();
      for (int i = 0; i < 3; i++) {
        assertThat(wire.command("a" + i, "LOGIN " + member.loginId() + " Wrong-" + i).getLast())
            .startsWith("a" + i + " NO [");
      }
    }
    try (var wire = new ImapWire(nextSource(), port())) {
      wire.readLine();
      assertThat(
              wire.command("z", "LOGIN " + member.loginId() + " \"" + Fixtures.PASSWORD + "\"")
                  .getLast())
          .startsWith("z NO [");
    }
  }

  @Test
  void twoStepMembersMustUseAnAppPasswordWhichWorksWithAuthenticatePlain() throws Exception {
    var fixtures = fixtures();
    var company = fixtures.company();
    var member = fixtures.member(company, "auth3");
    ApiClient.Response setup = member.client().post("/api/v1/me/mfa/totp/setup", null);
    String secret = setup.json().get("secret").asString();
    assertThat(
            member
                .client()
                .post(
                    "/api/v1/me/mfa/totp/activate",
                    Map.of("code", TotpCodes.at(secret, clock.instant())))
                .status())
        .isEqualTo(200);
    String appPassword =
        member
            .client()
            .post(
                "/api/v1/me/tokens",
                Map.of("name", "Thunderbird", "scopes", List.of("read", "write")))
            .json()
            .get("token")
            .asString();
    try (var wire = new ImapWire(nextSource(), port())) {
      wire.readLine();
      assertThat(
              wire.command("a", "LOGIN " + member.loginId() + " \"" + Fixtures.PASSWORD + "\"")
                  .getLast())
          .startsWith("a NO [AUTHENTICATIONFAILED]")
          .contains("app password");
      String plain = plain("", member.loginId(), appPassword);
      assertThat(wire.command("b", "AUTHENTICATE PLAIN " + plain).getLast()).startsWith("b OK");
      assertThat(wire.command("c", "SELECT INBOX").getLast()).startsWith("c OK [READ-WRITE]");
    }
    // Without SASL-IR: the server asks with "+ " and reads the response line.
    try (var wire = new ImapWire(nextSource(), port())) {
      wire.readLine();
      wire.line("a AUTHENTICATE PLAIN");
      assertThat(wire.readLine()).isEqualTo("+ ");
      wire.line(plain("", member.loginId(), appPassword));
      assertThat(wire.until("a").getLast()).startsWith("a OK");
    }
    try (var wire = new ImapWire(nextSource(), port())) {
      wire.readLine();
      assertThat(
              wire.command(
                      "a",
                      "AUTHENTICATE PLAIN " + plain("someone-else", member.loginId(), appPassword))
                  .getLast())
          .startsWith("a NO [AUTHORIZATIONFAILED]");
      assertThat(wire.command("b", "AUTHENTICATE PLAIN !!!notbase64").getLast())
          .startsWith("b BAD");
      assertThat(wire.command("c", "AUTHENTICATE CRAM-MD5").getLast()).startsWith("c NO [CANNOT]");
    }
  }

  @Test
  void suspendingAMemberEndsTheirOpenSessionsWithBye() throws Exception {
    var fixtures = fixtures();
    var company = fixtures.company();
    var member = fixtures.member(company, "auth4");
    try (var wire = signedIn(member)) {
      assertThat(wire.command("s", "SELECT INBOX").getLast()).startsWith("s OK");
      wire.line("i IDLE");
      assertThat(wire.readLine()).startsWith("+ ");
      assertThat(
              company
                  .admin()
                  .post("/api/v1/admin/members/" + member.id() + "/suspend", null)
                  .status())
          .isEqualTo(200);
      List<String> rest = new ArrayList<>();
      String line;
      while ((line = wire.readLine()) != null) {
        rest.add(line);
      }
      assertThat(rest).anyMatch(l -> l.startsWith("* BYE"));
    }
  }

  @Autowired ImapProperties properties;
  @Autowired dev.musubi.mail.Mailboxes mailboxes;
  @Autowired dev.musubi.mail.MailDomains domains;
  @Autowired dev.musubi.identity.ProtocolLogins logins;

  @Test
  void stoppingLetsAnAppendOnItsWayFinishAndSaysByeToIdleSessions() throws Exception {
    var fixtures = fixtures();
    var member = fixtures.member(fixtures.company(), "auth9");
    // A server of its own (plain port only), so that the suite's shared one keeps running.
    var p = properties;
    var own =
        new ImapServer(
            new ImapProperties(
                true,
                0,
                -1,
                p.address(),
                p.hostname(),
                p.maxConnections(),
                p.maxConnectionsPerAddress(),
                p.maxConnectionsPerMember(),
                p.maxLineLength(),
                p.maxBadCommands(),
                p.loginTimeout(),
                p.idleTimeout(),
                p.allowPlaintextLoopback(),
                p.tls()),
            mailboxes,
            domains,
            logins,
            clock,
            new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
    own.start();
    int ownPort = own.port();
    String token = "stopping" + java.util.UUID.randomUUID().toString().replace("-", "");
    byte[] message =
        ("From: <a@outside.example>\r\nSubject: " + token + "\r\n\r\nStill stored.\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    String login = "LOGIN \"" + member.loginId() + "\" \"" + Fixtures.PASSWORD + "\"";
    try (var idle = new ImapWire(nextSource(), ownPort);
        var appending = new ImapWire(nextSource(), ownPort)) {
      for (var wire : List.of(idle, appending)) {
        wire.readLine();
        assertThat(wire.command("l", login).getLast()).startsWith("l OK");
      }
      assertThat(idle.command("s", "SELECT INBOX").getLast()).startsWith("s OK");
      idle.line("i IDLE");
      assertThat(idle.readLine()).startsWith("+ ");
      appending.line("a APPEND INBOX {" + message.length + "}");
      assertThat(appending.readLine()).startsWith("+ ");
      appending.send(new String(message, 0, 20, StandardCharsets.US_ASCII));

      var stopping = java.util.concurrent.CompletableFuture.runAsync(own::stop);
      // The idling client hears BYE and the connection ends; nobody new gets in.
      assertThat(idle.until("i")).contains("* BYE Server shutting down").endsWith("<closed>");
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(10))
          .until(
              () -> {
                try (var probe = new java.net.Socket("127.0.0.1", ownPort)) {
                  return false;
                } catch (java.net.ConnectException refused) {
                  return true;
                }
              });
      assertThat(stopping).isNotDone();

      // The APPEND on its way is still stored and acknowledged, then the session says BYE.
      appending.send(
          new String(message, 20, message.length - 20, StandardCharsets.US_ASCII) + "\r\n");
      assertThat(appending.until("a").getLast()).startsWith("a OK [APPENDUID ");
      assertThat(appending.readLine()).isEqualTo("* BYE Server shutting down");
      assertThat(appending.readLine()).isNull();
      stopping.get(30, java.util.concurrent.TimeUnit.SECONDS);
    }
    assertThat(own.isRunning()).isFalse();
    try (var wire = signedIn(member)) {
      assertThat(wire.command("s", "SELECT INBOX").getLast()).startsWith("s OK");
      assertThat(wire.command("f", "SEARCH SUBJECT " + token)).contains("* SEARCH 1");
    }
  }

  @Test
  void startTlsAndTheImplicitTlsPortCarryTheSameSignIn() throws Exception {
    var fixtures = fixtures();
    var company = fixtures.company();
    var member = fixtures.member(company, "auth5");
    try (var wire = new ImapWire(nextSource(), port())) {
      assertThat(wire.readLine()).contains("STARTTLS");
      assertThat(wire.command("t", "STARTTLS").getLast())
          .isEqualTo("t OK Begin TLS negotiation now");
      SSLSocket tls =
          (SSLSocket)
              trustAll().getSocketFactory().createSocket(wire.socket, "127.0.0.1", port(), true);
      tls.startHandshake();
      wire.useSocket(tls);
      List<String> caps = wire.command("c", "CAPABILITY");
      assertThat(caps.getFirst()).doesNotContain("STARTTLS").contains("AUTH=PLAIN");
      assertThat(
              wire.command("l", "LOGIN " + member.loginId() + " \"" + Fixtures.PASSWORD + "\"")
                  .getLast())
          .startsWith("l OK");
    }
    try (var socket =
        (SSLSocket) trustAll().getSocketFactory().createSocket("127.0.0.1", server.tlsPort())) {
      socket.setSoTimeout(10_000);
      socket.startHandshake();
      var reader =
          new java.io.BufferedReader(
              new java.io.InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      assertThat(reader.readLine()).startsWith("* OK").doesNotContain("STARTTLS");
    }
  }

  @Test
  void commandsSentWithStartTlsBeforeTheHandshakeEndTheConnection() throws Exception {
    try (var wire = new ImapWire(nextSource(), port())) {
      wire.readLine();
      wire.send("t STARTTLS\r\nx LOGIN a b\r\n");
      List<String> lines = new ArrayList<>();
      String line;
      while ((line = wire.readLine()) != null) {
        lines.add(line);
      }
      assertThat(lines).anyMatch(l -> l.startsWith("* BYE"));
    }
  }

  @Test
  void aMemberCannotHoldMoreConnectionsThanTheLimit() throws Exception {
    var fixtures = fixtures();
    var company = fixtures.company();
    var member = fixtures.member(company, "auth6");
    List<ImapWire> open = new ArrayList<>();
    try {
      for (int i = 0; i < 4; i++) {
        open.add(signedIn(member));
      }
      try (var wire = new ImapWire(nextSource(), port())) {
        wire.readLine();
        assertThat(
                wire.command("a", "LOGIN " + member.loginId() + " \"" + Fixtures.PASSWORD + "\"")
                    .getLast())
            .isEqualTo("a NO [LIMIT] Too many connections for this account");
      }
    } finally {
      for (ImapWire w : open) {
        w.close();
      }
    }
  }

  @Test
  void oneAddressCannotOpenMoreConnectionsThanTheLimitAndReadinessIncludesImap() throws Exception {
    String source = nextSource();
    List<ImapWire> open = new ArrayList<>();
    try {
      for (int i = 0; i < 6; i++) {
        var wire = new ImapWire(source, port());
        assertThat(wire.readLine()).startsWith("* OK");
        open.add(wire);
      }
      try (var refused = new ImapWire(source, port())) {
        assertThat(refused.readLine()).isEqualTo("* BYE Too many connections, try again later");
        assertThat(refused.readLine()).isNull();
      }
    } finally {
      for (ImapWire w : open) {
        w.close();
      }
    }
    assertThat(fixtures().client().get("/actuator/health/readiness").status()).isEqualTo(200);
  }

  @Test
  void aRevokedAppPasswordEndsItsSessionAtTheNextCommand() throws Exception {
    var fixtures = fixtures();
    var company = fixtures.company();
    var member = fixtures.member(company, "auth7");
    var created =
        member
            .client()
            .post("/api/v1/me/tokens", Map.of("name", "Phone", "scopes", List.of("read", "write")))
            .json();
    try (var wire = new ImapWire(nextSource(), port())) {
      wire.readLine();
      assertThat(
              wire.command(
                      "a",
                      "LOGIN " + member.loginId() + " \"" + created.get("token").asString() + "\"")
                  .getLast())
          .startsWith("a OK");
      assertThat(
              member.client().delete("/api/v1/me/tokens/" + created.get("id").asString()).status())
          .isEqualTo(204);
      assertThat(wire.command("b", "NOOP"))
          .containsExactly("* BYE Sign-in no longer valid", "<closed>");
    }
  }

  @Test
  void aConnectionThatDoesNotSignInIsClosedAfterTheLoginTimeout() throws Exception {
    try (var wire = new ImapWire(nextSource(), port())) {
      assertThat(wire.readLine()).startsWith("* OK");
      // The test profile allows 10 s before sign-in; the wire's own read timeout is 30 s.
      assertThat(wire.readLine()).isEqualTo("* BYE Autologout; idle for too long");
      assertThat(wire.readLine()).isNull();
    }
  }

  static String plain(String authzid, String user, String password) {
    return Base64.getEncoder()
        .encodeToString((authzid + "\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
  }

  static SSLContext trustAll() throws Exception {
    var context = SSLContext.getInstance("TLS");
    context.init(
        null,
        new TrustManager[] {
          new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public X509Certificate[] getAcceptedIssuers() {
              return new X509Certificate[0];
            }
          }
        },
        null);
    return context;
  }
}
