package dev.musubi.mail.submission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.identity.ProtocolLoginException;
import dev.musubi.identity.ProtocolLogins;
import dev.musubi.mail.smtp.SmtpWire;
import dev.musubi.testing.ApiClient;
import dev.musubi.testing.Fixtures;
import dev.musubi.testing.Policies;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * What submission refuses, each with its SMTP reply, and that nothing was sent or kept: no AUTH,
 * AUTH before TLS, bad passwords and the lockout, two-step members with their password, throttled
 * addresses, foreign senders, oversized messages, the per-member connection limit.
 */
class SubmissionRefusalsIntegrationTests extends SubmissionIntegrationTestBase {

  @Autowired JdbcClient jdbc;
  @Autowired ProtocolLogins logins;

  Fixtures fixtures;
  Fixtures.TestCompany company;
  Fixtures.TestMember tanaka;
  Fixtures.TestMember suzuki;

  @BeforeEach
  void company() {
    fixtures = new Fixtures(httpPort);
    company = fixtures.company();
    tanaka = fixtures.member(company, "tanaka");
    suzuki = fixtures.member(company, "suzuki");
  }

  /** Nothing was sent: no message stored for anyone in the company, nothing logged or queued. */
  @AfterEach
  void nothingLeaked() {
    for (String table : List.of("mail_message", "mail_log", "mail_outbound")) {
      assertThat(
              jdbc.sql("SELECT COUNT(*) FROM " + table + " WHERE tenant_id = ?")
                  .param(company.id())
                  .query(Long.class)
                  .single())
          .as(table)
          .isZero();
    }
  }

  String own() {
    return "tanaka@" + company.domain();
  }

  String message(String from, int bodyOctets) {
    var body = new StringBuilder();
    while (body.length() < bodyOctets) {
      body.append("x".repeat(70)).append("\r\n");
    }
    return "From: "
        + from
        + "\r\nTo: suzuki@"
        + company.domain()
        + "\r\nSubject: refused\r\n\r\n"
        + body
        + "\r\n.\r\n";
  }

  @Test
  void mailBeforeAuthIs530AndAuthBeforeTlsIs530() throws Exception {
    try (var wire = new SmtpWire(nextAddress(), server.port())) {
      assertThat(wire.readLine()).startsWith("220 ");
      wire.line("EHLO client.example");
      List<String> ehlo = wire.reply();
      assertThat(ehlo).anyMatch(l -> l.contains("STARTTLS")).noneMatch(l -> l.contains("AUTH"));
      wire.line("AUTH PLAIN " + plain(tanaka.loginId(), Fixtures.PASSWORD));
      assertThat(wire.last()).startsWith("530 5.7.0");
      wire.line("MAIL FROM:<" + own() + ">");
      assertThat(wire.last()).startsWith("530 5.7.0");
      wire.line("RCPT TO:<suzuki@" + company.domain() + ">");
      assertThat(wire.last()).startsWith("503");
      wire.line("DATA");
      assertThat(wire.last()).startsWith("503");
    }
    try (var wire = secureWire(nextAddress())) {
      wire.line("MAIL FROM:<" + own() + ">");
      assertThat(wire.last()).startsWith("530 5.7.0 Authentication required");
    }
  }

  @Test
  void badPasswordsAre535AndThePolicyLocksTheAccount() throws Exception {
    Policies.update(company.admin(), Map.of("lockoutThreshold", 3));
    try (var wire = secureWire(nextAddress())) {
      assertThat(authPlain(wire, tanaka.loginId(), "Wrong-password-1")).startsWith("535 5.7.8");
      // AUTH LOGIN, with its two challenges.
      wire.line("AUTH LOGIN");
      assertThat(wire.last()).isEqualTo("334 VXNlcm5hbWU6");
      wire.line(Base64.getEncoder().encodeToString(tanaka.loginId().getBytes()));
      assertThat(wire.last()).isEqualTo("334 UGFzc3dvcmQ6");
      wire.line(Base64.getEncoder().encodeToString("Wrong-password-2".getBytes()));
      assertThat(wire.last()).startsWith("535 5.7.8");
      assertThat(authPlain(wire, tanaka.loginId(), "Wrong-password-3")).startsWith("535 5.7.8");
      // Three failures on one connection close it.
      assertThat(wire.readLine()).startsWith("421 4.7.0");
      assertThat(wire.readLine()).isNull();
    }
    try (var wire = secureWire(nextAddress())) {
      // Locked: the right password is refused exactly like a wrong one.
      assertThat(authPlain(wire, tanaka.loginId(), Fixtures.PASSWORD))
          .isEqualTo("535 5.7.8 Authentication credentials invalid");
    }
    assertThat(
            jdbc.sql(
                    "SELECT COUNT(*) FROM audit_event WHERE tenant_id = ? AND action = 'LOGIN_FAILED'")
                .param(company.id())
                .query(Long.class)
                .single())
        .isGreaterThanOrEqualTo(4);
  }

  @Test
  void malformedAndCancelledAuthExchangesAreRefused() throws Exception {
    try (var wire = secureWire(nextAddress())) {
      wire.line("AUTH PLAIN not-base64!");
      assertThat(wire.last()).startsWith("501 5.5.2");
      wire.line("AUTH PLAIN");
      assertThat(wire.last()).isEqualTo("334 ");
      wire.line("*");
      assertThat(wire.last()).startsWith("501 5.0.0");
      wire.line("AUTH CRAM-MD5");
      assertThat(wire.last()).startsWith("504 5.5.4");
      wire.line(
          "AUTH PLAIN "
              + Base64.getEncoder()
                  .encodeToString(
                      ("kanri@"
                              + company.domain()
                              + "\0"
                              + tanaka.loginId()
                              + "\0"
                              + Fixtures.PASSWORD)
                          .getBytes()));
      assertThat(wire.last()).startsWith("535 5.7.8");
    }
  }

  @Test
  void aTwoStepMemberNeedsAnAppPasswordAndAReadOnlyOneIsRefused() throws Exception {
    String readOnly = appPassword(tanaka.client(), List.of("read"));
    String mail = appPassword(tanaka.client(), List.of("read", "write"));
    Policies.update(company.admin(), Map.of("mfaRequirement", "all"));
    try (var wire = secureWire(nextAddress())) {
      assertThat(authPlain(wire, tanaka.loginId(), Fixtures.PASSWORD))
          .startsWith("535 5.7.8")
          .contains("app password");
      assertThat(authPlain(wire, tanaka.loginId(), readOnly))
          .startsWith("535 5.7.8")
          .contains("read and write");
    }
    try (var wire = secureWire(nextAddress())) {
      assertThat(authPlain(wire, tanaka.loginId(), mail)).startsWith("235 2.7.0");
      // Once signed in, a second AUTH is refused (RFC 4954 §4).
      assertThat(authPlain(wire, suzuki.loginId(), mail)).startsWith("503 5.5.1");
    }
    try (var wire = secureWire(nextAddress())) {
      // Someone else's login ID with this app password is not a sign-in.
      assertThat(authPlain(wire, suzuki.loginId(), mail)).startsWith("535 5.7.8");
    }
  }

  @Test
  void aThrottledAddressGets454() throws Exception {
    String source = nextAddress();
    for (int i = 0; i < 50; i++) {
      try {
        logins.authenticate("nobody-" + i + "@" + company.domain(), "x", source, "test");
      } catch (ProtocolLoginException e) {
        assertThat(e.reason()).isEqualTo(ProtocolLoginException.Reason.INVALID);
      }
    }
    try (var wire = secureWire(source)) {
      assertThat(authPlain(wire, tanaka.loginId(), Fixtures.PASSWORD)).startsWith("454 4.7.0");
    }
  }

  @Test
  void aForeignMailFromIs553AndAForeignFromHeaderIs550() throws Exception {
    try (var wire = secureWire(nextAddress())) {
      assertThat(authPlain(wire, tanaka.loginId(), Fixtures.PASSWORD)).startsWith("235");
      for (String foreign :
          List.of("ceo@bank.example", "suzuki@" + company.domain(), company.adminLoginId())) {
        wire.line("MAIL FROM:<" + foreign + ">");
        assertThat(wire.last()).as(foreign).startsWith("553 5.7.1");
      }
      wire.line("MAIL FROM:<>");
      assertThat(wire.last()).startsWith("553 5.7.1");
      wire.line("MAIL FROM:<" + own() + ">");
      assertThat(wire.last()).startsWith("250");
      wire.line("RCPT TO:<nobody@" + company.domain() + ">");
      assertThat(wire.last()).startsWith("550 5.1.1");
      wire.line("RCPT TO:<suzuki@" + company.domain() + ">");
      assertThat(wire.last()).startsWith("250");
      wire.line("DATA");
      assertThat(wire.last()).startsWith("354");
      wire.send(message("Boss <ceo@bank.example>", 100));
      assertThat(wire.last()).startsWith("550 5.7.1").contains("From header");
      // The connection goes on: the next transaction starts clean.
      wire.line("RCPT TO:<suzuki@" + company.domain() + ">");
      assertThat(wire.last()).startsWith("503");
    }
  }

  @Test
  void aMessageOverTheCompanyLimitIs552() throws Exception {
    ApiClient.Response policy =
        company.admin().put("/api/v1/admin/mail/policy", Map.of("maxMessageBytes", 2048));
    assertThat(policy.status()).as(policy.body()).isEqualTo(200);
    try (var wire = secureWire(nextAddress())) {
      assertThat(authPlain(wire, tanaka.loginId(), Fixtures.PASSWORD)).startsWith("235");
      wire.line("EHLO client.example");
      assertThat(wire.reply()).contains("250-SIZE 2048");
      wire.line("MAIL FROM:<" + own() + "> SIZE=5000");
      assertThat(wire.last()).startsWith("552 5.3.4");
      wire.line("MAIL FROM:<" + own() + ">");
      assertThat(wire.last()).startsWith("250");
      wire.line("RCPT TO:<suzuki@" + company.domain() + ">");
      assertThat(wire.last()).startsWith("250");
      wire.line("DATA");
      assertThat(wire.last()).startsWith("354");
      wire.send(message(own(), 4000));
      assertThat(wire.last()).startsWith("552 5.3.4");
    }
  }

  @Test
  void aMemberMayHoldOnlyTwoConnections() throws Exception {
    List<SmtpWire> open = new ArrayList<>();
    try {
      for (int i = 0; i < 2; i++) {
        var wire = secureWire(nextAddress());
        open.add(wire);
        assertThat(authPlain(wire, tanaka.loginId(), Fixtures.PASSWORD)).startsWith("235");
      }
      try (var third = secureWire(nextAddress())) {
        assertThat(authPlain(third, tanaka.loginId(), Fixtures.PASSWORD)).startsWith("421 4.7.0");
        assertThat(third.readLine()).isNull();
      }
      open.removeFirst().close();
      try (var again = secureWire(nextAddress())) {
        // The closed connection's slot is free once the server has noticed the close.
        org.awaitility.Awaitility.await()
            .atMost(java.time.Duration.ofSeconds(10))
            .until(() -> server.openSessions() <= 2);
        assertThat(authPlain(again, tanaka.loginId(), Fixtures.PASSWORD)).startsWith("235");
      }
    } finally {
      for (var wire : open) {
        wire.close();
      }
    }
  }
}
