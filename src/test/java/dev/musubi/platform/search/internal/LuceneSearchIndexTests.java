package dev.musubi.platform.search.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.platform.search.SearchDocument;
import dev.musubi.platform.search.SearchHit;
import dev.musubi.platform.search.SearchIndex;
import dev.musubi.platform.search.SearchIndexContract;
import dev.musubi.platform.search.SearchQuery;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LuceneSearchIndexTests implements SearchIndexContract {

  private LuceneSearchIndex index;

  @BeforeEach
  void openIndex() throws IOException {
    index = new LuceneSearchIndex(new ByteBuffersDirectory());
  }

  @AfterEach
  void closeIndex() throws IOException {
    index.close();
  }

  @Override
  public SearchIndex index() {
    return index;
  }

  @Test
  void closingCommitsSoThatTheIndexSurvivesARestart(@TempDir Path dir) throws IOException {
    UUID tenant = UUID.randomUUID();
    try (LuceneSearchIndex onDisk = LuceneSearchIndex.open(dir)) {
      onDisk.index(
          new SearchDocument(tenant, "message", "m1", "room", "alice", Instant.now(), "会議室"));
    }

    try (LuceneSearchIndex reopened = LuceneSearchIndex.open(dir)) {
      assertThat(
              reopened
                  .search(
                      new SearchQuery(
                          tenant, "message", "会議", Set.of("room"), null, null, null, 10))
                  .hits())
          .extracting(SearchHit::id)
          .containsExactly("m1");
    }
  }

  @Test
  void thePeriodicCommitMakesWritesDurable(@TempDir Path dir) throws IOException {
    UUID tenant = UUID.randomUUID();
    try (LuceneSearchIndex onDisk = LuceneSearchIndex.open(dir)) {
      onDisk.index(
          new SearchDocument(tenant, "message", "m1", "room", "alice", Instant.now(), "会議室"));
      onDisk.commit();

      try (DirectoryReader reader = DirectoryReader.open(FSDirectory.open(dir))) {
        assertThat(reader.numDocs()).isEqualTo(1);
      }
    }
  }
}
