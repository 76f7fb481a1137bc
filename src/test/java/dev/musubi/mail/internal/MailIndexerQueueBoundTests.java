package dev.musubi.mail.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.platform.search.SearchDocument;
import dev.musubi.platform.search.SearchIndex;
import dev.musubi.platform.search.SearchQuery;
import dev.musubi.platform.search.SearchResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.StaticListableBeanFactory;

/** The indexer's queue holds at most its bound of text: a hand-over beyond it waits for room. */
class MailIndexerQueueBoundTests {

  private final List<String> indexed = new CopyOnWriteArrayList<>();

  private final SearchIndex index =
      new SearchIndex() {
        @Override
        public void index(SearchDocument document) {
          indexed.add(document.id());
        }

        @Override
        public void delete(UUID tenantId, String type, String id) {}

        @Override
        public void deleteAll(UUID tenantId, String type) {}

        @Override
        public SearchResult search(SearchQuery query) {
          throw new UnsupportedOperationException();
        }
      };

  @Test
  void aHandOverBeyondTheBoundWaitsUntilTheQueueHasRoomAndNothingIsLost() throws Exception {
    StaticListableBeanFactory beans = new StaticListableBeanFactory();
    beans.addBean("index", index);
    // 100 characters at most; the indexer's own thread is not started, so only a flush drains
    MailIndexer indexer =
        new MailIndexer(
            null,
            null,
            beans.getBeanProvider(SearchIndex.class),
            Clock.systemUTC(),
            Duration.ofSeconds(15),
            100);
    String a = UUID.randomUUID().toString();
    String b = UUID.randomUUID().toString();
    String c = UUID.randomUUID().toString();
    String d = UUID.randomUUID().toString();
    indexer.handOver(document(a, 60));
    indexer.handOver(document(b, 40)); // exactly full
    assertThat(indexer.backlog()).isEqualTo(2);

    CompletableFuture<Void> third =
        CompletableFuture.runAsync(() -> indexer.handOver(document(c, 10)));
    Thread.sleep(300);
    assertThat(third).isNotDone();
    assertThat(indexer.backlog()).isEqualTo(2);

    indexer.flush();
    third.get(5, TimeUnit.SECONDS);
    indexer.flush();
    assertThat(indexed).containsExactly(a, b, c);
    assertThat(indexer.backlog()).isZero();

    // one document larger than the whole bound still goes into an empty queue at once
    indexer.handOver(document(d, 500));
    assertThat(indexer.backlog()).isEqualTo(1);
    indexer.flush();
    assertThat(indexed).containsExactly(a, b, c, d);
  }

  private static SearchDocument document(String id, int chars) {
    return new SearchDocument(
        UUID.randomUUID(), MailIndexer.TYPE, id, "scope", "", Instant.now(), "x".repeat(chars));
  }
}
