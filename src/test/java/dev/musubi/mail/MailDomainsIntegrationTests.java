package dev.musubi.mail;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.testing.ApiClient;
import dev.musubi.testing.Fixtures;
import dev.musubi.testing.MusubiIntegrationTest;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

@MusubiIntegrationTest
class MailDomainsIntegrationTests {

  @LocalServerPort int port;
  @Autowired JdbcClient jdbc;
  @Autowired MailDomains domains;
  @Autowired MailInbound inbound;

  Fixtures fixtures;
  Fixtures.TestCompany company;
  ApiClient admin;

  @BeforeEach
  void company() {
    fixtures = new Fixtures(port);
    company = fixtures.company();
    admin = company.admin();
  }

  @Test
  void thePrimaryDomainIsTheSignUpDomainWithDnsRecordsAndAWorkingDkimKey() throws Exception {
    JsonNode list = admin.get("/api/v1/admin/mail/domains").json();
    assertThat(list).hasSize(1);
    assertThat(list.get(0).get("name").asString()).isEqualTo(company.domain());
    assertThat(list.get(0).get("primary").asBoolean()).isTrue();
    String id = list.get(0).get("id").asString();

    JsonNode d = admin.get("/api/v1/admin/mail/domains/" + id).json();
    String selector = d.get("dkimSelector").asString();
    String dkim = null;
    for (JsonNode r : d.get("records")) {
      if (r.get("purpose").asString().equals("dkim")) {
        assertThat(r.get("name").asString())
            .isEqualTo(selector + "._domainkey." + company.domain());
        dkim = r.get("value").asString();
      }
    }
    assertThat(d.get("records"))
        .extracting(r -> r.get("purpose").asString())
        .containsExactly("mx", "spf", "dkim", "dmarc");
    assertThat(dkim).startsWith("v=DKIM1; k=rsa; p=");
    PublicKey pub =
        KeyFactory.getInstance("RSA")
            .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(dkim.substring(18))));
    assertThat(((java.security.interfaces.RSAPublicKey) pub).getModulus().bitLength())
        .isEqualTo(2048);

    MailDomains.DkimKey key = domains.dkimKey(company.domain()).orElseThrow();
    assertThat(verifies(key, pub)).isTrue();
    byte[] stored =
        jdbc.sql("SELECT dkim_private_key FROM mail_domain WHERE id = ?")
            .param(UUID.fromString(id))
            .query(byte[].class)
            .single();
    assertThat(new String(stored, StandardCharsets.ISO_8859_1))
        .doesNotContain(new String(key.privateKey().getEncoded(), StandardCharsets.ISO_8859_1));

    JsonNode rotated = admin.post("/api/v1/admin/mail/domains/" + id + "/dkim/rotate", null).json();
    assertThat(rotated.get("dkimSelector").asString()).isNotEqualTo(selector);
    MailDomains.DkimKey newKey = domains.dkimKey(company.domain()).orElseThrow();
    assertThat(verifies(newKey, pub)).isFalse();
    assertThat(audits("MAIL_DKIM_ROTATED")).isEqualTo(1);

    assertThat(admin.delete("/api/v1/admin/mail/domains/" + id).status()).isEqualTo(409);
  }

  @Test
  void adminsAddAndRemoveDomainsAndBadOrTakenNamesAreRefused() {
    String extra = "x" + company.domain();
    ApiClient.Response added = admin.post("/api/v1/admin/mail/domains", Map.of("name", extra));
    assertThat(added.status()).as(added.body()).isEqualTo(201);
    assertThat(added.json().get("primary").asBoolean()).isFalse();
    assertThat(inbound.isHostedDomain(extra.toUpperCase())).isTrue();

    assertThat(admin.post("/api/v1/admin/mail/domains", Map.of("name", extra)).status())
        .isEqualTo(422);
    for (String bad : new String[] {"", "no dots", "a..b.jp", "x".repeat(300) + ".jp", "-a.jp"}) {
      ApiClient.Response r = admin.post("/api/v1/admin/mail/domains", Map.of("name", bad));
      assertThat(r.status()).as(bad).isEqualTo(422);
    }
    Fixtures.TestCompany other = fixtures.company();
    assertThat(other.admin().post("/api/v1/admin/mail/domains", Map.of("name", extra)).status())
        .isEqualTo(422);
    assertThat(
            other
                .admin()
                .post("/api/v1/admin/mail/domains", Map.of("name", company.domain()))
                .status())
        .isEqualTo(422);
    String id = added.json().get("id").asString();
    assertThat(other.admin().get("/api/v1/admin/mail/domains/" + id).status()).isEqualTo(404);
    assertThat(other.admin().delete("/api/v1/admin/mail/domains/" + id).status()).isEqualTo(404);

    assertThat(admin.delete("/api/v1/admin/mail/domains/" + id).status()).isEqualTo(204);
    assertThat(inbound.isHostedDomain(extra)).isFalse();
    assertThat(audits("MAIL_DOMAIN_ADDED")).isEqualTo(1);
    assertThat(audits("MAIL_DOMAIN_REMOVED")).isEqualTo(1);
  }

  @Test
  void membersAliasesAndDepartmentListsAreRecipients() {
    Fixtures.TestMember tanaka = fixtures.member(company, "tanaka");
    String dep =
        admin
            .post("/api/v1/admin/departments", Map.of("name", "営業部", "nameReading", "えいぎょうぶ"))
            .json()
            .get("id")
            .asString();
    admin.patch(
        "/api/v1/admin/members/" + tanaka.id(),
        Map.of(
            "departments",
            java.util.List.of(Map.of("departmentId", dep, "position", "", "primary", true))));

    assertThat(inbound.recipient("tanaka@" + company.domain()))
        .isEqualTo(MailInbound.Recipient.LOCAL);
    assertThat(inbound.recipient("TANAKA@" + company.domain().toUpperCase()))
        .isEqualTo(MailInbound.Recipient.LOCAL);
    assertThat(inbound.recipient("nobody@" + company.domain()))
        .isEqualTo(MailInbound.Recipient.UNKNOWN);
    assertThat(inbound.recipient("tanaka@elsewhere.example"))
        .isEqualTo(MailInbound.Recipient.NOT_HOSTED);

    ApiClient.Response alias =
        admin.post(
            "/api/v1/admin/mail/aliases",
            Map.of(
                "address", "sales.info@" + company.domain(), "memberId", tanaka.id().toString()));
    assertThat(alias.status()).as(alias.body()).isEqualTo(201);
    assertThat(inbound.recipient("sales.info@" + company.domain()))
        .isEqualTo(MailInbound.Recipient.LOCAL);
    ApiClient.Response list =
        admin.post(
            "/api/v1/admin/mail/lists",
            Map.of("address", "eigyo@" + company.domain(), "departmentId", dep));
    assertThat(list.status()).as(list.body()).isEqualTo(201);
    assertThat(domains.resolve("eigyo@" + company.domain()).orElseThrow().members())
        .containsExactly(tanaka.id());

    // Taken, foreign-domain, malformed and another company's member are refused.
    assertThat(
            admin
                .post(
                    "/api/v1/admin/mail/aliases",
                    Map.of(
                        "address",
                        "tanaka@" + company.domain(),
                        "memberId",
                        tanaka.id().toString()))
                .status())
        .isEqualTo(422);
    assertThat(
            admin
                .post(
                    "/api/v1/admin/mail/aliases",
                    Map.of("address", "x@gmail.com", "memberId", tanaka.id().toString()))
                .status())
        .isEqualTo(422);
    assertThat(
            admin
                .post(
                    "/api/v1/admin/mail/aliases",
                    Map.of(
                        "address",
                        "a\r\nb@" + company.domain(),
                        "memberId",
                        tanaka.id().toString()))
                .status())
        .isEqualTo(422);
    Fixtures.TestCompany other = fixtures.company();
    assertThat(
            other
                .admin()
                .post(
                    "/api/v1/admin/mail/aliases",
                    Map.of("address", "y@" + other.domain(), "memberId", tanaka.id().toString()))
                .status())
        .isEqualTo(422);
    assertThat(
            other
                .admin()
                .delete("/api/v1/admin/mail/aliases/" + alias.json().get("id").asString())
                .status())
        .isEqualTo(404);

    // Members cannot administer mail.
    assertThat(tanaka.client().get("/api/v1/admin/mail/domains").status()).isEqualTo(403);
    assertThat(tanaka.client().get("/api/v1/admin/mail/aliases").status()).isEqualTo(403);

    assertThat(
            admin
                .delete("/api/v1/admin/mail/aliases/" + alias.json().get("id").asString())
                .status())
        .isEqualTo(204);
    assertThat(inbound.recipient("sales.info@" + company.domain()))
        .isEqualTo(MailInbound.Recipient.UNKNOWN);
    assertThat(audits("MAIL_ALIAS_ADDED")).isEqualTo(1);
    assertThat(audits("MAIL_LIST_ADDED")).isEqualTo(1);
  }

  @Test
  void thePolicyIsValidatedAndAudited() {
    assertThat(admin.get("/api/v1/admin/mail/policy").json().get("dmarcFail").asString())
        .isEqualTo("reject");
    ApiClient.Response bad =
        admin.put("/api/v1/admin/mail/policy", Map.of("spfFail", "drop", "logRetentionDays", 0));
    assertThat(bad.status()).isEqualTo(422);
    ApiClient.Response ok = admin.put("/api/v1/admin/mail/policy", Map.of("spfFail", "reject"));
    assertThat(ok.status()).isEqualTo(200);
    assertThat(admin.get("/api/v1/admin/mail/policy").json().get("spfFail").asString())
        .isEqualTo("reject");
    assertThat(audits("MAIL_POLICY_CHANGED")).isEqualTo(1);
  }

  private long audits(String action) {
    return jdbc.sql("SELECT COUNT(*) FROM audit_event WHERE tenant_id = ? AND action = ?")
        .params(company.id(), action)
        .query(Long.class)
        .single();
  }

  private static boolean verifies(MailDomains.DkimKey key, PublicKey pub) throws Exception {
    byte[] data = "DKIM".getBytes(StandardCharsets.UTF_8);
    Signature s = Signature.getInstance("SHA256withRSA");
    s.initSign(key.privateKey());
    s.update(data);
    byte[] sig = s.sign();
    Signature v = Signature.getInstance("SHA256withRSA");
    v.initVerify(pub);
    v.update(data);
    return v.verify(sig);
  }
}
