package dev.musubi.platform;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.modulith.events.CompletedEventPublications;
import org.springframework.modulith.events.EventPublication;
import org.springframework.modulith.events.IncompleteEventPublications;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Runs again the after-commit work that did not complete. Spring Modulith's event publication
 * registry writes a row for every {@code @TransactionalEventListener} with the commit that
 * published the event, and deletes it once the listener has returned ({@code completion-mode:
 * delete}); a row that stays is work not done. Every minute, this
 *
 * <ul>
 *   <li>marks failed the publications with no outcome three times {@code musubi.events.retry-after}
 *       (fifteen minutes) after they were published or last resubmitted: the process stopped before
 *       or while the listener ran, and
 *   <li>resubmits the failed publications (the listener threw, or as above) whose last try is more
 *       than {@code musubi.events.retry-after} (five minutes) ago.
 * </ul>
 *
 * <p>Completed rows from before {@code completion-mode: delete} (or written in the moment of a
 * switch) are deleted on the same tick.
 *
 * <p>A listener that runs longer than fifteen minutes may so run twice at once; the listeners are
 * written so that running one twice does no harm. Outstanding publications are also resubmitted at
 * start-up ({@code republish-outstanding-events-on-restart}).
 */
@Component
public class EventPublicationRetry {

  private static final Logger log = LoggerFactory.getLogger(EventPublicationRetry.class);

  private final IncompleteEventPublications publications;
  private final CompletedEventPublications completed;
  private final JdbcClient jdbc;
  private final Clock clock;
  private final Duration retryAfter;

  EventPublicationRetry(
      IncompleteEventPublications publications,
      CompletedEventPublications completed,
      JdbcClient jdbc,
      Clock clock,
      @Value("${musubi.events.retry-after:PT5M}") Duration retryAfter) {
    this.publications = publications;
    this.completed = completed;
    this.jdbc = jdbc;
    this.clock = clock;
    this.retryAfter = retryAfter;
  }

  @Scheduled(
      fixedDelayString = "${musubi.events.retry-interval:PT1M}",
      initialDelayString = "${musubi.events.retry-interval:PT1M}")
  void retry() {
    int n = retryDue(clock.instant());
    if (n > 0) {
      log.info("Resubmitted {} incomplete event publication(s)", n);
    }
  }

  /** Resubmits the publications due for another try at {@code now}; returns how many. */
  public int retryDue(Instant now) {
    completed.deletePublicationsOlderThan(Duration.ZERO);
    int stuck =
        jdbc.sql(
                "UPDATE event_publication SET status = 'FAILED' WHERE completion_date IS NULL"
                    + " AND (status IS NULL OR status IN ('PUBLISHED', 'PROCESSING', 'RESUBMITTED'))"
                    + " AND COALESCE(last_resubmission_date, publication_date) < ?")
            .param(Jdbc.ts(now.minus(retryAfter.multipliedBy(3))))
            .update();
    if (stuck > 0) {
      log.warn(
          "{} event publication(s) had no outcome after {}: marked failed",
          stuck,
          retryAfter.multipliedBy(3));
    }
    AtomicInteger n = new AtomicInteger();
    publications.resubmitIncompletePublications(
        p -> {
          boolean due = due(p, now);
          if (due) {
            n.incrementAndGet();
          }
          return due;
        });
    return n.get();
  }

  private boolean due(EventPublication p, Instant now) {
    if (p.getStatus() != EventPublication.Status.FAILED) {
      return false; // not yet run, running, or resubmitted and running
    }
    Instant lastTry =
        p.getLastResubmissionDate() == null ? p.getPublicationDate() : p.getLastResubmissionDate();
    return lastTry.isBefore(now.minus(retryAfter));
  }
}
