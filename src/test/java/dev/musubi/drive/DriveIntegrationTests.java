package dev.musubi.drive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.testing.ApiClient;
import dev.musubi.testing.Fixtures;
import dev.musubi.testing.MusubiIntegrationTest;
import dev.musubi.testing.TestClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

@MusubiIntegrationTest
class DriveIntegrationTests {

  @LocalServerPort int port;
  @Autowired JdbcClient jdbc;
  @Autowired TestClock clock;
  @Autowired Drives drives;

  Fixtures fixtures;
  Fixtures.TestCompany company;
  DriveClient sato;

  @BeforeEach
  void setUp() {
    fixtures = new Fixtures(port);
    company = fixtures.company();
    sato = new DriveClient(port, fixtures.member(company, "sato"));
  }

  private static byte[] random(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  private long nodes(UUID tenant) {
    return jdbc.sql("SELECT COUNT(*) FROM drive_node WHERE tenant_id = ?")
        .param(tenant)
        .query(Long.class)
        .single();
  }

  private long versions(UUID tenant) {
    return jdbc.sql("SELECT COUNT(*) FROM drive_version WHERE tenant_id = ?")
        .param(tenant)
        .query(Long.class)
        .single();
  }

  private List<String> names(DriveClient c, String folderId) {
    ApiClient.Response r = c.api.get("/api/v1/drive/folders/" + folderId);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json().get("items").valueStream().map(i -> i.get("name").asString()).toList();
  }

  private void policy(Map<String, Object> changes) {
    ApiClient.Response r = company.admin().put("/api/v1/admin/drive-policy", changes);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  @Test
  void aPersonalDriveIsCreatedOnFirstUseAndFilesRoundTrip() {
    JsonNode drive = sato.personal();
    assertThat(drive.get("role").asString()).isEqualTo("manager");
    assertThat(sato.personal().get("id")).isEqualTo(drive.get("id"));
    String root = drive.get("rootFolderId").asString();
    byte[] content = random(300_000, 1);
    JsonNode file = sato.uploaded(root, "見積書 2026.pdf", content);
    assertThat(file.get("name").asString()).isEqualTo("見積書 2026.pdf");
    assertThat(file.get("size").asLong()).isEqualTo(300_000);
    String etag = file.get("etag").asString();
    assertThat(etag).startsWith("\"");

    DriveClient.Bytes d = sato.download(file.get("id").asString(), Map.of());
    assertThat(d.status()).isEqualTo(200);
    assertThat(d.body()).isEqualTo(content);
    assertThat(d.header("ETag")).isEqualTo(etag);
    assertThat(d.header("X-Content-Type-Options")).isEqualTo("nosniff");
    assertThat(d.header("Content-Security-Policy"))
        .contains("sandbox")
        .contains("default-src 'none'");
    assertThat(d.header("Content-Disposition"))
        .startsWith("attachment;")
        .contains("filename*=UTF-8''%E8%A6%8B%E7%A9%8D");
    assertThat(d.header("Accept-Ranges")).isEqualTo("bytes");

    assertThat(sato.download(file.get("id").asString(), Map.of("If-None-Match", etag)).status())
        .isEqualTo(304);
    DriveClient.Bytes part =
        sato.download(file.get("id").asString(), Map.of("Range", "bytes=100000-100009"));
    assertThat(part.status()).isEqualTo(206);
    assertThat(part.header("Content-Range")).isEqualTo("bytes 100000-100009/300000");
    assertThat(part.body()).isEqualTo(Arrays.copyOfRange(content, 100_000, 100_010));
    DriveClient.Bytes tail = sato.download(file.get("id").asString(), Map.of("Range", "bytes=-5"));
    assertThat(tail.status()).isEqualTo(206);
    assertThat(tail.body()).isEqualTo(Arrays.copyOfRange(content, 299_995, 300_000));
    DriveClient.Bytes open =
        sato.download(file.get("id").asString(), Map.of("Range", "bytes=299998-"));
    assertThat(open.body()).isEqualTo(Arrays.copyOfRange(content, 299_998, 300_000));
    DriveClient.Bytes beyond =
        sato.download(file.get("id").asString(), Map.of("Range", "bytes=400000-"));
    assertThat(beyond.status()).isEqualTo(416);
    assertThat(beyond.header("Content-Range")).isEqualTo("bytes */300000");

    // Downloads are audited.
    ApiClient.Response audit =
        company.admin().get("/api/v1/admin/audit?targetId=" + file.get("id").asString());
    assertThat(audit.body()).contains("\"actionCode\":4001");

    ApiClient.Response listing = sato.api.get("/api/v1/drive/folders/" + root);
    assertThat(listing.json().get("total").asLong()).isEqualTo(1);
    assertThat(listing.json().get("path").get(0).get("id").asString()).isEqualTo(root);
  }

  @Test
  void htmlAndSvgAreNeverServedAsSomethingABrowserRuns() {
    String root = sato.root();
    JsonNode svg =
        sato.uploaded(
            root,
            "cat.png",
            "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>"
                .getBytes(StandardCharsets.UTF_8));
    DriveClient.Bytes d =
        sato.send(
            "POST",
            "/api/v1/drive/folders/" + root + "/files",
            java.net.http.HttpRequest.BodyPublishers.ofByteArray(
                DriveClient.multipart(
                    "page.html",
                    "text/html",
                    "<script>alert(1)</script>".getBytes(StandardCharsets.UTF_8))),
            Map.of());
    assertThat(d.status()).isEqualTo(201);
    DriveClient.Bytes html = sato.download(d.json().get("id").asString(), Map.of());
    assertThat(html.header("Content-Type")).isEqualTo("application/octet-stream");
    assertThat(html.header("Content-Disposition")).startsWith("attachment");
    DriveClient.Bytes img = sato.download(svg.get("id").asString(), Map.of());
    assertThat(img.header("Content-Disposition")).startsWith("attachment");
    assertThat(img.header("X-Content-Type-Options")).isEqualTo("nosniff");
    assertThat(img.header("Content-Security-Policy")).contains("sandbox");
  }

  @Test
  void namesAreUniqueInAFolderIgnoringCaseAndUnicodeForm() {
    String root = sato.root();
    sato.uploaded(root, "パン.txt", "a".getBytes(StandardCharsets.UTF_8));
    long before = nodes(company.id());
    DriveClient.Bytes sameCase = sato.upload(root, "パン.TXT", "b".getBytes(StandardCharsets.UTF_8));
    assertThat(sameCase.status()).isEqualTo(409);
    assertThat(sameCase.problemType()).isEqualTo("name-taken");
    DriveClient.Bytes decomposed =
        sato.upload(root, "ハ\u309Aン.txt", "c".getBytes(StandardCharsets.UTF_8));
    assertThat(decomposed.status()).isEqualTo(409);
    ApiClient.Response folder =
        sato.api.post("/api/v1/drive/folders/" + root + "/folders", Map.of("name", "パン.Txt"));
    assertThat(folder.status()).isEqualTo(409);
    assertThat(nodes(company.id())).isEqualTo(before);
    assertThat(names(sato, root)).containsExactly("パン.txt");
  }

  @Test
  void badNamesAreRefusedWithFieldErrorsAndNothingIsStored() {
    String root = sato.root();
    long before = nodes(company.id());
    for (String bad :
        List.of(
            "../etc/passwd",
            "..\\boot.ini",
            "..",
            "a\u0000b",
            "tab\there",
            "evil\u202Egnp.exe",
            "CON",
            "nul.txt",
            "x".repeat(256),
            "長".repeat(5000))) {
      ApiClient.Response r =
          sato.api.post("/api/v1/drive/folders/" + root + "/folders", Map.of("name", bad));
      assertThat(r.status()).as(bad + " -> " + r.body()).isEqualTo(422);
      assertThat(r.json().get("errors").get(0).get("field").asString()).isEqualTo("name");
      if (!bad.contains("\u0000") && !bad.contains("\t")) {
        DriveClient.Bytes u = sato.upload(root, bad, new byte[] {1});
        assertThat(u.status()).as(bad).isEqualTo(422);
        assertThat(u.json().get("errors").get(0).get("field").asString()).isEqualTo("file");
      }
    }
    assertThat(nodes(company.id())).isEqualTo(before);
    assertThat(names(sato, root)).isEmpty();
    // Renames are checked the same way.
    JsonNode ok = sato.folder("資料", root);
    ApiClient.Response rename =
        sato.api.patch("/api/v1/drive/items/" + ok.get("id").asString(), Map.of("name", "a/b"));
    assertThat(rename.status()).isEqualTo(422);
    assertThat(names(sato, root)).containsExactly("資料");
  }

  @Test
  void uploadsOverTheSizeLimitOrQuotaAreRefusedAndLeaveNothing() {
    String root = sato.root();
    policy(Map.of("memberQuotaBytes", 150_000, "maxFileBytes", 100_000));
    long nodes = nodes(company.id());
    // Declared length over the limit: refused before reading.
    DriveClient.Bytes big = sato.upload(root, "big.bin", random(120_000, 2));
    assertThat(big.status()).isEqualTo(413);
    assertThat(big.problemType()).isEqualTo("file-too-large");
    // No declared length (chunked): refused while streaming.
    DriveClient.Bytes chunked =
        sato.uploadChunked(
            root, "stream.bin", () -> new java.io.ByteArrayInputStream(random(130_000, 3)));
    assertThat(chunked.status()).isEqualTo(413);
    assertThat(chunked.problemType()).isEqualTo("file-too-large");
    sato.uploaded(root, "first.bin", random(90_000, 4));
    DriveClient.Bytes over = sato.upload(root, "second.bin", random(90_000, 5));
    assertThat(over.status()).isEqualTo(413);
    assertThat(over.problemType()).isEqualTo("quota-exceeded");
    DriveClient.Bytes overChunked =
        sato.uploadChunked(
            root, "third.bin", () -> new java.io.ByteArrayInputStream(random(70_000, 6)));
    assertThat(overChunked.status()).isEqualTo(413);
    assertThat(overChunked.problemType()).isEqualTo("quota-exceeded");
    assertThat(nodes(company.id())).isEqualTo(nodes + 1);
    assertThat(names(sato, root)).containsExactly("first.bin");
    ApiClient.Response quota = sato.api.get("/api/v1/drive/quota");
    assertThat(quota.json().get("used").asLong()).isEqualTo(90_000);
    assertThat(quota.json().get("limit").asLong()).isEqualTo(150_000);
  }

  @Test
  void blockedExtensionsAreRefusedWithAClearProblem() {
    policy(Map.of("blockedExtensions", List.of("exe", ".bat")));
    DriveClient.Bytes r = sato.upload(sato.root(), "setup.EXE", new byte[] {1});
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.problemType()).isEqualTo("extension-blocked");
    assertThat(names(sato, sato.root())).isEmpty();
  }

  @Test
  void versionsNeedAFreshIfMatchAndOnlyTheLastNAreKept() {
    policy(Map.of("versionsKept", 2));
    String root = sato.root();
    JsonNode file = sato.uploaded(root, "plan.txt", "v1".getBytes(StandardCharsets.UTF_8));
    String id = file.get("id").asString();
    String etag1 = file.get("etag").asString();
    DriveClient.Bytes v2 = sato.uploadVersion(id, "v2".getBytes(StandardCharsets.UTF_8), etag1);
    assertThat(v2.status()).isEqualTo(201);
    String etag2 = v2.json().get("etag").asString();
    assertThat(etag2).isNotEqualTo(etag1);
    DriveClient.Bytes stale =
        sato.uploadVersion(id, "lost".getBytes(StandardCharsets.UTF_8), etag1);
    assertThat(stale.status()).isEqualTo(412);
    assertThat(stale.problemType()).isEqualTo("precondition-failed");
    assertThat(sato.download(id, Map.of()).body()).isEqualTo("v2".getBytes(StandardCharsets.UTF_8));
    assertThat(sato.uploadVersion(id, "v3".getBytes(StandardCharsets.UTF_8), etag2).status())
        .isEqualTo(201);
    ApiClient.Response list = sato.api.get("/api/v1/drive/files/" + id + "/versions");
    assertThat(list.json()).hasSize(2);
    assertThat(list.json().get(0).get("number").asInt()).isEqualTo(3);
    assertThat(list.json().get(0).get("current").asBoolean()).isTrue();
    String v2id = list.json().get(1).get("id").asString();
    DriveClient.Bytes old =
        sato.get("/api/v1/drive/files/" + id + "/content?version=" + v2id, Map.of());
    assertThat(old.body()).isEqualTo("v2".getBytes(StandardCharsets.UTF_8));
    ApiClient.Response restored =
        sato.api.post("/api/v1/drive/files/" + id + "/versions/" + v2id + "/restore", null);
    assertThat(restored.status()).as(restored.body()).isEqualTo(200);
    assertThat(sato.download(id, Map.of()).body()).isEqualTo("v2".getBytes(StandardCharsets.UTF_8));
    assertThat(sato.api.get("/api/v1/drive/files/" + id + "/versions").json()).hasSize(2);
  }

  @Test
  void renameMoveCopyTrashRestoreAndPurge() {
    String root = sato.root();
    String docs = sato.folder("docs", root).get("id").asString();
    String archive = sato.folder("archive", root).get("id").asString();
    JsonNode file = sato.uploaded(docs, "a.txt", "hello".getBytes(StandardCharsets.UTF_8));
    String id = file.get("id").asString();

    ApiClient.Response renamed =
        sato.api.patch("/api/v1/drive/items/" + id, Map.of("name", "b.txt"));
    assertThat(renamed.status()).as(renamed.body()).isEqualTo(200);
    ApiClient.Response moved =
        sato.api.patch("/api/v1/drive/items/" + id, Map.of("parentId", archive));
    assertThat(moved.json().get("parentId").asString()).isEqualTo(archive);
    assertThat(names(sato, archive)).containsExactly("b.txt");
    assertThat(names(sato, docs)).isEmpty();
    ApiClient.Response cycle =
        sato.api.patch("/api/v1/drive/items/" + docs, Map.of("parentId", docs));
    assertThat(cycle.status()).isEqualTo(422);

    ApiClient.Response copy =
        sato.api.post("/api/v1/drive/items/" + archive + "/copy", Map.of("parentId", docs));
    assertThat(copy.status()).as(copy.body()).isEqualTo(201);
    String copied = copy.json().get("id").asString();
    List<String> copiedNames = names(sato, copied);
    assertThat(copiedNames).containsExactly("b.txt");

    assertThat(sato.api.delete("/api/v1/drive/items/" + archive).status()).isEqualTo(204);
    assertThat(names(sato, root)).containsExactly("docs");
    assertThat(sato.api.get("/api/v1/drive/items/" + id).status()).isEqualTo(404);
    assertThat(sato.download(id, Map.of()).status()).isEqualTo(404);
    String driveId = sato.personal().get("id").asString();
    ApiClient.Response trash = sato.api.get("/api/v1/drive/drives/" + driveId + "/trash");
    assertThat(trash.json()).hasSize(1);
    // A new folder takes the name meanwhile; the restored one gets a number.
    sato.folder("archive", root);
    ApiClient.Response restored =
        sato.api.post("/api/v1/drive/items/" + archive + "/restore", null);
    assertThat(restored.status()).as(restored.body()).isEqualTo(200);
    assertThat(restored.json().get("name").asString()).isEqualTo("archive (2)");
    assertThat(sato.download(id, Map.of()).body())
        .isEqualTo("hello".getBytes(StandardCharsets.UTF_8));

    assertThat(sato.api.delete("/api/v1/drive/trash/" + id).status()).isEqualTo(409);
    assertThat(sato.api.delete("/api/v1/drive/items/" + id).status()).isEqualTo(204);
    long versionsBefore = versions(company.id());
    assertThat(sato.api.delete("/api/v1/drive/trash/" + id).status()).isEqualTo(204);
    assertThat(versions(company.id())).isEqualTo(versionsBefore - 1);
    assertThat(sato.api.post("/api/v1/drive/items/" + id + "/restore", null).status())
        .isEqualTo(404);

    ApiClient.Response audit = company.admin().get("/api/v1/admin/audit?targetId=" + id);
    assertThat(audit.body()).contains("\"actionCode\":4002").contains("\"actionCode\":4004");
    ApiClient.Response folderAudit = company.admin().get("/api/v1/admin/audit?targetId=" + archive);
    assertThat(folderAudit.body()).contains("\"actionCode\":4002").contains("\"actionCode\":4003");

    ApiClient.Response search = sato.api.get("/api/v1/drive/drives/" + driveId + "/search?q=B.TXT");
    assertThat(search.json().valueStream().map(n -> n.get("id").asString()).toList())
        .doesNotContain(id)
        .hasSize(1); // the copy
  }

  @Test
  void theTrashIsEmptiedAfterTheRetentionDays() {
    policy(Map.of("trashRetentionDays", 3));
    String root = sato.root();
    String id =
        sato.uploaded(root, "old.txt", "x".getBytes(StandardCharsets.UTF_8)).get("id").asString();
    sato.api.delete("/api/v1/drive/items/" + id);
    try {
      clock.advance(Duration.ofDays(2));
      drives.emptyExpiredTrash();
      assertThat(sato.api.post("/api/v1/drive/items/" + id + "/restore", null).status())
          .isEqualTo(200);
      sato.api.delete("/api/v1/drive/items/" + id);
      clock.advance(Duration.ofDays(4));
      assertThat(drives.emptyExpiredTrash()).isGreaterThanOrEqualTo(1);
      assertThat(sato.api.post("/api/v1/drive/items/" + id + "/restore", null).status())
          .isEqualTo(404);
      assertThat(versions(company.id())).isZero();
    } finally {
      clock.reset();
    }
  }

  @Test
  void anotherMemberOrCompanyGetsNotFoundForEveryId() {
    String root = sato.root();
    JsonNode file = sato.uploaded(root, "secret.txt", "s".getBytes(StandardCharsets.UTF_8));
    String id = file.get("id").asString();
    String version =
        sato.api.get("/api/v1/drive/files/" + id + "/versions").json().get(0).get("id").asString();
    String driveId = sato.personal().get("id").asString();
    DriveClient colleague = new DriveClient(port, fixtures.member(company, "suzuki"));
    Fixtures.TestCompany other = fixtures.company();
    DriveClient stranger = new DriveClient(port, other.admin());
    for (DriveClient c : List.of(colleague, stranger)) {
      assertThat(c.api.get("/api/v1/drive/items/" + id).status()).isEqualTo(404);
      assertThat(c.api.get("/api/v1/drive/folders/" + root).status()).isEqualTo(404);
      assertThat(c.api.get("/api/v1/drive/drives/" + driveId).status()).isEqualTo(404);
      assertThat(c.api.get("/api/v1/drive/files/" + id + "/versions").status()).isEqualTo(404);
      assertThat(c.download(id, Map.of()).status()).isEqualTo(404);
      assertThat(
              c.get("/api/v1/drive/files/" + id + "/content?version=" + version, Map.of()).status())
          .isEqualTo(404);
      assertThat(
              c.api
                  .post("/api/v1/drive/files/" + id + "/versions/" + version + "/restore", null)
                  .status())
          .isEqualTo(404);
      assertThat(c.upload(root, "x.txt", new byte[] {1}).status()).isEqualTo(404);
      assertThat(c.uploadVersion(id, new byte[] {1}, null).status()).isEqualTo(404);
      assertThat(c.api.delete("/api/v1/drive/items/" + id).status()).isEqualTo(404);
      assertThat(c.api.patch("/api/v1/drive/items/" + id, Map.of("name", "y.txt")).status())
          .isEqualTo(404);
      assertThat(
              c.api
                  .post("/api/v1/drive/items/" + id + "/copy", Map.of("parentId", c.root()))
                  .status())
          .isEqualTo(404);
      assertThat(c.api.get("/api/v1/drive/drives/" + driveId + "/search?q=secret").status())
          .isEqualTo(404);
    }
    assertThat(sato.download(id, Map.of()).body()).isEqualTo("s".getBytes(StandardCharsets.UTF_8));
    assertThat(names(sato, root)).containsExactly("secret.txt");
  }

  @Test
  void sharedDrivesCheckRolesAndAReshareNeverGrantsMore() {
    Fixtures.TestMember editorM = fixtures.member(company, "editor");
    Fixtures.TestMember viewerM = fixtures.member(company, "viewer");
    Fixtures.TestMember outsiderM = fixtures.member(company, "outsider");
    ApiClient.Response created =
        company.admin().post("/api/v1/drive/drives", Map.of("name", "営業部共有"));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String driveId = created.json().get("id").asString();
    String root = created.json().get("rootFolderId").asString();
    assertThat(sato.api.post("/api/v1/drive/drives", Map.of("name", "x")).status()).isEqualTo(403);
    ApiClient.Response g1 =
        company
            .admin()
            .post(
                "/api/v1/drive/drives/" + driveId + "/members",
                Map.of("type", "member", "id", editorM.id().toString(), "role", "editor"));
    assertThat(g1.status()).as(g1.body()).isEqualTo(200);
    DriveClient editor = new DriveClient(port, editorM);
    DriveClient viewer = new DriveClient(port, viewerM);
    DriveClient outsider = new DriveClient(port, outsiderM);
    // The editor reshares: viewer is fine, manager is more than they hold.
    ApiClient.Response tooMuch =
        editor.api.post(
            "/api/v1/drive/drives/" + driveId + "/members",
            Map.of("type", "member", "id", viewerM.id().toString(), "role", "manager"));
    assertThat(tooMuch.status()).isEqualTo(403);
    assertThat(tooMuch.problemType()).isEqualTo("reshare");
    ApiClient.Response ok =
        editor.api.post(
            "/api/v1/drive/drives/" + driveId + "/members",
            Map.of("type", "member", "id", viewerM.id().toString(), "role", "viewer"));
    assertThat(ok.status()).as(ok.body()).isEqualTo(200);
    // The viewer can read but not write or share.
    JsonNode f = editor.uploaded(root, "議事録.txt", "内容".getBytes(StandardCharsets.UTF_8));
    assertThat(viewer.download(f.get("id").asString(), Map.of()).status()).isEqualTo(200);
    DriveClient.Bytes refused = viewer.upload(root, "v.txt", new byte[] {1});
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.problemType()).isEqualTo("drive-role");
    assertThat(viewer.api.delete("/api/v1/drive/items/" + f.get("id").asString()).status())
        .isEqualTo(403);
    assertThat(
            viewer
                .api
                .post(
                    "/api/v1/drive/drives/" + driveId + "/members",
                    Map.of("type", "member", "id", outsiderM.id().toString(), "role", "viewer"))
                .status())
        .isEqualTo(403);
    // Someone without a grant does not even see the drive.
    assertThat(outsider.api.get("/api/v1/drive/folders/" + root).status()).isEqualTo(404);
    assertThat(outsider.api.get("/api/v1/drive/drives").body()).doesNotContain(driveId);
    assertThat(viewer.api.get("/api/v1/drive/drives").body()).contains(driveId);
    // Departments: a grant to a department reaches its members.
    ApiClient.Response dept =
        company.admin().post("/api/v1/admin/departments", Map.of("name", "営業部"));
    String deptId = dept.json().get("id").asString();
    company
        .admin()
        .patch(
            "/api/v1/admin/members/" + outsiderM.id(),
            Map.of("departments", List.of(Map.of("departmentId", deptId, "primary", true))));
    company
        .admin()
        .post(
            "/api/v1/drive/drives/" + driveId + "/members",
            Map.of("type", "department", "id", deptId, "role", "viewer"));
    assertThat(outsider.api.get("/api/v1/drive/folders/" + root).status()).isEqualTo(200);
    // Only managers revoke; revoking takes access away at once.
    assertThat(
            editor
                .api
                .delete("/api/v1/drive/drives/" + driveId + "/members/" + viewerM.id())
                .status())
        .isEqualTo(403);
    assertThat(
            company
                .admin()
                .delete("/api/v1/drive/drives/" + driveId + "/members/" + viewerM.id())
                .status())
        .isEqualTo(204);
    assertThat(viewer.download(f.get("id").asString(), Map.of()).status()).isEqualTo(404);
    ApiClient.Response audit = company.admin().get("/api/v1/admin/audit?targetId=" + driveId);
    assertThat(audit.body())
        .contains("\"actionCode\":4010")
        .contains("\"actionCode\":4011")
        .contains("\"actionCode\":4012");
  }

  @Test
  void malformedMultipartIsRefused() {
    DriveClient.Bytes r =
        sato.send(
            "POST",
            "/api/v1/drive/folders/" + sato.root() + "/files",
            java.net.http.HttpRequest.BodyPublishers.ofString("--x\r\nno headers"),
            Map.of());
    assertThat(r.status()).isEqualTo(422);
    assertThat(names(sato, sato.root())).isEmpty();
  }
}
