package dev.musubi.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.musubi.mail.internal.MailIndexer;
import dev.musubi.platform.search.SearchIndex;
import dev.musubi.platform.search.SearchQuery;
import dev.musubi.testing.Fixtures;
import dev.musubi.testing.MusubiIntegrationTest;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * A search after a bulk delivery: it indexes a bounded part of the searcher's backlog (newest
 * first), answers, says how much is left, and the indexer's thread takes the rest.
 */
@MusubiIntegrationTest
class MailSearchBacklogIntegrationTests {

  @LocalServerPort int port;
  @Autowired MailInbound inbound;
  @Autowired MailIndexer indexer;
  @Autowired SearchIndex searchIndex;

  Fixtures fixtures;
  Fixtures.TestCompany company;
  Fixtures.TestMember tanaka;

  @BeforeEach
  void company() {
    fixtures = new Fixtures(port);
    company = fixtures.company();
    tanaka = fixtures.member(company, "tanaka");
  }

  void deliver(String subject, String body) throws Exception {
    String address = "tanaka@" + company.domain();
    byte[] raw =
        ("From: supplier@outside.example\r\nTo: "
                + address
                + "\r\nSubject: "
                + subject
                + "\r\n\r\n"
                + body
                + "\r\n")
            .getBytes(StandardCharsets.UTF_8);
    inbound.deliver(
        new MailInbound.Envelope(
            "supplier@outside.example",
            List.of(address),
            "192.0.2.10",
            "mx.outside.example",
            Instant.now(),
            MailInbound.AuthResults.none(),
            raw.length),
        new ByteArrayInputStream(raw));
  }

  long indexed(String word) {
    return searchIndex
        .search(
            new SearchQuery(
                company.id(),
                MailIndexer.TYPE,
                word,
                Set.of(tanaka.id().toString()),
                null,
                null,
                null,
                1,
                false))
        .total();
  }

  @Test
  void aSearchIndexesABoundedPartOfALargeBacklogNewestFirstAndSaysHowManyAreLeft()
      throws Exception {
    // More than one search indexes (200): the indexer's thread stands still meanwhile, so the
    // whole delivery waits in the backlog, as after a bulk delivery faster than the indexer.
    int backlog = 220;
    indexer.stop();
    try {
      for (int n = 0; n < backlog; n++) {
        deliver("Stock list " + n, "bryophyte stock " + n);
      }
      deliver("Latest estimate", "bryophyte 見積書 hornwort");
      assertThat(indexer.queued(company.id(), tanaka.id())).isEqualTo(backlog + 1);

      long started = System.nanoTime();
      JsonNode found = tanaka.client().get("/api/v1/mail/search?q=bryophyte&size=10").json();
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      int pending = found.get("pending").asInt();
      // Bounded: some of the backlog is left for the indexer, and the answer did not wait for it.
      assertThat(pending).isPositive().isLessThan(backlog);
      assertThat(pending).isEqualTo(indexer.queued(company.id(), tanaka.id()));
      assertThat(took).isLessThan(Duration.ofSeconds(15));
      assertThat(found.get("total").asLong()).isEqualTo(Math.min(100, backlog + 1 - pending));
      // Newest first: the message delivered last was indexed, the oldest of the backlog not yet.
      assertThat(indexed("hornwort")).isEqualTo(1);
      assertThat(indexed("bryophyte")).isEqualTo(backlog + 1 - pending);
      assertThat(tanaka.client().get("/api/v1/mail/search?q=hornwort").json().get("items"))
          .singleElement()
          .satisfies(m -> assertThat(m.get("subject").asString()).isEqualTo("Latest estimate"));
    } finally {
      indexer.start();
    }
    // The indexer's thread takes the rest; then a search has nothing left to say.
    await().atMost(Duration.ofSeconds(60)).until(() -> indexed("bryophyte") == backlog + 1);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> indexer.queued(company.id(), tanaka.id()) == 0);
    JsonNode after = tanaka.client().get("/api/v1/mail/search?q=bryophyte").json();
    assertThat(after.get("pending").asInt()).isZero();
    assertThat(after.get("total").asLong()).isEqualTo(100);
  }

  static final List<String> WORDS =
      List.of(
          "alfa", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india",
          "juliett", "kilo", "lima");

  @Test
  void theBoundsAreACountAndATimeAndAtLeastOneMessageIsIndexed() throws Exception {
    indexer.stop();
    try {
      for (String word : WORDS) {
        deliver("Order " + word, "liverwort " + word);
      }
      // By count: the newest five.
      MailIndexer.Flushed five =
          indexer.flushMailbox(company.id(), tanaka.id(), Duration.ofSeconds(30), 5);
      assertThat(five).isEqualTo(new MailIndexer.Flushed(5, 7));
      assertThat(indexed("lima")).isEqualTo(1);
      assertThat(indexed("hotel")).isEqualTo(1);
      assertThat(indexed("golf")).isZero();
      // By time: with no time at all, still the newest one left.
      assertThat(indexer.flushMailbox(company.id(), tanaka.id(), Duration.ZERO, 500))
          .isEqualTo(new MailIndexer.Flushed(1, 6));
      assertThat(indexed("golf")).isEqualTo(1);
      assertThat(indexed("foxtrot")).isZero();
      // Within the default bounds, the rest.
      assertThat(indexer.flushMailbox(company.id(), tanaka.id()))
          .isEqualTo(new MailIndexer.Flushed(6, 0));
      assertThat(indexed("liverwort")).isEqualTo(12);
    } finally {
      indexer.start();
    }
  }
}
