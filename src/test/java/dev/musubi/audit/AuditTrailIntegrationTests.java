package dev.musubi.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.authentication;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.musubi.platform.Ids;
import dev.musubi.platform.MusubiCommand;
import dev.musubi.platform.security.MemberPrincipal;
import dev.musubi.platform.security.Role;
import dev.musubi.testing.MusubiIntegrationTest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.test.web.servlet.setup.SecurityMockMvcConfigurers;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.RequestPostProcessor;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.context.WebApplicationContext;

@MusubiIntegrationTest
class AuditTrailIntegrationTests {

  @Autowired AuditTrail trail;
  @Autowired AuditLog log;
  @Autowired JdbcClient jdbc;
  @Autowired TransactionTemplate tx;
  @Autowired Ids ids;
  @Autowired WebApplicationContext context;

  MockMvc mvc;

  @BeforeEach
  void setUp() {
    mvc =
        MockMvcBuilders.webAppContextSetup(context)
            .apply(SecurityMockMvcConfigurers.springSecurity())
            .build();
  }

  @Test
  void chainsOfTwoCompaniesAreBothValidAndSeparate() {
    UUID a = ids.next();
    UUID b = ids.next();
    append(a, 3);
    append(b, 2);
    append(a, 2);

    assertThat(log.verify(a)).isEqualTo(new AuditVerification(true, 5, null, "ok"));
    assertThat(log.verify(b)).isEqualTo(new AuditVerification(true, 2, null, "ok"));
    AuditPage page = log.search(a, AuditFilter.all());
    assertThat(page.total()).isEqualTo(5);
    assertThat(page.items()).extracting(AuditEntry::seq).containsExactly(5L, 4L, 3L, 2L, 1L);
    assertThat(page.items()).allSatisfy(e -> assertThat(e.tenantId()).isEqualTo(a));
    assertThat(page.items().getLast().prevHash()).isEqualTo("0".repeat(64));
    assertThat(page.items().get(0).prevHash()).isEqualTo(page.items().get(1).hash());
  }

  @Test
  void storedFieldsSurviveTheRoundTrip() {
    UUID tenant = ids.next();
    UUID actor = ids.next();
    trail.record(
        AuditRecord.of(tenant, AuditAction.MEMBER_UPDATED)
            .actor(actor, "hanako@example.jp")
            .target("member", actor)
            .from("192.0.2.7", "JUnit")
            .with("field", "name")
            .with("after", "山田 花子"));

    AuditEntry e = log.search(tenant, AuditFilter.all()).items().getFirst();

    assertThat(e.action()).isEqualTo("MEMBER_UPDATED");
    assertThat(e.actionCode()).isEqualTo(2011);
    assertThat(e.outcome()).isEqualTo("SUCCESS");
    assertThat(e.actorId()).isEqualTo(actor);
    assertThat(e.actorLogin()).isEqualTo("hanako@example.jp");
    assertThat(e.targetId()).isEqualTo(actor.toString());
    assertThat(e.ip()).isEqualTo("192.0.2.7");
    assertThat(e.userAgent()).isEqualTo("JUnit");
    assertThat(e.detail()).containsEntry("field", "name").containsEntry("after", "山田 花子");
    assertThat(log.verify(tenant).valid()).isTrue();
  }

  @Test
  void anEditedEntryIsFoundAtItsPosition() {
    UUID tenant = ids.next();
    append(tenant, 4);

    jdbc.sql("UPDATE audit_event SET detail = ? WHERE tenant_id = ? AND seq = 2")
        .params("{\"n\":\"999\"}", tenant)
        .update();

    AuditVerification result = log.verify(tenant);
    assertThat(result.valid()).isFalse();
    assertThat(result.firstBrokenSeq()).isEqualTo(2L);
    assertThat(result.reason()).contains("altered");
  }

  @Test
  void aDeletedMiddleEntryIsFound() {
    UUID tenant = ids.next();
    append(tenant, 5);

    jdbc.sql("DELETE FROM audit_event WHERE tenant_id = ? AND seq = 3").param(tenant).update();

    AuditVerification result = log.verify(tenant);
    assertThat(result.valid()).isFalse();
    assertThat(result.firstBrokenSeq()).isEqualTo(3L);
    assertThat(result.reason()).contains("missing");
  }

  @Test
  void deletedTailEntriesAreFound() {
    UUID tenant = ids.next();
    append(tenant, 5);

    jdbc.sql("DELETE FROM audit_event WHERE tenant_id = ? AND seq >= 4").param(tenant).update();

    AuditVerification result = log.verify(tenant);
    assertThat(result.valid()).isFalse();
    assertThat(result.checked()).isEqualTo(3);
    assertThat(result.firstBrokenSeq()).isEqualTo(4L);
  }

  @Test
  void theVerifyCommandExitsWithOneForABrokenChain() {
    UUID good = ids.next();
    UUID bad = ids.next();
    append(good, 2);
    append(bad, 2);
    jdbc.sql("UPDATE audit_event SET actor_login = 'mallory' WHERE tenant_id = ?")
        .param(bad)
        .update();
    MusubiCommand command = context.getBean("audit-verify", MusubiCommand.class);

    assertThat(command.name()).isEqualTo("audit-verify");
    assertThat(command.run(List.of(good.toString()))).isZero();
    assertThat(command.run(List.of(good.toString(), bad.toString()))).isEqualTo(1);
    assertThat(command.run(List.of("example.jp"))).isEqualTo(2);
  }

  @Test
  void aNulCharacterInALoginIdDoesNotLoseTheEntry() {
    UUID tenant = ids.next();

    trail.record(AuditRecord.of(tenant, AuditAction.LOGIN_FAILED).actor(null, "ev\0il").failed());

    assertThat(log.search(tenant, AuditFilter.all()).items().getFirst().actorLogin())
        .isEqualTo("ev\uFFFDil");
    assertThat(log.verify(tenant).valid()).isTrue();
  }

  @Test
  void aRolledBackTransactionLeavesNoEntryAndNoGap() {
    UUID tenant = ids.next();
    append(tenant, 1);

    tx.executeWithoutResult(
        status -> {
          trail.record(AuditRecord.of(tenant, AuditAction.MEMBER_CREATED));
          status.setRollbackOnly();
        });
    append(tenant, 1);

    assertThat(log.search(tenant, AuditFilter.all()).items())
        .extracting(AuditEntry::seq, AuditEntry::action)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(2L, "POLICY_CHANGED"),
            org.assertj.core.groups.Tuple.tuple(1L, "POLICY_CHANGED"));
    assertThat(log.verify(tenant).valid()).isTrue();
  }

  @Test
  void concurrentAppendsFormOneGapFreeChain() throws Exception {
    UUID tenant = ids.next();
    int threads = 8;
    int each = 15;
    var pool = Executors.newFixedThreadPool(threads);
    try {
      List<Callable<Void>> jobs = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        jobs.add(
            () -> {
              append(tenant, each);
              return null;
            });
      }
      for (Future<Void> f : pool.invokeAll(jobs)) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }

    AuditVerification result = log.verify(tenant);
    assertThat(result).isEqualTo(new AuditVerification(true, threads * each, null, "ok"));
  }

  @Test
  void searchFiltersByActorActionOutcomeAndTarget() {
    UUID tenant = ids.next();
    UUID taro = ids.next();
    trail.record(AuditRecord.of(tenant, AuditAction.LOGIN_SUCCEEDED).actor(taro, "Taro"));
    trail.record(AuditRecord.of(tenant, AuditAction.LOGIN_FAILED).actor(null, "jiro").failed());
    trail.record(
        AuditRecord.of(tenant, AuditAction.ROLE_GRANTED)
            .actor(taro, "taro")
            .target("member", "m1"));

    assertThat(search(tenant, "taro", null, null, null))
        .extracting(AuditEntry::seq)
        .containsExactly(3L, 1L);
    assertThat(search(tenant, taro.toString(), null, null, null)).hasSize(2);
    assertThat(search(tenant, null, AuditAction.LOGIN_FAILED, null, null))
        .extracting(AuditEntry::actorLogin)
        .containsExactly("jiro");
    assertThat(search(tenant, null, null, AuditRecord.Outcome.FAILURE, null)).hasSize(1);
    assertThat(search(tenant, null, null, null, "m1"))
        .extracting(AuditEntry::action)
        .containsExactly("ROLE_GRANTED");
    var paged = log.search(tenant, new AuditFilter(null, null, null, null, null, null, null, 1, 2));
    assertThat(paged.total()).isEqualTo(3);
    assertThat(paged.items()).extracting(AuditEntry::seq).containsExactly(1L);
  }

  @Test
  void anAuditorSeesOnlyTheirOwnCompanyAndTheRequestIsRecorded() throws Exception {
    UUID tenant = ids.next();
    UUID other = ids.next();
    append(tenant, 2);
    append(other, 3);

    mvc.perform(
            get("/api/v1/admin/audit")
                .param("size", "10")
                .header("User-Agent", "AuditTest/1")
                .with(as(tenant, Role.AUDITOR)))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.total").value(2))
        .andExpect(jsonPath("$.page").value(0))
        .andExpect(jsonPath("$.size").value(10))
        .andExpect(jsonPath("$.items.length()").value(2))
        .andExpect(jsonPath("$.items[0].seq").value(2))
        .andExpect(jsonPath("$.items[0].tenantId").value(tenant.toString()))
        .andExpect(jsonPath("$.items[0].occurredAt").isString());

    mvc.perform(
            get("/api/v1/admin/audit")
                .param("action", "POLICY_CHANGED")
                .with(as(tenant, Role.SECURITY_ADMIN)))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.total").value(2));
    mvc.perform(
            get("/api/v1/admin/audit").param("action", "9001").with(as(tenant, Role.SUPER_ADMIN)))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.total").value(0));
  }

  @Test
  void aPlainMemberIsRefused() throws Exception {
    UUID tenant = ids.next();
    append(tenant, 1);

    mvc.perform(get("/api/v1/admin/audit").with(as(tenant, Role.MEMBER)))
        .andExpect(status().isForbidden())
        .andExpect(content().contentTypeCompatibleWith("application/problem+json"));
    mvc.perform(get("/api/v1/admin/audit/export").with(as(tenant, Role.MEMBER_ADMIN)))
        .andExpect(status().isForbidden());
    mvc.perform(
            post("/api/v1/admin/audit/verify")
                .with(as(tenant, Role.MEMBER))
                .with(doubleSubmitCsrf()))
        .andExpect(status().isForbidden());
    assertThat(log.search(tenant, AuditFilter.all()).total()).isEqualTo(1);
  }

  @Test
  void badFiltersAreAnsweredWith422() throws Exception {
    UUID tenant = ids.next();
    String[][] bad = {
      {"action", "NOT_AN_ACTION"},
      {"from", "yesterday"},
      {"size", "201"},
      {"size", "0"},
      {"page", "-1"},
      {"outcome", "MAYBE"},
    };
    for (String[] p : bad) {
      mvc.perform(get("/api/v1/admin/audit").param(p[0], p[1]).with(as(tenant, Role.AUDITOR)))
          .andExpect(status().isUnprocessableContent())
          .andExpect(content().contentTypeCompatibleWith("application/problem+json"))
          .andExpect(jsonPath("$.errors[0].field").value(p[0]));
    }
    mvc.perform(
            get("/api/v1/admin/audit/export")
                .param("from", "2026-05-01T00:00:00Z")
                .param("to", "2026-04-01T00:00:00Z")
                .with(as(tenant, Role.AUDITOR)))
        .andExpect(status().isUnprocessableContent())
        .andExpect(jsonPath("$.errors[0].field").value("from"));
  }

  @Test
  void exportIsCsvWithBomHeaderAndNeutralisedFormulasAndIsAudited() throws Exception {
    UUID tenant = ids.next();
    UUID other = ids.next();
    UUID auditor = ids.next();
    trail.record(
        AuditRecord.of(tenant, AuditAction.LOGIN_FAILED)
            .actor(null, "=HYPERLINK(\"http://evil\")")
            .failed()
            .with("reason", "+cmd|' /C calc'!A0"));
    append(other, 1);

    var result =
        mvc.perform(
                get("/api/v1/admin/audit/export")
                    .header("User-Agent", "AuditExport/1")
                    .with(as(tenant, auditor, Role.AUDITOR)))
            .andExpect(status().isOk())
            .andExpect(content().contentTypeCompatibleWith("text/csv"))
            .andExpect(
                header()
                    .string("Content-Disposition", org.hamcrest.Matchers.startsWith("attachment")))
            .andReturn();
    byte[] body = result.getResponse().getContentAsByteArray();
    String csv = new String(body, StandardCharsets.UTF_8);

    assertThat(body).startsWith(0xEF, 0xBB, 0xBF);
    assertThat(result.getResponse().getContentType()).containsIgnoringCase("charset=UTF-8");
    String[] lines = csv.substring(1).split("\r\n");
    assertThat(lines).hasSize(2);
    assertThat(lines[0]).startsWith("\"seq\",\"occurred_at\",\"action\"");
    assertThat(lines[1])
        .contains("\"'=HYPERLINK(\"\"http://evil\"\")\"")
        .contains("LOGIN_FAILED")
        .doesNotContain(",\"=");
    assertThat(csv).doesNotContain(other.toString());

    AuditEntry exported = log.search(tenant, AuditFilter.all()).items().getFirst();
    assertThat(exported.action()).isEqualTo("AUDIT_EXPORTED");
    assertThat(exported.actorId()).isEqualTo(auditor);
    assertThat(exported.detail()).containsEntry("rows", "1");
    assertThat(exported.ip()).isEqualTo("127.0.0.1");
    assertThat(exported.userAgent()).isEqualTo("AuditExport/1");
    assertThat(log.verify(tenant).valid()).isTrue();
  }

  @Test
  void verifyAnswersTheResultAndIsAudited() throws Exception {
    UUID tenant = ids.next();
    UUID auditor = ids.next();
    append(tenant, 3);

    mvc.perform(
            post("/api/v1/admin/audit/verify")
                .with(as(tenant, auditor, Role.AUDITOR))
                .with(doubleSubmitCsrf()))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.valid").value(true))
        .andExpect(jsonPath("$.checked").value(3));
    mvc.perform(get("/api/v1/admin/audit/verify").with(as(tenant, auditor, Role.AUDITOR)))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.valid").value(true))
        .andExpect(jsonPath("$.checked").value(4));

    jdbc.sql("UPDATE audit_event SET outcome = 'FAILURE' WHERE tenant_id = ? AND seq = 1")
        .param(tenant)
        .update();
    mvc.perform(get("/api/v1/admin/audit/verify").with(as(tenant, auditor, Role.SUPER_ADMIN)))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.valid").value(false))
        .andExpect(jsonPath("$.firstBrokenSeq").value(1));

    AuditEntry verified = log.search(tenant, AuditFilter.all()).items().getFirst();
    assertThat(verified.action()).isEqualTo("AUDIT_VERIFIED");
    assertThat(verified.actorId()).isEqualTo(auditor);
    assertThat(verified.actorLogin()).isEqualTo("auditor@example.jp");
    assertThat(verified.detail())
        .containsEntry("valid", "false")
        .containsEntry("firstBrokenSeq", "1");
  }

  private List<AuditEntry> search(
      UUID tenant, String actor, AuditAction action, AuditRecord.Outcome outcome, String targetId) {
    return log.search(
            tenant, new AuditFilter(null, null, actor, action, null, targetId, outcome, 0, 50))
        .items();
  }

  private void append(UUID tenant, int count) {
    for (int i = 0; i < count; i++) {
      trail.record(
          AuditRecord.of(tenant, AuditAction.POLICY_CHANGED)
              .actor(null, "system")
              .target("policy", "password")
              .with("n", i));
    }
  }

  /**
   * The CSRF cookie and header, as the web client sends them. Spring Security's {@code csrf()}
   * post-processor is not used: it swaps the repository inside the shared CsrfFilter for good,
   * which breaks CSRF for every later test that talks real HTTP to the same context.
   */
  private static RequestPostProcessor doubleSubmitCsrf() {
    return request -> {
      String token = UUID.randomUUID().toString();
      request.setCookies(new jakarta.servlet.http.Cookie("XSRF-TOKEN", token));
      request.addHeader("X-XSRF-TOKEN", token);
      return request;
    };
  }

  private RequestPostProcessor as(UUID tenant, Role role) {
    return as(tenant, ids.next(), role);
  }

  private static RequestPostProcessor as(UUID tenant, UUID member, Role role) {
    var principal =
        new MemberPrincipal(
            tenant,
            member,
            "auditor@example.jp",
            java.util.EnumSet.of(Role.MEMBER, role),
            null,
            null,
            Set.of());
    return authentication(
        new UsernamePasswordAuthenticationToken(
            principal,
            null,
            List.of(
                new SimpleGrantedAuthority(Role.MEMBER.authority()),
                new SimpleGrantedAuthority(role.authority()))));
  }
}
