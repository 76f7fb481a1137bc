package dev.musubi.platform.search.internal;

import dev.musubi.platform.MusubiProperties;
import dev.musubi.platform.search.SearchDocument;
import dev.musubi.platform.search.SearchHit;
import dev.musubi.platform.search.SearchIndex;
import dev.musubi.platform.search.SearchQuery;
import dev.musubi.platform.search.SearchResult;
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.DisjunctionMaxQuery;
import org.apache.lucene.search.FieldDoc;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.QueryVisitor;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopFieldCollectorManager;
import org.apache.lucene.search.TopFieldDocs;
import org.apache.lucene.store.AlreadyClosedException;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.QueryBuilder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The embedded search index: Apache Lucene under {@code <musubi.data-dir>/search/}, with Japanese
 * analysis (see {@link Analysis} for the fields and why there are several).
 *
 * <p><b>Visibility.</b> One {@link IndexWriter} takes every write; a search first refreshes the
 * reader when anything was written since the last refresh, so a search that starts after {@link
 * #index} returned sees the document. Refreshing on search rather than after every write keeps a
 * rebuild (many writes, no searches) from producing one tiny segment per document.
 *
 * <p><b>Durability.</b> Writes are committed to disk every few seconds and on shutdown, not on each
 * write: after a crash the last seconds of writes may be missing. That is acceptable because the
 * index is a cache of the stores and can be rebuilt from them at any time.
 *
 * <p><b>Queries.</b> The query text is never parsed as Lucene syntax: it is split at white space
 * into words, each word is analysed like the text, and every word must match in at least one field.
 * Time filters work in milliseconds.
 */
@Component
public class LuceneSearchIndex implements SearchIndex, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(LuceneSearchIndex.class);

  /** The most words of a query that count; the rest are ignored. */
  static final int MAX_WORDS = 32;

  /** The most characters of a query that count; the rest are ignored. */
  static final int MAX_QUERY_CHARS = 200;

  /** The most hits a search returns. */
  static final int MAX_LIMIT = 100;

  private static final String KEY = "key";
  private static final String TENANT = "tenant";
  private static final String TYPE = "type";
  private static final String ID = "id";
  private static final String SCOPE = "scope";
  private static final String AUTHOR = "author";
  private static final String TIME = "time";

  private static final Map<String, Float> BOOSTS =
      Map.of(Analysis.JA, 3f, Analysis.EN, 1.5f, Analysis.BIGRAM, 1f, Analysis.READING, 0.5f);

  private static final Sort BEST_THEN_NEWEST =
      new Sort(SortField.FIELD_SCORE, new SortField(TIME, SortField.Type.LONG, true));

  private final Directory directory;
  private final IndexWriter writer;
  private final SearcherManager searchers;
  private final Analyzer morphemes = Analysis.morphemes();
  private final QueryBuilder japanese;
  private final QueryBuilder bigrams;
  private final QueryBuilder english;
  private final Highlighter highlighter;

  /** Counts writes; a search refreshes the reader when it lags behind. */
  private final AtomicLong written = new AtomicLong();

  private final AtomicLong refreshed = new AtomicLong();

  /** The index under {@code <musubi.data-dir>/search/}. */
  @Autowired
  public LuceneSearchIndex(MusubiProperties properties) throws IOException {
    this(FSDirectory.open(Files.createDirectories(properties.dataDir().resolve("search"))));
  }

  /** The index in a directory of the caller's choice (tests use a {@code ByteBuffersDirectory}). */
  public LuceneSearchIndex(Directory directory) throws IOException {
    this.directory = directory;
    Analyzer japaneseAnalyzer = Analysis.japanese();
    Analyzer bigramIndexAnalyzer = Analysis.bigrams(true);
    Analyzer englishAnalyzer = Analysis.english();
    IndexWriterConfig config =
        new IndexWriterConfig(
                Analysis.index(japaneseAnalyzer, bigramIndexAnalyzer, englishAnalyzer))
            .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND);
    this.writer = new IndexWriter(directory, config);
    this.searchers = new SearcherManager(writer, null);
    this.japanese = new QueryBuilder(japaneseAnalyzer);
    this.bigrams = new QueryBuilder(Analysis.bigrams(false));
    this.english = new QueryBuilder(englishAnalyzer);
    this.highlighter =
        new Highlighter(
            Map.of(
                Analysis.JA, japaneseAnalyzer,
                Analysis.BIGRAM, bigramIndexAnalyzer,
                Analysis.EN, englishAnalyzer),
            morphemes);
  }

  /** Opens the index in a file-system directory, creating it when absent. */
  public static LuceneSearchIndex open(Path path) throws IOException {
    return new LuceneSearchIndex(FSDirectory.open(Files.createDirectories(path)));
  }

  @Override
  public void index(SearchDocument document) {
    Document doc = new Document();
    String key = key(document.tenantId(), document.type(), document.id());
    doc.add(new StringField(KEY, key, Field.Store.NO));
    doc.add(new StringField(TENANT, document.tenantId().toString(), Field.Store.NO));
    doc.add(new StringField(TYPE, document.type(), Field.Store.NO));
    doc.add(new StoredField(ID, document.id()));
    doc.add(new StringField(SCOPE, document.scope(), Field.Store.YES));
    if (!document.author().isEmpty()) {
      doc.add(new StringField(AUTHOR, document.author(), Field.Store.NO));
    }
    long millis = document.time().toEpochMilli();
    doc.add(new LongPoint(TIME, millis));
    doc.add(new NumericDocValuesField(TIME, millis));
    String text = document.text();
    doc.add(new TextField(Analysis.JA, text, Field.Store.YES));
    doc.add(new TextField(Analysis.BIGRAM, text, Field.Store.NO));
    doc.add(new TextField(Analysis.EN, text, Field.Store.NO));
    doc.add(
        new TextField(
            Analysis.READING,
            Analysis.readingText(Analysis.readings(morphemes, text)),
            Field.Store.NO));
    write(() -> writer.updateDocument(new Term(KEY, key), doc));
  }

  @Override
  public void delete(UUID tenantId, String type, String id) {
    write(() -> writer.deleteDocuments(new Term(KEY, key(tenantId, type, id))));
  }

  @Override
  public void deleteAll(UUID tenantId, String type) {
    Query all =
        new BooleanQuery.Builder()
            .add(new TermQuery(new Term(TENANT, tenantId.toString())), Occur.FILTER)
            .add(new TermQuery(new Term(TYPE, type)), Occur.FILTER)
            .build();
    write(() -> writer.deleteDocuments(all));
  }

  /**
   * {@inheritDoc}
   *
   * <p>The limit is clamped to 1..{@value #MAX_LIMIT}. A text without any word (blank, or only
   * punctuation) finds nothing.
   */
  @Override
  public SearchResult search(SearchQuery query) {
    if (query.scopes().isEmpty()) {
      return new SearchResult(List.of(), 0);
    }
    List<String> words = words(query.text());
    Map<String, Set<String>> terms = new HashMap<>();
    List<String> kana = new ArrayList<>();
    BooleanQuery.Builder match = new BooleanQuery.Builder();
    int matched = 0;
    for (String word : words) {
      Query wordQuery = wordQuery(word, terms, kana);
      if (wordQuery != null) {
        match.add(wordQuery, Occur.MUST);
        matched++;
      }
    }
    if (matched == 0) {
      return new SearchResult(List.of(), 0);
    }
    BooleanQuery.Builder full =
        new BooleanQuery.Builder()
            .add(match.build(), Occur.MUST)
            .add(new TermQuery(new Term(TENANT, query.tenantId().toString())), Occur.FILTER)
            .add(new TermQuery(new Term(TYPE, query.type())), Occur.FILTER)
            .add(
                new TermInSetQuery(SCOPE, query.scopes().stream().map(BytesRef::new).toList()),
                Occur.FILTER);
    if (query.author() != null) {
      full.add(new TermQuery(new Term(AUTHOR, query.author())), Occur.FILTER);
    }
    if (query.after() != null || query.before() != null) {
      long from = query.after() == null ? Long.MIN_VALUE : query.after().toEpochMilli();
      long to = query.before() == null ? Long.MAX_VALUE : lastMilliBefore(query.before());
      full.add(LongPoint.newRangeQuery(TIME, from, to), Occur.FILTER);
    }
    int limit = Math.clamp(query.limit(), 1, MAX_LIMIT);
    try {
      refreshIfStale();
      IndexSearcher searcher = searchers.acquire();
      try {
        TopFieldDocs top =
            searcher.search(
                full.build(),
                new TopFieldCollectorManager(BEST_THEN_NEWEST, limit, null, Integer.MAX_VALUE));
        StoredFields stored = searcher.storedFields();
        List<SearchHit> hits = new ArrayList<>(top.scoreDocs.length);
        for (ScoreDoc scoreDoc : top.scoreDocs) {
          Document doc =
              stored.document(
                  scoreDoc.doc,
                  query.highlight() ? Set.of(ID, SCOPE, Analysis.JA) : Set.of(ID, SCOPE));
          float score = (Float) ((FieldDoc) scoreDoc).fields[0];
          String text = doc.get(Analysis.JA);
          hits.add(
              new SearchHit(
                  doc.get(ID),
                  doc.get(SCOPE),
                  score,
                  query.highlight()
                      ? highlighter.highlight(text == null ? "" : text, terms, kana)
                      : ""));
        }
        return new SearchResult(List.copyOf(hits), top.totalHits.value());
      } finally {
        searchers.release(searcher);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * One word: a match in any field, the best field counting. Collects the terms and kana to
   * highlight. Null when the word yields no term in any field (punctuation, query syntax).
   */
  private @Nullable Query wordQuery(
      String word, Map<String, Set<String>> terms, List<String> kana) {
    List<Query> fields = new ArrayList<>(4);
    addField(
        fields, Analysis.JA, japanese.createBooleanQuery(Analysis.JA, word, Occur.MUST), terms);
    addField(fields, Analysis.EN, english.createBooleanQuery(Analysis.EN, word, Occur.MUST), terms);
    addField(fields, Analysis.BIGRAM, bigrams.createPhraseQuery(Analysis.BIGRAM, word), terms);
    String reading = Analysis.toKatakana(Analysis.foldWidth(word));
    if (reading.length() >= 2 && Analysis.isKana(reading)) {
      addField(
          fields, Analysis.READING, bigrams.createPhraseQuery(Analysis.READING, reading), null);
      kana.add(reading);
    }
    if (fields.isEmpty()) {
      return null;
    }
    return new DisjunctionMaxQuery(fields, 0.1f);
  }

  private static void addField(
      List<Query> fields,
      String field,
      @Nullable Query query,
      @Nullable Map<String, Set<String>> terms) {
    if (query == null) {
      return;
    }
    fields.add(new BoostQuery(query, BOOSTS.get(field)));
    if (terms != null) {
      Set<Term> found = new HashSet<>();
      query.visit(QueryVisitor.termCollector(found));
      terms
          .computeIfAbsent(field, f -> new HashSet<>())
          .addAll(found.stream().map(Term::text).collect(Collectors.toSet()));
    }
  }

  /**
   * The words of a query: split at white space (including the ideographic space), from at most the
   * first {@value #MAX_QUERY_CHARS} characters, so that a query stays well below Lucene's limit of
   * clauses.
   */
  static List<String> words(String text) {
    String head = text.length() > MAX_QUERY_CHARS ? text.substring(0, MAX_QUERY_CHARS) : text;
    List<String> words = new ArrayList<>();
    for (String word : head.split("[\\s\\u3000]+")) {
      if (!word.isEmpty() && words.size() < MAX_WORDS) {
        words.add(word);
      }
    }
    return words;
  }

  /** The last millisecond before an instant (exclusive bound to inclusive). */
  private static long lastMilliBefore(Instant before) {
    long millis = before.toEpochMilli();
    boolean exact = before.getNano() % 1_000_000 == 0;
    return exact ? millis - 1 : millis;
  }

  private static String key(UUID tenantId, String type, String id) {
    return tenantId + "\u0000" + type + "\u0000" + id;
  }

  private interface Write {
    void run() throws IOException;
  }

  private void write(Write write) {
    try {
      write.run();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    written.incrementAndGet();
  }

  private void refreshIfStale() throws IOException {
    long target = written.get();
    if (refreshed.get() < target) {
      // the refresh starts after target was read, so it sees every write counted in target
      searchers.maybeRefreshBlocking();
      refreshed.accumulateAndGet(target, Math::max);
    }
  }

  /** Commits what was written since the last commit; runs every few seconds. */
  @Scheduled(fixedDelayString = "PT5S", initialDelayString = "PT5S")
  public void commit() {
    try {
      if (writer.hasUncommittedChanges()) {
        writer.commit();
      }
    } catch (AlreadyClosedException e) {
      // shutting down: close() commits
    } catch (IOException e) {
      log.warn("Could not commit the search index; it will be tried again", e);
    }
  }

  @Override
  public boolean commitNow() {
    try {
      writer.commit();
      return true;
    } catch (AlreadyClosedException | IOException e) {
      log.warn("Could not commit the search index now: {}", e.toString());
      return false;
    }
  }

  /** Commits and closes the index. */
  @PreDestroy
  @Override
  public void close() throws IOException {
    try {
      searchers.close();
      writer.close();
    } finally {
      directory.close();
    }
  }
}
