package dev.musubi.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.testing.ApiClient;
import dev.musubi.testing.Fixtures;
import dev.musubi.testing.Fixtures.TestCompany;
import dev.musubi.testing.Fixtures.TestMember;
import dev.musubi.testing.MusubiIntegrationTest;
import dev.musubi.testing.TestClock;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** Files and images in talk messages, through the real API, blob store and database. */
@MusubiIntegrationTest
class TalkFilesIntegrationTests {

  @LocalServerPort int port;
  @Autowired JdbcClient jdbc;
  @Autowired TestClock clock;
  @Autowired TalkAttachments attachments;
  Fixtures fixtures;

  @BeforeEach
  void setUp() {
    fixtures = new Fixtures(port);
  }

  @AfterEach
  void resetClock() {
    clock.reset();
  }

  @Test
  void anImageIsUploadedSentWithoutTextAndDownloadedByAnotherMember() throws Exception {
    TestCompany c = fixtures.company();
    TestMember a = fixtures.member(c, "aoki");
    TestMember b = fixtures.member(c, "baba");
    TalkFiles af = new TalkFiles(port, a);
    TalkFiles bf = new TalkFiles(port, b);
    String room = Talk.group(a.client(), "写真", b);
    byte[] png = TalkFiles.png(1600, 1200, 1);

    JsonNode up = af.uploaded(room, "現場 写真.png", "image/png", png);
    assertThat(up.get("contentType").asString()).isEqualTo("image/png");
    assertThat(up.get("size").asLong()).isEqualTo(png.length);
    assertThat(up.get("width").asInt()).isEqualTo(1600);
    assertThat(up.get("height").asInt()).isEqualTo(1200);
    assertThat(up.get("thumbnail").asBoolean()).isTrue();
    String id = up.get("id").asString();
    // Until it is sent, the upload is the uploader's alone.
    assertThat(bf.get(TalkFiles.path(room) + "/" + id).status()).isEqualTo(404);

    ApiClient.Response sent =
        Talk.send(a.client(), room, Talk.body("attachments", List.of(id), "idempotencyKey", "p1"));
    assertThat(sent.status()).as(sent.body()).isEqualTo(201);
    assertThat(sent.json().get("text").asString()).isEmpty();
    JsonNode att = sent.json().get("attachments").get(0);
    assertThat(att.get("id").asString()).isEqualTo(id);
    assertThat(att.get("name").asString()).isEqualTo("現場 写真.png");

    JsonNode seen = Talk.page(b.client(), room, "").get(0);
    assertThat(seen.get("attachments").get(0).get("width").asInt()).isEqualTo(1600);

    TalkFiles.Bytes file = bf.get(TalkFiles.path(room) + "/" + id);
    assertThat(file.status()).isEqualTo(200);
    assertThat(file.body()).isEqualTo(png);
    assertThat(file.header("Content-Type")).isEqualTo("image/png");
    assertThat(file.header("Content-Disposition"))
        .startsWith("inline; ")
        .contains("filename*=UTF-8''%E7%8F%BE%E5%A0%B4%20%E5%86%99%E7%9C%9F.png");
    assertThat(file.header("X-Content-Type-Options")).isEqualTo("nosniff");
    assertThat(file.header("Content-Security-Policy")).contains("sandbox");
    String etag = file.header("ETag");
    assertThat(etag).isNotBlank();

    TalkFiles.Bytes part = bf.get(TalkFiles.path(room) + "/" + id, "Range", "bytes=0-9");
    assertThat(part.status()).isEqualTo(206);
    assertThat(part.body()).isEqualTo(Arrays.copyOf(png, 10));
    assertThat(part.header("Content-Range")).isEqualTo("bytes 0-9/" + png.length);
    assertThat(bf.get(TalkFiles.path(room) + "/" + id, "If-None-Match", etag).status())
        .isEqualTo(304);
    assertThat(
            bf.get(TalkFiles.path(room) + "/" + id, "Range", "bytes=" + png.length + "-").status())
        .isEqualTo(416);

    TalkFiles.Bytes thumb = bf.get(TalkFiles.path(room) + "/" + id + "/thumbnail");
    assertThat(thumb.status()).isEqualTo(200);
    assertThat(thumb.header("Content-Type")).isEqualTo("image/jpeg");
    assertThat(thumb.header("X-Content-Type-Options")).isEqualTo("nosniff");
    BufferedImage small = ImageIO.read(new ByteArrayInputStream(thumb.body()));
    assertThat(small.getWidth()).isEqualTo(320);
    assertThat(small.getHeight()).isEqualTo(240);

    // Downloads of the file are audited (as in the drive); thumbnails are not.
    Long audited =
        jdbc.sql(
                "SELECT COUNT(*) FROM audit_event WHERE tenant_id = ? AND action_code = 3020"
                    + " AND target_id = ?")
            .params(c.id(), id)
            .query(Long.class)
            .single();
    assertThat(audited).isEqualTo(4L);
  }

  @Test
  void filesThatAreNotProvenImagesAreAlwaysDownloadedAsOpaqueAttachments() {
    TestCompany c = fixtures.company();
    TestMember a = fixtures.member(c, "aoki");
    TalkFiles af = new TalkFiles(port, a);
    String room = Talk.group(a.client(), "資料");
    byte[] html = "<html><script>alert(1)</script></html>".getBytes(StandardCharsets.UTF_8);
    JsonNode page = af.uploaded(room, "<img src=x onerror=alert(1)>.html", "text/html", html);
    assertThat(page.get("thumbnail").asBoolean()).isFalse();
    String pptx = "application/vnd.openxmlformats-officedocument.presentationml.presentation";
    assertThat(af.uploaded(room, "提案.pptx", pptx, html).get("contentType").asString())
        .isEqualTo(pptx);
    assertThat(af.uploaded(room, "odd.bin", "not a type", html).get("contentType").asString())
        .isEqualTo("application/octet-stream");
    // A type that claims to be an image but does not decode is not shown as one.
    JsonNode fake = af.uploaded(room, "fake.png", "image/png", html);
    assertThat(fake.get("contentType").asString()).isEqualTo("application/octet-stream");
    assertThat(fake.get("thumbnail").asBoolean()).isFalse();
    ApiClient.Response sent =
        Talk.send(
            a.client(),
            room,
            Talk.body(
                "text",
                "資料です",
                "attachments",
                List.of(page.get("id").asString(), fake.get("id").asString())));
    assertThat(sent.status()).as(sent.body()).isEqualTo(201);
    assertThat(sent.json().get("text").asString()).isEqualTo("資料です");
    assertThat(sent.json().get("attachments").valueStream().map(n -> n.get("id").asString()))
        .containsExactly(page.get("id").asString(), fake.get("id").asString());
    for (JsonNode n : List.of(page, fake)) {
      TalkFiles.Bytes d = af.get(TalkFiles.path(room) + "/" + n.get("id").asString());
      assertThat(d.status()).isEqualTo(200);
      assertThat(d.body()).isEqualTo(html);
      assertThat(d.header("Content-Type")).isEqualTo("application/octet-stream");
      assertThat(d.header("Content-Disposition")).startsWith("attachment; ");
      assertThat(d.header("X-Content-Type-Options")).isEqualTo("nosniff");
      assertThat(d.header("Content-Security-Policy")).contains("sandbox");
      assertThat(
              af.get(TalkFiles.path(room) + "/" + n.get("id").asString() + "/thumbnail").status())
          .isEqualTo(404);
    }
  }

  @Test
  void membersOutsideTheRoomGet404ForItsFilesAndCannotUploadIntoIt() {
    TestCompany c = fixtures.company();
    TestMember a = fixtures.member(c, "aoki");
    TestMember outsider = fixtures.member(c, "soto");
    TalkFiles af = new TalkFiles(port, a);
    TalkFiles of = new TalkFiles(port, outsider);
    String room = Talk.group(a.client(), "秘密");
    String id =
        af.uploaded(room, "plan.png", "image/png", TalkFiles.png(40, 30, 2)).get("id").asString();
    Talk.send(a.client(), room, Talk.body("attachments", List.of(id)));
    assertThat(of.get(TalkFiles.path(room) + "/" + id).status()).isEqualTo(404);
    assertThat(of.get(TalkFiles.path(room) + "/" + id + "/thumbnail").status()).isEqualTo(404);
    assertThat(of.upload(room, "x.txt", "text/plain", new byte[] {1}).status()).isEqualTo(404);
    // Another room of the outsider does not open the file either.
    String own = Talk.group(outsider.client(), "自分");
    assertThat(of.get(TalkFiles.path(own) + "/" + id).status()).isEqualTo(404);
    assertThat(of.get(TalkFiles.path(room) + "/not-an-id").status()).isEqualTo(404);
    // Nor can the outsider attach it to a message of their own room.
    ApiClient.Response steal =
        Talk.send(outsider.client(), own, Talk.body("attachments", List.of(id)));
    assertThat(steal.status()).isEqualTo(422);
    assertThat(steal.body()).contains("unknown_attachment");
  }

  @Test
  void anUploadOverTheCompanyLimitIs413AndLeavesNoBlob() {
    TestCompany c = fixtures.company();
    TestMember a = fixtures.member(c, "aoki");
    TalkFiles af = new TalkFiles(port, a);
    String room = Talk.group(a.client(), "大きい");
    ApiClient.Response set =
        c.admin().put("/api/v1/admin/talk-settings", Map.of("attachmentMaxMb", 1));
    assertThat(set.status()).as(set.body()).isEqualTo(200);
    long before = blobs(c.id());
    byte[] big = new byte[1024 * 1024 + 1];
    new Random(3).nextBytes(big);

    TalkFiles.Bytes declared = af.upload(room, "big.bin", "application/octet-stream", big);
    assertThat(declared.status()).isEqualTo(413);
    assertThat(declared.problemType()).isEqualTo("attachment-too-large");
    TalkFiles.Bytes streamed = af.uploadChunked(room, "big.bin", big);
    assertThat(streamed.status()).isEqualTo(413);
    assertThat(streamed.problemType()).isEqualTo("attachment-too-large");
    assertThat(blobs(c.id())).isEqualTo(before);
    assertThat(attachmentRows(c.id())).isZero();

    // Exactly the limit is fine.
    assertThat(
            af.upload(room, "ok.bin", "application/octet-stream", Arrays.copyOf(big, 1024 * 1024))
                .status())
        .isEqualTo(201);
  }

  @Test
  void aDecompressionBombIsRefusedBeforeItIsDecoded() {
    TestCompany c = fixtures.company();
    TestMember a = fixtures.member(c, "aoki");
    TalkFiles af = new TalkFiles(port, a);
    String room = Talk.group(a.client(), "爆弾");
    byte[] bomb = TalkFiles.pngClaiming(100_000, 100_000);
    TalkFiles.Bytes r = af.upload(room, "bomb.png", "image/png", bomb);
    assertThat(r.status()).isEqualTo(422);
    assertThat(r.problemType()).isEqualTo("image-too-large");
    assertThat(new String(r.body(), StandardCharsets.UTF_8)).contains("100000 × 100000");
    assertThat(attachmentRows(c.id())).isZero();
    assertThat(references(c.id())).isZero();
  }

  @Test
  void recallingTheMessageDropsItsFilesAndTheirBlobReferences() {
    TestCompany c = fixtures.company();
    TestMember a = fixtures.member(c, "aoki");
    TestMember b = fixtures.member(c, "baba");
    TalkFiles af = new TalkFiles(port, a);
    TalkFiles bf = new TalkFiles(port, b);
    String room = Talk.group(a.client(), "取消", b);
    String id =
        af.uploaded(room, "x.png", "image/png", TalkFiles.png(64, 64, 5)).get("id").asString();
    ApiClient.Response sent =
        Talk.send(a.client(), room, Talk.body("text", "写真", "attachments", List.of(id)));
    assertThat(sent.status()).as(sent.body()).isEqualTo(201);
    assertThat(owners(c.id()))
        .containsExactlyInAnyOrder("talk.attachment:" + id, "talk.thumbnail:" + id);

    String messageId = sent.json().get("id").asString();
    ApiClient.Response recalled =
        a.client().post("/api/v1/rooms/" + room + "/messages/" + messageId + "/recall", null);
    assertThat(recalled.status()).as(recalled.body()).isEqualTo(200);
    assertThat(recalled.json().get("attachments")).isEmpty();
    assertThat(owners(c.id())).isEmpty();
    assertThat(bf.get(TalkFiles.path(room) + "/" + id).status()).isEqualTo(404);
    assertThat(bf.get(TalkFiles.path(room) + "/" + id + "/thumbnail").status()).isEqualTo(404);
    assertThat(Talk.page(b.client(), room, "").get(0).get("attachments")).isEmpty();
  }

  @Test
  void aRetryWithTheSameKeyDoesNotDuplicateTheMessageOrItsFiles() {
    TestCompany c = fixtures.company();
    TestMember a = fixtures.member(c, "aoki");
    TalkFiles af = new TalkFiles(port, a);
    String room = Talk.group(a.client(), "再送");
    String id =
        af.uploaded(room, "memo.txt", "text/plain", "メモ".getBytes(StandardCharsets.UTF_8))
            .get("id")
            .asString();
    Map<String, Object> body = Talk.body("attachments", List.of(id), "idempotencyKey", "files-1");
    ApiClient.Response first = Talk.send(a.client(), room, body);
    assertThat(first.status()).as(first.body()).isEqualTo(201);
    ApiClient.Response retry = Talk.send(a.client(), room, body);
    assertThat(retry.status()).as(retry.body()).isEqualTo(200);
    assertThat(retry.json().get("id").asString()).isEqualTo(first.json().get("id").asString());
    assertThat(retry.json().get("attachments").get(0).get("id").asString()).isEqualTo(id);
    assertThat(Talk.seqs(Talk.page(a.client(), room, ""))).containsExactly(1L);
    assertThat(attachmentRows(c.id())).isEqualTo(1);
    // A sent upload cannot be sent again with another message.
    ApiClient.Response again = Talk.send(a.client(), room, Talk.body("attachments", List.of(id)));
    assertThat(again.status()).isEqualTo(422);
    assertThat(Talk.seqs(Talk.page(a.client(), room, ""))).containsExactly(1L);
  }

  @Test
  void badUploadsAndBadMessagesAreRefusedClearly() {
    TestCompany c = fixtures.company();
    TestMember a = fixtures.member(c, "aoki");
    TalkFiles af = new TalkFiles(port, a);
    String room = Talk.group(a.client(), "検査");
    ApiClient.Response policy =
        c.admin().put("/api/v1/admin/drive-policy", Map.of("blockedExtensions", List.of("exe")));
    assertThat(policy.status()).as(policy.body()).isEqualTo(200);
    TalkFiles.Bytes blocked =
        af.upload(room, "setup.EXE", "application/octet-stream", new byte[] {1});
    assertThat(blocked.status()).isEqualTo(422);
    assertThat(blocked.problemType()).isEqualTo("extension-blocked");
    assertThat(af.upload(room, null, "text/plain", new byte[] {1}).status()).isEqualTo(422);
    assertThat(af.upload(room, "a\u0007b.txt", "text/plain", new byte[] {1}).status())
        .isEqualTo(422);
    assertThat(af.upload(room, "x".repeat(256), "text/plain", new byte[] {1}).status())
        .isEqualTo(422);
    TalkFiles.Bytes form =
        af.upload(room, "a.txt", "multipart/form-data; boundary=xyz", new byte[] {1});
    assertThat(form.status()).isEqualTo(415);
    assertThat(attachmentRows(c.id())).isZero();
    // A path in the name is dropped.
    assertThat(
            af.uploaded(room, "../../etc/passwd", "text/plain", new byte[] {1})
                .get("name")
                .asString())
        .isEqualTo("passwd");

    ApiClient.Response unknown =
        Talk.send(
            a.client(), room, Talk.body("attachments", List.of(UUID.randomUUID().toString())));
    assertThat(unknown.status()).isEqualTo(422);
    ApiClient.Response tooMany =
        Talk.send(
            a.client(),
            room,
            Talk.body(
                "attachments", java.util.Collections.nCopies(11, UUID.randomUUID().toString())));
    assertThat(tooMany.status()).isEqualTo(422);
    String id = af.uploaded(room, "a.txt", "text/plain", new byte[] {2}).get("id").asString();
    ApiClient.Response sticker =
        Talk.send(a.client(), room, Talk.body("sticker", "ok", "attachments", List.of(id)));
    assertThat(sticker.status()).isEqualTo(422);
    assertThat(Talk.send(a.client(), room, Talk.body("attachments", List.of())).status())
        .isEqualTo(422);
    assertThat(Talk.page(a.client(), room, "")).isEmpty();
  }

  @Test
  void uploadsNeverSentAreRemovedAfterADayAndForwardedFilesAreCopies() {
    TestCompany c = fixtures.company();
    TestMember a = fixtures.member(c, "aoki");
    TalkFiles af = new TalkFiles(port, a);
    String room = Talk.group(a.client(), "元");
    String other = Talk.group(a.client(), "先");
    String kept =
        af.uploaded(room, "kept.png", "image/png", TalkFiles.png(50, 50, 7)).get("id").asString();
    String forgotten =
        af.uploaded(room, "forgotten.txt", "text/plain", new byte[] {9}).get("id").asString();
    ApiClient.Response sent = Talk.send(a.client(), room, Talk.body("attachments", List.of(kept)));
    assertThat(sent.status()).as(sent.body()).isEqualTo(201);

    ApiClient.Response fwd =
        a.client()
            .post(
                "/api/v1/rooms/"
                    + room
                    + "/messages/"
                    + sent.json().get("id").asString()
                    + "/forward",
                Map.of("room", other));
    assertThat(fwd.status()).as(fwd.body()).isEqualTo(201);
    String copy = fwd.json().get("attachments").get(0).get("id").asString();
    assertThat(copy).isNotEqualTo(kept);
    assertThat(af.get(TalkFiles.path(other) + "/" + copy + "/thumbnail").status()).isEqualTo(200);

    clock.advance(Duration.ofHours(25));
    attachments.removeExpiredUploads();
    assertThat(af.get(TalkFiles.path(room) + "/" + forgotten).status()).isEqualTo(404);
    assertThat(af.get(TalkFiles.path(room) + "/" + kept).status()).isEqualTo(200);
    assertThat(owners(c.id()))
        .containsExactlyInAnyOrder(
            "talk.attachment:" + kept,
            "talk.thumbnail:" + kept,
            "talk.attachment:" + copy,
            "talk.thumbnail:" + copy);
  }

  @Test
  void anUploadNotSentCanBeDiscardedAndPendingUploadsAreCapped() {
    TestCompany c = fixtures.company();
    TestMember a = fixtures.member(c, "aoki");
    TestMember b = fixtures.member(c, "baba");
    TalkFiles af = new TalkFiles(port, a);
    String room = Talk.group(a.client(), "整理", b);
    String id =
        af.uploaded(room, "draft.png", "image/png", TalkFiles.png(30, 30, 8)).get("id").asString();
    String path = TalkFiles.path(room) + "/" + id;
    // Another member cannot see or discard it.
    assertThat(b.client().delete(path).status()).isEqualTo(404);
    assertThat(a.client().delete(path).status()).isEqualTo(204);
    assertThat(af.get(path).status()).isEqualTo(404);
    assertThat(owners(c.id())).isEmpty();
    assertThat(a.client().delete(path).status()).isEqualTo(404);

    String sent = af.uploaded(room, "sent.txt", "text/plain", new byte[] {1}).get("id").asString();
    Talk.send(a.client(), room, Talk.body("attachments", List.of(sent)));
    ApiClient.Response late = a.client().delete(TalkFiles.path(room) + "/" + sent);
    assertThat(late.status()).isEqualTo(409);
    assertThat(late.problemType()).isEqualTo("sent");

    for (int i = 0; i < TalkAttachments.MAX_PENDING; i++) {
      af.uploaded(room, "f" + i + ".txt", "text/plain", new byte[] {(byte) i});
    }
    TalkFiles.Bytes over = af.upload(room, "one-more.txt", "text/plain", new byte[] {7});
    assertThat(over.status()).isEqualTo(409);
    assertThat(over.problemType()).isEqualTo("too-many-uploads");
    assertThat(attachmentRows(c.id())).isEqualTo(TalkAttachments.MAX_PENDING + 1L);
  }

  private long blobs(UUID tenantId) {
    return jdbc.sql("SELECT COUNT(*) FROM blob WHERE tenant_id = ?")
        .param(tenantId)
        .query(Long.class)
        .single();
  }

  private long references(UUID tenantId) {
    return jdbc.sql("SELECT COUNT(*) FROM blob_reference WHERE tenant_id = ?")
        .param(tenantId)
        .query(Long.class)
        .single();
  }

  private List<String> owners(UUID tenantId) {
    return jdbc.sql("SELECT owner FROM blob_reference WHERE tenant_id = ?")
        .param(tenantId)
        .query(String.class)
        .list();
  }

  private long attachmentRows(UUID tenantId) {
    return jdbc.sql("SELECT COUNT(*) FROM talk_attachment WHERE tenant_id = ?")
        .param(tenantId)
        .query(Long.class)
        .single();
  }
}
