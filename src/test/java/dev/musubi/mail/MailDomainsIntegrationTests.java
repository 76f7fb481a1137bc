package dev.musubi.mail;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.testing.ApiClient;
import dev.musubi.testing.Fixtures;
import dev.musubi.testing.MusubiIntegrationTest;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
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
  void groupListsReachTheGroupsActiveMembersAtDeliveryTimeAndShowWhenTheGroupIsGone()
      throws Exception {
    Fixtures.TestMember sato = fixtures.member(company, "sato");
    Fixtures.TestMember suzuki = fixtures.member(company, "suzuki");
    Fixtures.TestMember kato = fixtures.member(company, "kato");
    String dep =
        admin
            .post("/api/v1/admin/departments", Map.of("name", "総務部", "nameReading", "そうむぶ"))
            .json()
            .get("id")
            .asString();
    admin.patch(
        "/api/v1/admin/members/" + sato.id(),
        Map.of(
            "departments", List.of(Map.of("departmentId", dep, "position", "", "primary", true))));
    ApiClient.Response group =
        admin.post(
            "/api/v1/admin/groups",
            Map.of(
                "name",
                "広報委員会",
                "description",
                "",
                "memberIds",
                List.of(sato.id().toString(), suzuki.id().toString())));
    assertThat(group.status()).as(group.body()).isEqualTo(201);
    String groupId = group.json().get("id").asString();
    String koho = "koho@" + company.domain();
    String lists = "/api/v1/admin/mail/lists";

    // Exactly one known target of this company; members cannot add lists.
    Fixtures.TestCompany other = fixtures.company();
    String othersGroup =
        other
            .admin()
            .post("/api/v1/admin/groups", Map.of("name", "広報委員会", "description", ""))
            .json()
            .get("id")
            .asString();
    assertFieldError(
        admin.post(lists, Map.of("address", koho, "departmentId", dep, "groupId", groupId)),
        "groupId",
        "one_target");
    assertFieldError(admin.post(lists, Map.of("address", koho)), "departmentId", "required");
    assertFieldError(
        admin.post(lists, Map.of("address", koho, "groupId", othersGroup)),
        "groupId",
        "unknown_group");
    assertFieldError(
        admin.post(lists, Map.of("address", koho, "groupId", "not-an-id")),
        "groupId",
        "unknown_group");
    assertThat(sato.client().post(lists, Map.of("address", koho, "groupId", groupId)).status())
        .isEqualTo(403);
    assertThat(admin.get(lists).json().size()).isZero();

    ApiClient.Response created = admin.post(lists, Map.of("address", koho, "groupId", groupId));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    assertThat(created.json().get("groupId").asString()).isEqualTo(groupId);
    assertThat(created.json().hasNonNull("departmentId")).isFalse();
    assertThat(created.json().get("targetName").asString()).isEqualTo("広報委員会");
    assertThat(
            jdbc.sql(
                    "SELECT COUNT(*) FROM audit_event WHERE tenant_id = ? AND action = ?"
                        + " AND target_type = 'group' AND target_id = ?")
                .params(company.id(), "MAIL_LIST_ADDED", groupId)
                .query(Long.class)
                .single())
        .isEqualTo(1);
    assertThat(
            admin
                .post(lists, Map.of("address", "somu@" + company.domain(), "departmentId", dep))
                .status())
        .isEqualTo(201);
    assertThat(domains.resolve(koho).orElseThrow().members())
        .containsExactlyInAnyOrder(sato.id(), suzuki.id());

    // Sato is in both lists and in To, and gets one copy; so does Suzuki, inbound and internal.
    String satoAddress = "sato@" + company.domain();
    List<String> rcpts = List.of(koho, "somu@" + company.domain(), satoAddress);
    byte[] raw =
        ("From: a@outside.example\r\nTo: " + koho + "\r\nSubject: notice\r\n\r\nhello\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    MailInbound.Delivery in =
        inbound.deliver(
            new MailInbound.Envelope(
                "a@outside.example",
                rcpts,
                "192.0.2.10",
                "mx.outside.example",
                Instant.now(),
                MailInbound.AuthResults.none(),
                raw.length),
            new ByteArrayInputStream(raw));
    assertThat(in.mailboxes()).isEqualTo(2);
    ApiClient.Response sent =
        kato.client()
            .post(
                "/api/v1/mail/messages",
                Map.of("to", List.of(koho, satoAddress), "subject", "会議", "text", "明日です。"));
    assertThat(sent.status()).as(sent.body()).isEqualTo(202);
    for (Fixtures.TestMember m : List.of(sato, suzuki)) {
      assertThat(MailInboundIntegrationTests.folder(m.client(), "inbox").get("total").asLong())
          .as(m.loginId())
          .isEqualTo(2);
    }
    assertThat(MailInboundIntegrationTests.folder(kato.client(), "inbox").get("total").asLong())
        .isZero();

    // Joining, leaving and suspension change the recipients at once.
    assertThat(
            admin
                .patch(
                    "/api/v1/admin/groups/" + groupId,
                    Map.of("memberIds", List.of(suzuki.id().toString(), kato.id().toString())))
                .status())
        .isEqualTo(200);
    assertThat(domains.resolve(koho).orElseThrow().members())
        .containsExactlyInAnyOrder(suzuki.id(), kato.id());
    assertThat(admin.post("/api/v1/admin/members/" + kato.id() + "/suspend", null).status())
        .isEqualTo(200);
    assertThat(domains.resolve(koho).orElseThrow().members()).containsExactly(suzuki.id());

    // A deleted group: the list stays, delivers to nobody, shows as broken and keeps its address.
    assertThat(admin.delete("/api/v1/admin/groups/" + groupId).status()).isEqualTo(204);
    JsonNode broken = null;
    for (JsonNode l : admin.get(lists).json()) {
      if (l.get("address").asString().equals(koho)) {
        broken = l;
      }
    }
    assertThat(broken).isNotNull();
    assertThat(broken.get("broken").asBoolean()).isTrue();
    assertThat(broken.hasNonNull("targetName")).isFalse();
    assertThat(inbound.recipient(koho)).isEqualTo(MailInbound.Recipient.UNKNOWN);
    assertFieldError(
        suzuki
            .client()
            .post(
                "/api/v1/mail/messages", Map.of("to", List.of(koho), "subject", "x", "text", "y")),
        "to",
        "unknown_recipient");
    assertFieldError(
        admin.post("/api/v1/admin/mail/aliases", Map.of("address", koho, "memberId", suzuki.id())),
        "address",
        "taken");
    String listId = broken.get("id").asString();
    assertThat(other.admin().delete(lists + "/" + listId).status()).isEqualTo(404);
    assertThat(admin.delete(lists + "/" + listId).status()).isEqualTo(204);
    assertThat(audits("MAIL_LIST_REMOVED")).isEqualTo(1);
  }

  private static void assertFieldError(ApiClient.Response r, String field, String code) {
    assertThat(r.status()).as(r.body()).isEqualTo(422);
    JsonNode e = r.json().get("errors").get(0);
    assertThat(e.get("field").asString()).as(r.body()).isEqualTo(field);
    assertThat(e.get("code").asString()).as(r.body()).isEqualTo(code);
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
