package dev.musubi.mail.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.musubi.testing.ApiClient;
import dev.musubi.testing.Fixtures;
import dev.musubi.testing.MusubiIntegrationTest;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import tools.jackson.databind.JsonNode;

/**
 * The whole path with the real mailbox store: Debian's swaks delivers a Japanese ISO-2022-JP mail
 * over SMTP, the member reads it in webmail with SPF recorded, replies to a colleague (delivered
 * inside the company without SMTP), and the admin's mail log shows both, without the content.
 */
@MusubiIntegrationTest
@Import(PartnerDnsConfiguration.class)
class MailEndToEndIntegrationTests {

  @LocalServerPort int port;
  @Autowired SmtpServer smtp;

  private static String swaks(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("swaks"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    return out;
  }

  private static JsonNode folder(ApiClient member, String role) {
    for (JsonNode f : member.get("/api/v1/mail/folders").json()) {
      if (role.equals(f.path("role").asString(""))) {
        return f;
      }
    }
    throw new AssertionError("no " + role + " folder");
  }

  @Test
  void aJapaneseMailFromOutsideIsReadRepliedToInsideAndLogged() throws Exception {
    Fixtures fixtures = new Fixtures(port);
    Fixtures.TestCompany company = fixtures.company();
    Fixtures.TestMember sato = fixtures.member(company, "sato");
    Fixtures.TestMember suzuki = fixtures.member(company, "suzuki");
    String satoAddress = "sato@" + company.domain();

    Charset jis = Charset.forName("ISO-2022-JP");
    Path body = Files.createTempFile("mail-e2e", ".txt");
    Files.write(body, "佐藤様\r\nお見積りをお願いいたします。\r\n".getBytes(jis));
    String subject =
        "=?ISO-2022-JP?B?"
            + java.util.Base64.getEncoder().encodeToString("見積のご依頼".getBytes(jis))
            + "?=";
    String out =
        swaks(
            "--server", "127.0.0.1",
            "--port", String.valueOf(smtp.port()),
            "--helo", "mail.partner.example",
            "--from", "taro@partner.example",
            "--to", satoAddress,
            "--header", "Subject: " + subject,
            "--header", "From: 取引先 太郎 <taro@partner.example>",
            "--add-header", "MIME-Version: 1.0",
            "--add-header", "Content-Type: text/plain; charset=ISO-2022-JP",
            "--add-header", "Content-Transfer-Encoding: 7bit",
            "--body", body.toString());
    assertThat(out).as(out).contains("<-  250 2.0.0");

    // Webmail: unread in the inbox, decoded, with the sender checks.
    ApiClient satoApi = sato.client();
    JsonNode inbox = folder(satoApi, "inbox");
    assertThat(inbox.get("unread").asInt()).isEqualTo(1);
    JsonNode items =
        satoApi.get("/api/v1/mail/folders/" + inbox.get("id").asString() + "/messages").json();
    JsonNode item = items.get("items").get(0);
    assertThat(item.get("subject").asString()).isEqualTo("見積のご依頼");
    assertThat(item.get("from").get("address").asString()).isEqualTo("taro@partner.example");
    JsonNode mail = satoApi.get("/api/v1/mail/messages/" + item.get("id").asString()).json();
    assertThat(mail.get("text").asString()).contains("お見積りをお願いいたします。");
    assertThat(mail.get("auth").get("spf").asString()).isEqualTo("pass");

    // Reply inside the company: delivered to Suzuki without SMTP, a copy in Sato's Sent.
    ApiClient.Response sent =
        satoApi.post(
            "/api/v1/mail/messages",
            Map.of(
                "to",
                List.of("suzuki@" + company.domain()),
                "subject",
                "Re: 見積のご依頼",
                "text",
                "鈴木さん、対応をお願いします。",
                "inReplyTo",
                item.get("id").asString()));
    assertThat(sent.status()).as(sent.body()).isIn(200, 201, 202);
    ApiClient suzukiApi = suzuki.client();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> folder(suzukiApi, "inbox").get("unread").asInt() == 1);
    assertThat(folder(satoApi, "sent").get("total").asInt()).isEqualTo(1);

    // The admin's mail log has both, with the checks but not the content.
    JsonNode log = company.admin().get("/api/v1/admin/mail/log").json();
    assertThat(log.get("total").asInt()).isGreaterThanOrEqualTo(2);
    String logText = log.toString();
    assertThat(logText).contains("taro@partner.example").contains("pass");
    assertThat(logText).doesNotContain("お見積りをお願いいたします");
    assertThat(logText).doesNotContain("対応をお願いします");

    // Nobody can be reached who is not here, and nothing is relayed.
    String unknown =
        swaks(
            "--server",
            "127.0.0.1",
            "--port",
            String.valueOf(smtp.port()),
            "--from",
            "taro@partner.example",
            "--to",
            "nobody@" + company.domain());
    assertThat(unknown).contains("550 5.1.1");
  }
}
