package dev.musubi.platform.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.platform.MusubiProperties;
import dev.musubi.testing.MusubiIntegrationTest;
import java.nio.file.Files;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The application's search index: a Lucene index under the data directory, ready to use. */
@MusubiIntegrationTest
class SearchIndexIntegrationTests {

  @Autowired SearchIndex index;
  @Autowired MusubiProperties properties;

  @Test
  void theApplicationIndexLivesUnderTheDataDirectoryAndFindsWhatWasJustIndexed() {
    UUID tenant = UUID.randomUUID();
    index.index(
        new SearchDocument(
            tenant, "message", "m1", "room", "alice", Instant.now(), "明日の会議室を予約しました"));

    SearchResult result =
        index.search(
            new SearchQuery(tenant, "message", "かいぎ", Set.of("room"), null, null, null, 10));

    assertThat(result.hits()).extracting(SearchHit::id).containsExactly("m1");
    assertThat(Files.isDirectory(properties.dataDir().resolve("search"))).isTrue();
  }
}
