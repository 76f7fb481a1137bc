package dev.musubi.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.testing.ApiClient;
import dev.musubi.testing.TestClockConfiguration;
import dev.musubi.testing.TestDatabase;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.ContextConfiguration;

/**
 * First start without bootstrap variables: an empty store prints a one-time setup link, and the
 * setup API creates the first company with it exactly once.
 */
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "musubi.bootstrap.operator-password=")
@ActiveProfiles("test")
@ContextConfiguration(initializers = TestDatabase.class)
@Import(TestClockConfiguration.class)
class SetupIntegrationTests {

  private static final Pattern LINK = Pattern.compile("/#/setup\\?token=([A-Za-z0-9_-]+)");

  @LocalServerPort int port;

  @Test
  void theOneTimeLinkCreatesTheFirstCompanyOnce(CapturedOutput output) {
    Matcher link = LINK.matcher(output.getAll());
    assertThat(link.find()).as("setup link in the log").isTrue();
    String token = link.group(1);
    ApiClient client = new ApiClient(port);
    assertThat(client.get("/api/v1/setup").json().get("needed").asBoolean()).isTrue();

    Map<String, Object> body =
        Map.of(
            "token", "wrong-" + token,
            "companyName", "初期設定株式会社",
            "domain", "setup.example.jp",
            "adminLoginId", "kanri",
            "adminPassword", "Hajimete-no-Asa-31",
            "operatorPassword", "Operator-Setup-2026");
    ApiClient.Response wrong = client.post("/api/v1/setup", body);
    assertThat(wrong.status()).isEqualTo(403);
    assertThat(wrong.problemType()).isEqualTo("setup-token");

    Map<String, Object> weak = new java.util.HashMap<>(body);
    weak.put("token", token);
    weak.put("adminPassword", "password");
    ApiClient.Response refused = client.post("/api/v1/setup", weak);
    assertThat(refused.status()).isEqualTo(422);

    Map<String, Object> good = new java.util.HashMap<>(body);
    good.put("token", token);
    ApiClient.Response done = client.post("/api/v1/setup", good);
    assertThat(done.status()).as(done.body()).isEqualTo(201);
    assertThat(done.json().get("adminLoginId").asString()).isEqualTo("kanri@setup.example.jp");

    assertThat(client.post("/api/v1/setup", good).status()).isEqualTo(403);
    assertThat(client.get("/api/v1/setup").json().get("needed").asBoolean()).isFalse();
    assertThat(new ApiClient(port).login("kanri@setup.example.jp", "Hajimete-no-Asa-31").status())
        .isEqualTo(200);
    assertThat(new ApiClient(port).login("operator", "Operator-Setup-2026").status())
        .isEqualTo(200);
  }
}
