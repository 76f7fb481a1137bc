package dev.musubi.platform.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * What every {@link SearchIndex} must do. A backend's test class implements this interface and
 * provides a fresh, empty index per test.
 */
public interface SearchIndexContract {

  /** The index under test; the same instance for the whole of one test. */
  SearchIndex index();

  UUID TENANT = UUID.fromString("00000000-0000-0000-0000-00000000000a");
  String MESSAGE = "message";
  String ROOM = "room-1";
  Instant T0 = Instant.parse("2026-04-01T09:00:00Z");

  private void add(String id, String text) {
    index().index(new SearchDocument(TENANT, MESSAGE, id, ROOM, "alice", T0, text));
  }

  private SearchResult search(String text) {
    return index()
        .search(new SearchQuery(TENANT, MESSAGE, text, Set.of(ROOM), null, null, null, 10));
  }

  private List<String> ids(String text) {
    return search(text).hits().stream().map(SearchHit::id).toList();
  }

  private List<String> ids(
      @Nullable String author, @Nullable Instant after, @Nullable Instant before) {
    return index()
        .search(new SearchQuery(TENANT, MESSAGE, "会議", Set.of(ROOM), author, after, before, 10))
        .hits()
        .stream()
        .map(SearchHit::id)
        .toList();
  }

  // Japanese

  @Test
  default void japaneseTextIsFoundByTheWordsItContains() {
    add("m1", "明日の会議室を予約しました");
    add("m2", "今日はいい天気です");

    assertThat(ids("会議室")).containsExactly("m1");
    assertThat(ids("会議")).containsExactly("m1");
    assertThat(ids("予約")).containsExactly("m1");
    assertThat(ids("予約する")).containsExactly("m1");
  }

  @Test
  default void theCharactersOfAWordApartDoNotMatchIt() {
    add("m1", "会社の議事録");
    add("m2", "会議の議事録");

    assertThat(ids("会議")).containsExactly("m2");
    assertThat(ids("かいぎ")).containsExactly("m2");
  }

  @Test
  default void hiraganaReadingFindsTheKanjiWord() {
    add("m1", "明日の会議室を予約しました");
    add("m2", "今日はいい天気です");

    assertThat(ids("かいぎ")).containsExactly("m1");
    assertThat(ids("かいぎしつ")).containsExactly("m1");
  }

  @Test
  default void katakanaReadingFindsTheKanjiWord() {
    add("m1", "明日の会議室を予約しました");

    assertThat(ids("カイギ")).containsExactly("m1");
  }

  @Test
  default void halfWidthAndFullWidthFormsAreTheSame() {
    add("m1", "明日の会議室を予約しました");
    add("m2", "ミーティングは１５時から。ＭＥＥＴＩＮＧ");
    add("m3", "ﾐｰﾃｨﾝｸﾞの資料");

    assertThat(ids("ｶｲｷﾞ")).containsExactly("m1");
    assertThat(ids("ミーティング")).containsExactlyInAnyOrder("m2", "m3");
    assertThat(ids("meeting")).containsExactly("m2");
    assertThat(ids("15時")).containsExactly("m2");
  }

  @Test
  default void aWordInsideACompoundIsFound() {
    add("m1", "東京都庁で打ち合わせ");
    add("m2", "大阪府庁で打ち合わせ");

    assertThat(ids("都庁")).containsExactly("m1");
    assertThat(ids("東京")).containsExactly("m1");
    assertThat(ids("府庁")).containsExactly("m2");
    assertThat(ids("都")).containsExactly("m1");
    assertThat(ids("庁")).containsExactlyInAnyOrder("m1", "m2");
  }

  @Test
  default void aPartOfAnUnknownWordIsFound() {
    add("m1", "株式会社ムスビテックの新製品");
    add("m2", "テクノロジーの話");

    assertThat(ids("テック")).containsExactly("m1");
    assertThat(ids("ムスビ")).containsExactly("m1");
  }

  // English

  @Test
  default void englishIsFoundWhateverTheCase() {
    add("m1", "Meeting tomorrow");
    add("m2", "Lunch today");

    assertThat(ids("meeting")).containsExactly("m1");
    assertThat(ids("MEETING")).containsExactly("m1");
    assertThat(ids("Tomorrow")).containsExactly("m1");
    assertThat(ids("meetings")).containsExactly("m1");
  }

  @Test
  default void everyWordMustMatch() {
    add("m1", "Meeting tomorrow 会議室");
    add("m2", "Meeting today");

    assertThat(ids("meeting 会議")).containsExactly("m1");
    assertThat(ids("meeting　today")).containsExactly("m2");
    assertThat(ids("meeting lunch")).isEmpty();
  }

  // Who sees what

  @Test
  default void documentsOfAnotherCompanyNeverAppear() {
    UUID other = UUID.randomUUID();
    index().index(new SearchDocument(other, MESSAGE, "x1", ROOM, "alice", T0, "会議"));
    add("m1", "会議");

    assertThat(ids("会議")).containsExactly("m1");
    assertThat(
            index()
                .search(new SearchQuery(other, MESSAGE, "会議", Set.of(ROOM), null, null, null, 10))
                .hits())
        .extracting(SearchHit::id)
        .containsExactly("x1");
  }

  @Test
  default void documentsOfAnotherTypeNeverAppear() {
    index().index(new SearchDocument(TENANT, "mail", "m1", ROOM, "alice", T0, "会議"));
    add("m2", "会議");

    assertThat(ids("会議")).containsExactly("m2");
  }

  @Test
  default void documentsOutsideTheAllowedScopesNeverAppear() {
    index().index(new SearchDocument(TENANT, MESSAGE, "a", "room-a", "alice", T0, "会議"));
    index().index(new SearchDocument(TENANT, MESSAGE, "b", "room-b", "alice", T0, "会議"));
    index().index(new SearchDocument(TENANT, MESSAGE, "c", "room-c", "alice", T0, "会議"));

    SearchResult result =
        index()
            .search(
                new SearchQuery(
                    TENANT, MESSAGE, "会議", Set.of("room-a", "room-c"), null, null, null, 10));
    assertThat(result.hits())
        .extracting(SearchHit::id, SearchHit::scope)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("a", "room-a"),
            org.assertj.core.groups.Tuple.tuple("c", "room-c"));
    assertThat(result.total()).isEqualTo(2);
  }

  @Test
  default void noAllowedScopeFindsNothing() {
    add("m1", "会議");

    SearchResult result =
        index().search(new SearchQuery(TENANT, MESSAGE, "会議", Set.of(), null, null, null, 10));
    assertThat(result.hits()).isEmpty();
    assertThat(result.total()).isZero();
  }

  // Filters

  @Test
  default void theAuthorFilterKeepsOnlyThatAuthor() {
    index().index(new SearchDocument(TENANT, MESSAGE, "a", ROOM, "alice", T0, "会議"));
    index().index(new SearchDocument(TENANT, MESSAGE, "b", ROOM, "bob", T0, "会議"));
    index().index(new SearchDocument(TENANT, MESSAGE, "c", ROOM, "", T0, "会議"));

    assertThat(ids("bob", null, null)).containsExactly("b");
    assertThat(ids(null, null, null)).containsExactlyInAnyOrder("a", "b", "c");
    assertThat(ids("carol", null, null)).isEmpty();
  }

  @Test
  default void theTimeFilterIncludesAfterAndExcludesBefore() {
    for (int day = 0; day < 4; day++) {
      index()
          .index(
              new SearchDocument(
                  TENANT, MESSAGE, "d" + day, ROOM, "alice", T0.plusSeconds(86_400L * day), "会議"));
    }
    Instant day1 = T0.plusSeconds(86_400);
    Instant day3 = T0.plusSeconds(86_400L * 3);

    assertThat(ids(null, day1, null)).containsExactlyInAnyOrder("d1", "d2", "d3");
    assertThat(ids(null, null, day1)).containsExactly("d0");
    assertThat(ids(null, day1, day3)).containsExactlyInAnyOrder("d1", "d2");
    assertThat(ids(null, day3, day1)).isEmpty();
  }

  // Writes

  @Test
  default void aDeletedDocumentIsNoLongerFound() {
    add("m1", "会議");
    add("m2", "会議");

    index().delete(TENANT, MESSAGE, "m1");
    index().delete(TENANT, MESSAGE, "absent");

    assertThat(ids("会議")).containsExactly("m2");
  }

  @Test
  default void deleteAllRemovesOnlyThatTypeOfThatCompany() {
    UUID other = UUID.randomUUID();
    add("m1", "会議");
    add("m2", "会議");
    index().index(new SearchDocument(TENANT, "mail", "x", ROOM, "alice", T0, "会議"));
    index().index(new SearchDocument(other, MESSAGE, "y", ROOM, "alice", T0, "会議"));

    index().deleteAll(TENANT, MESSAGE);

    assertThat(ids("会議")).isEmpty();
    assertThat(
            index()
                .search(new SearchQuery(TENANT, "mail", "会議", Set.of(ROOM), null, null, null, 10))
                .hits())
        .hasSize(1);
    assertThat(
            index()
                .search(new SearchQuery(other, MESSAGE, "会議", Set.of(ROOM), null, null, null, 10))
                .hits())
        .hasSize(1);
  }

  @Test
  default void indexingTheSameIdReplacesTheDocument() {
    add("m1", "会議の予定");
    add("m1", "ランチの予定");

    assertThat(ids("会議")).isEmpty();
    assertThat(ids("ランチ")).containsExactly("m1");
    assertThat(search("予定").total()).isEqualTo(1);
  }

  // Query text

  @Test
  default void queryWithLuceneSyntaxDoesNotFailAndFindsTheLiteralWords() {
    add("m1", "Use AND or OR: (see a/b) 会議");
    add("m2", "nothing here");

    for (String text :
        List.of(
            "\"AND OR ( ) * ? ~ : \\ /",
            "会議 AND",
            "title:会議",
            "*",
            "?",
            "\"unclosed",
            "a/b",
            "[1 TO 2]",
            "会議~2",
            "\\",
            "+-&&||!{}^")) {
      assertThatCode(() -> search(text)).as(text).doesNotThrowAnyException();
    }
    assertThat(ids("\"AND OR ( ) * ? ~ : \\ /")).containsExactly("m1");
    assertThat(ids("会議 AND")).containsExactly("m1");
    assertThat(ids("(see")).containsExactly("m1");
    assertThat(ids("*")).isEmpty();
  }

  @Test
  default void aVeryLongQueryDoesNotFail() {
    add("m1", "会議");

    assertThatCode(() -> search("会議" + "東京都庁の会議室".repeat(500))).doesNotThrowAnyException();
    assertThatCode(() -> search("会議 ".repeat(1000))).doesNotThrowAnyException();
    assertThatCode(() -> search("a b c d e f g h ".repeat(200))).doesNotThrowAnyException();
  }

  @Test
  default void aBlankQueryFindsNothing() {
    add("m1", "会議");

    assertThat(ids("")).isEmpty();
    assertThat(ids("   \t\n　")).isEmpty();
    assertThat(search(" ").total()).isZero();
  }

  // Results

  @Test
  default void withoutHighlightsTheSameHitsComeWithEmptyFragments() {
    add("m1", "明日の会議室を予約しました");
    add("m2", "会議は午後です");

    var plain =
        index()
            .search(
                new SearchQuery(TENANT, MESSAGE, "会議", Set.of(ROOM), null, null, null, 10, false));

    assertThat(plain.hits()).extracting(SearchHit::id).containsExactlyElementsOf(ids("会議"));
    assertThat(plain.hits()).extracting(SearchHit::highlight).containsOnly("");
    assertThat(search("会議").hits()).allSatisfy(h -> assertThat(h.highlight()).contains("<mark>"));
  }

  @Test
  default void highlightsEscapeHtmlAndMarkTheMatches() {
    add("m1", "<script>alert('x')</script> 明日の会議室 & \"quotes\"");

    String highlight = search("会議").hits().getFirst().highlight();

    assertThat(highlight)
        .contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;")
        .contains("<mark>会議</mark>")
        .contains("&amp; &quot;quotes&quot;")
        .doesNotContain("<script>");
    assertThat(highlight.replace("<mark>", "").replace("</mark>", "")).doesNotContain("<", ">");
  }

  @Test
  default void highlightsMarkReadingAndEnglishMatches() {
    add("m1", "明日の会議室を予約しました");
    add("m2", "Meetings tomorrow");

    assertThat(search("かいぎ").hits().getFirst().highlight())
        .contains("<mark>会議")
        .contains("</mark>");
    assertThat(search("meeting").hits().getFirst().highlight())
        .isEqualTo("<mark>Meetings</mark> tomorrow");
  }

  @Test
  default void highlightsAreShortAndShowTheMatch() {
    String filler = "あいうえお".repeat(100);
    add("m1", filler + "会議室を予約" + filler);

    String highlight = search("予約").hits().getFirst().highlight();

    assertThat(highlight.replace("<mark>", "").replace("</mark>", ""))
        .hasSizeLessThanOrEqualTo(200);
    assertThat(highlight).contains("<mark>予約</mark>");
  }

  @Test
  default void resultsComeBestFirstThenNewestFirst() {
    index()
        .index(
            new SearchDocument(
                TENANT,
                MESSAGE,
                "weak",
                ROOM,
                "alice",
                T0,
                "今日は天気が良いので散歩に行きました。帰りに会議の資料を少し読みました。それから夕食を作りました。"));
    index().index(new SearchDocument(TENANT, MESSAGE, "strong", ROOM, "alice", T0, "会議 会議室の会議"));
    index().index(new SearchDocument(TENANT, MESSAGE, "old", ROOM, "alice", T0, "予約"));
    index()
        .index(new SearchDocument(TENANT, MESSAGE, "new", ROOM, "alice", T0.plusSeconds(60), "予約"));

    assertThat(ids("会議")).containsExactly("strong", "weak");
    assertThat(ids("予約")).containsExactly("new", "old");
    List<SearchHit> hits = search("会議").hits();
    assertThat(hits.get(0).score()).isGreaterThan(hits.get(1).score());
  }

  @Test
  default void theLimitIsRespectedAndTheTotalCountsEveryMatch() {
    for (int i = 0; i < 25; i++) {
      index()
          .index(
              new SearchDocument(
                  TENANT, MESSAGE, "m" + i, ROOM, "alice", T0.plusSeconds(i), "会議 " + i));
    }

    SearchResult result =
        index().search(new SearchQuery(TENANT, MESSAGE, "会議", Set.of(ROOM), null, null, null, 5));

    assertThat(result.hits()).hasSize(5);
    assertThat(result.total()).isEqualTo(25);
  }
}
