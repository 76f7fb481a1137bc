package dev.musubi.messaging.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.messaging.internal.TalkStore.MessageRow;
import dev.musubi.platform.search.SearchIndex;
import dev.musubi.platform.search.SearchQuery;
import dev.musubi.testing.ApiClient;
import dev.musubi.testing.Fixtures;
import dev.musubi.testing.Fixtures.TestCompany;
import dev.musubi.testing.Fixtures.TestMember;
import dev.musubi.testing.MusubiIntegrationTest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The search index rebuild walks a company's messages in batches along the (tenant_id, id) index:
 * every live text message once, in ID order, across several batches, and on H2 without sorting the
 * company's messages per batch (which made a rebuild of a million messages take hours).
 */
@MusubiIntegrationTest
class IndexRebuildIntegrationTests {

  @LocalServerPort int port;
  @Autowired TalkStore store;
  @Autowired SearchIndex index;
  @Autowired ObjectProvider<SearchIndex> indexProvider;
  @Autowired JdbcClient jdbc;
  @Autowired DataSource dataSource;

  @Test
  void aRebuildIndexesEveryLiveTextMessageOnceAcrossBatches() throws Exception {
    Fixtures fixtures = new Fixtures(port);
    TestCompany c = fixtures.company();
    TestMember a = fixtures.member(c, "aoki");
    TestCompany other = fixtures.company();
    ApiClient.Response created =
        a.client()
            .post("/api/v1/rooms", Map.of("type", "group", "name", "再構築", "members", List.of()));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    UUID room = UUID.fromString(created.json().get("id").asString());
    ApiClient.Response first =
        a.client().post("/api/v1/rooms/" + room + "/messages", Map.of("text", "最初の見積書です"));
    assertThat(first.status()).as(first.body()).isEqualTo(201);

    // 1,200 more through the store's own write path (the send API is limited per member): three
    // batches of 500 for the rebuild. The last one has a word no other message has.
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    dev.musubi.platform.Ids ids = new dev.musubi.platform.Ids(java.time.Clock.systemUTC());
    for (int i = 1; i <= 1200; i++) {
      long seq = store.nextSeq(c.id(), room, now);
      String body = i == 1200 ? "最後の請求書 quarterly" : "会議の議事録 " + i;
      store.insertMessage(
          new MessageRow(
              ids.next(),
              c.id(),
              room,
              seq,
              a.id(),
              body,
              null,
              List.of(),
              false,
              null,
              now,
              null,
              null,
              "text",
              false));
    }

    index.deleteAll(c.id(), MessageIndexer.TYPE);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    IndexRebuildCommand command =
        new IndexRebuildCommand(
            store, indexProvider, new PrintStream(out, true, StandardCharsets.UTF_8));
    assertThat(command.run(List.of(c.id().toString()))).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(c.id() + " indexed=1201\n");

    assertThat(search(c.id(), room, "quarterly")).isEqualTo(1);
    assertThat(search(c.id(), room, "見積書")).isEqualTo(1);
    assertThat(search(other.id(), room, "quarterly")).isZero();

    // The batches come in ID order, each message once.
    List<UUID> walked = new ArrayList<>();
    UUID after = null;
    while (true) {
      List<MessageRow> batch = store.textMessagesAfter(c.id(), after, 500);
      batch.forEach(m -> walked.add(m.id()));
      if (batch.size() < 500) {
        break;
      }
      after = batch.getLast().id();
    }
    assertThat(walked).hasSize(1201).doesNotHaveDuplicates();
    assertThat(walked).isSortedAccordingTo(UUID::compareTo);
    assertThat(store.textMessagesAfter(other.id(), null, 500)).isEmpty();

    // The index exists on both databases; H2 walks it in order instead of sorting.
    boolean h2;
    try (Connection connection = dataSource.getConnection()) {
      h2 = connection.getMetaData().getDatabaseProductName().contains("H2");
    }
    if (h2) {
      String plan =
          jdbc.sql(
                  "EXPLAIN SELECT * FROM talk_message WHERE tenant_id = ? AND recalled_at IS NULL"
                      + " AND kind = 'text' AND body IS NOT NULL AND id > ?"
                      + " ORDER BY tenant_id, id LIMIT ?")
              .params(c.id(), walked.get(600), 500)
              .query(String.class)
              .single();
      assertThat(plan).contains("talk_message_tenant_id").contains("index sorted");
    } else {
      assertThat(
              jdbc.sql("SELECT indexname FROM pg_indexes WHERE tablename = 'talk_message'")
                  .query(String.class)
                  .set())
          .contains("talk_message_tenant_id");
    }
  }

  private long search(UUID tenant, UUID room, String text) {
    return index
        .search(
            new SearchQuery(
                tenant, MessageIndexer.TYPE, text, Set.of(room.toString()), null, null, null, 10))
        .hits()
        .size();
  }
}
