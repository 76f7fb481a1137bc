package dev.musubi.admin;

import static dev.musubi.admin.AdminScopeIntegrationTests.department;
import static dev.musubi.admin.AdminScopeIntegrationTests.member;
import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.testing.ApiClient;
import dev.musubi.testing.Fixtures;
import dev.musubi.testing.MusubiIntegrationTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** Department tree editing: rename, move (no cycles) and merge. */
@MusubiIntegrationTest
class DepartmentTreeIntegrationTests {

  @LocalServerPort int port;

  @Test
  void renameMoveAndMergeKeepTheTreeSound() {
    Fixtures fixtures = new Fixtures(port);
    Fixtures.TestCompany company = fixtures.company();
    ApiClient admin = company.admin();
    String head = department(admin, "本社", null);
    String east = department(admin, "東日本営業部", head);
    String west = department(admin, "西日本営業部", head);
    String osaka = department(admin, "大阪支店", west);
    String a = member(admin, "east1", east);
    String b = member(admin, "west1", west);
    // b is in both: after the merge they have one place in east.
    assertThat(
            admin
                .patch(
                    "/api/v1/admin/members/" + b,
                    Map.of(
                        "departments",
                        List.of(
                            Map.of("departmentId", west, "primary", true),
                            Map.of("departmentId", east, "primary", false))))
                .status())
        .isEqualTo(200);

    assertThat(
            admin
                .patch("/api/v1/admin/departments/" + east, Map.of("name", "営業部"))
                .json()
                .get("name")
                .asString())
        .isEqualTo("営業部");
    assertThat(admin.patch("/api/v1/admin/departments/" + head, Map.of("parentId", osaka)).status())
        .isEqualTo(422);
    assertThat(
            admin
                .post("/api/v1/admin/departments/" + west + "/merge", Map.of("into", osaka))
                .status())
        .as("into its own child")
        .isEqualTo(422);
    assertThat(admin.post("/api/v1/admin/departments/" + west + "/merge", Map.of()).status())
        .isEqualTo(422);

    ApiClient.Response merged =
        admin.post("/api/v1/admin/departments/" + west + "/merge", Map.of("into", east));
    assertThat(merged.status()).as(merged.body()).isEqualTo(200);
    assertThat(admin.get("/api/v1/admin/departments/" + west).status()).isEqualTo(404);
    assertThat(admin.get("/api/v1/admin/departments/" + osaka).json().get("parentId").asString())
        .isEqualTo(east);
    JsonNode bNow = admin.get("/api/v1/admin/members/" + b).json().get("departments");
    assertThat(bNow).hasSize(1);
    assertThat(bNow.get(0).get("id").asString()).isEqualTo(east);
    assertThat(
            admin
                .get("/api/v1/admin/members/" + a)
                .json()
                .get("departments")
                .get(0)
                .get("id")
                .asString())
        .isEqualTo(east);
    assertThat(
            admin
                .get("/api/v1/admin/audit?action=DEPARTMENT_MERGED&targetId=" + west)
                .json()
                .get("total")
                .asLong())
        .isEqualTo(1);

    Fixtures.TestCompany other = fixtures.company();
    assertThat(
            other
                .admin()
                .post("/api/v1/admin/departments/" + osaka + "/merge", Map.of("into", east))
                .status())
        .isEqualTo(404);
    String theirs = department(other.admin(), "他社", null);
    assertThat(
            admin
                .post("/api/v1/admin/departments/" + osaka + "/merge", Map.of("into", theirs))
                .status())
        .isEqualTo(422);
  }
}
