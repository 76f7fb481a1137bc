package dev.musubi.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.testing.ApiClient;
import dev.musubi.testing.Fixtures;
import dev.musubi.testing.MusubiIntegrationTest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

@MusubiIntegrationTest
class MemberAdminIntegrationTests {

  @LocalServerPort int port;

  @Test
  void twoAdminsCreatingTheSameLoginIdAtOnceGetOneMemberAndNoServerError() {
    Fixtures fixtures = new Fixtures(port);
    Fixtures.TestCompany company = fixtures.company();
    ApiClient second = fixtures.client();
    assertThat(second.login(company.adminLoginId(), Fixtures.PASSWORD).status()).isEqualTo(200);
    Map<String, Object> body =
        Map.of(
            "loginId", "onaji",
            "password", "Hayai-Mono-Gachi-7",
            "displayName", "同じ 名前");
    for (int round = 0; round < 3; round++) {
      Map<String, Object> b = new java.util.HashMap<>(body);
      b.put("loginId", "onaji" + round);
      CompletableFuture<ApiClient.Response> one =
          CompletableFuture.supplyAsync(() -> company.admin().post("/api/v1/admin/members", b));
      CompletableFuture<ApiClient.Response> two =
          CompletableFuture.supplyAsync(() -> second.post("/api/v1/admin/members", b));
      List<Integer> statuses = List.of(one.join().status(), two.join().status());
      assertThat(statuses).containsOnlyOnce(201).doesNotContain(500);
      assertThat(statuses).anyMatch(s -> s == 409 || s == 422);
    }
  }

  @Test
  void departmentsFormATreeAndAMemberHasOnePrimary() {
    Fixtures fixtures = new Fixtures(port);
    Fixtures.TestCompany company = fixtures.company();
    ApiClient admin = company.admin();
    String head =
        admin
            .post("/api/v1/admin/departments", Map.of("name", "本社", "nameReading", "ほんしゃ"))
            .json()
            .get("id")
            .asString();
    String sales =
        admin
            .post(
                "/api/v1/admin/departments",
                Map.of("name", "営業部", "nameReading", "えいぎょうぶ", "parentId", head))
            .json()
            .get("id")
            .asString();
    ApiClient.Response cycle =
        admin.patch("/api/v1/admin/departments/" + head, Map.of("parentId", sales));
    assertThat(cycle.status()).isEqualTo(422);

    ApiClient.Response created =
        admin.post(
            "/api/v1/admin/members",
            Map.of(
                "loginId", "kenmu",
                "password", "Futatsu-no-Heya-5",
                "displayName", "兼務 太郎",
                "departments",
                    List.of(
                        Map.of("departmentId", head, "position", "部長", "primary", false),
                        Map.of("departmentId", sales, "position", "課長", "primary", true))));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    assertThat(created.json().get("departments")).hasSize(2);
    assertThat(created.json().get("departments").get(0).get("name").asString()).isEqualTo("営業部");

    ApiClient.Response twoPrimaries =
        admin.post(
            "/api/v1/admin/members",
            Map.of(
                "loginId", "futari",
                "password", "Futatsu-no-Heya-5",
                "displayName", "二重 主務",
                "departments",
                    List.of(
                        Map.of("departmentId", head, "primary", true),
                        Map.of("departmentId", sales, "primary", true))));
    assertThat(twoPrimaries.status()).isEqualTo(422);

    ApiClient.Response notEmpty = admin.delete("/api/v1/admin/departments/" + sales);
    assertThat(notEmpty.status()).isEqualTo(409);
    assertThat(admin.get("/api/v1/directory/departments").json().findValuesAsString("name"))
        .contains("本社", "営業部");
  }
}
