package dev.musubi.platform.search.internal;

import dev.musubi.platform.search.SearchIndex;
import dev.musubi.platform.search.SearchIndexContract;
import java.io.IOException;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

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
}
