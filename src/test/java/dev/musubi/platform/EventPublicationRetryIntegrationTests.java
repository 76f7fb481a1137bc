package dev.musubi.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.musubi.testing.MusubiIntegrationTest;
import java.lang.reflect.Method;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.modulith.events.support.CompletionRegisteringAdvisor;
import org.springframework.scheduling.annotation.Async;
import org.springframework.scheduling.annotation.AsyncAnnotationAdvisor;
import org.springframework.transaction.event.TransactionalApplicationListenerMethodAdapter;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The event publication registry as configured: a listener that fails gets its publication tried
 * again and completed, a publication left without an outcome (the process stopped) is run, and no
 * row stays once its listener has returned. The listener is registered with the shared context's
 * own registry advisor, as a {@code @TransactionalEventListener} bean would be.
 */
@MusubiIntegrationTest
class EventPublicationRetryIntegrationTests {

  /** The event of this test only. */
  public record RetryProbe(String id) {}

  /** Fails the first delivery of the probes it is told to, handles the rest. */
  public static class FlakyListener {

    final Set<String> failOnce = ConcurrentHashMap.newKeySet();
    final Set<String> handled = ConcurrentHashMap.newKeySet();
    final AtomicInteger calls = new AtomicInteger();

    @Async
    @TransactionalEventListener(fallbackExecution = true)
    public void on(RetryProbe e) {
      calls.incrementAndGet();
      if (failOnce.remove(e.id())) {
        throw new IllegalStateException("the first delivery fails");
      }
      handled.add(e.id());
    }
  }

  @Autowired ConfigurableApplicationContext context;
  @Autowired CompletionRegisteringAdvisor completion;
  @Autowired ApplicationEventPublisher events;
  @Autowired TransactionTemplate tx;
  @Autowired JdbcClient jdbc;
  @Autowired EventPublicationRetry retry;
  @Autowired Clock clock;

  FlakyListener listener;
  TransactionalApplicationListenerMethodAdapter adapter;

  @BeforeEach
  void register() throws NoSuchMethodException {
    listener = new FlakyListener();
    ProxyFactory proxies = new ProxyFactory(listener);
    proxies.setProxyTargetClass(true);
    // As on a bean: @Async outermost, so the committing thread hands the work off at once and the
    // registry's completion is marked on the listener's own thread.
    proxies.addAdvisor(
        new AsyncAnnotationAdvisor(Executors.newVirtualThreadPerTaskExecutor(), null));
    proxies.addAdvisor(completion);
    Object proxy = proxies.getProxy();
    Method on = FlakyListener.class.getMethod("on", RetryProbe.class);
    adapter =
        new TransactionalApplicationListenerMethodAdapter(
            "flakyListener", FlakyListener.class, on) {
          @Override
          protected Object getTargetBean() {
            return proxy;
          }
        };
    context.addApplicationListener(adapter);
  }

  @AfterEach
  void unregister() {
    context.removeApplicationListener(adapter);
  }

  @Test
  void aFailedListenerIsTriedAgainAndItsPublicationDeletedOnceDone() {
    String id = UUID.randomUUID().toString();
    listener.failOnce.add(id);
    tx.executeWithoutResult(s -> events.publishEvent(new RetryProbe(id)));

    await().atMost(Duration.ofSeconds(10)).until(() -> "FAILED".equals(status(id)));
    assertThat(listener.handled).doesNotContain(id);
    Instant published = publishedAt(id);

    // Not again at once: the next try comes after musubi.events.retry-after (five minutes).
    retry.retryDue(published.plus(Duration.ofMinutes(1)));
    assertThat(status(id)).isEqualTo("FAILED");
    assertThat(listener.calls).hasValue(1);

    assertThat(retry.retryDue(published.plus(Duration.ofMinutes(6)))).isGreaterThanOrEqualTo(1);
    await().atMost(Duration.ofSeconds(10)).until(() -> listener.handled.contains(id));
    await().atMost(Duration.ofSeconds(10)).until(() -> rows(id) == 0);
    assertThat(listener.calls).hasValue(2);
  }

  @Test
  void aHandledEventLeavesNoRow() {
    String id = UUID.randomUUID().toString();
    tx.executeWithoutResult(s -> events.publishEvent(new RetryProbe(id)));
    await().atMost(Duration.ofSeconds(10)).until(() -> listener.handled.contains(id));
    await().atMost(Duration.ofSeconds(10)).until(() -> rows(id) == 0);
    assertThat(listener.calls).hasValue(1);
  }

  @Test
  void aPublicationLeftWithoutOutcomeIsRunAfterFifteenMinutes() {
    // What a crash leaves: the row committed with the event, the listener never finished.
    String id = UUID.randomUUID().toString();
    Instant published = clock.instant().minus(Duration.ofMinutes(10));
    jdbc.sql(
            "INSERT INTO event_publication (id, event_type, listener_id, publication_date,"
                + " serialized_event, status, completion_attempts) VALUES (?, ?, ?, ?, ?,"
                + " 'PROCESSING', 1)")
        .params(
            UUID.randomUUID(),
            RetryProbe.class.getName(),
            adapter.getListenerId(),
            OffsetDateTime.ofInstant(published, ZoneOffset.UTC),
            "{\"id\":\"" + id + "\"}")
        .update();

    // Ten minutes on it may still be running: left alone.
    retry.retryDue(published.plus(Duration.ofMinutes(10)));
    assertThat(status(id)).isEqualTo("PROCESSING");

    retry.retryDue(published.plus(Duration.ofMinutes(16)));
    await().atMost(Duration.ofSeconds(10)).until(() -> listener.handled.contains(id));
    await().atMost(Duration.ofSeconds(10)).until(() -> rows(id) == 0);
    assertThat(listener.calls).hasValue(1);
  }

  @Test
  void completedRowsFromBeforeAreDeleted() {
    // Left by the former completion mode (update), which kept every completed row.
    String id = UUID.randomUUID().toString();
    OffsetDateTime then =
        OffsetDateTime.ofInstant(clock.instant().minus(Duration.ofDays(30)), ZoneOffset.UTC);
    jdbc.sql(
            "INSERT INTO event_publication (id, event_type, listener_id, publication_date,"
                + " completion_date, serialized_event, status, completion_attempts)"
                + " VALUES (?, ?, ?, ?, ?, ?, 'COMPLETED', 1)")
        .params(
            UUID.randomUUID(),
            RetryProbe.class.getName(),
            adapter.getListenerId(),
            then,
            then,
            "{\"id\":\"" + id + "\"}")
        .update();
    assertThat(rows(id)).isEqualTo(1);
    retry.retryDue(clock.instant());
    assertThat(rows(id)).isZero();
    assertThat(listener.calls).hasValue(0);
  }

  private long rows(String id) {
    return jdbc.sql("SELECT COUNT(*) FROM event_publication WHERE serialized_event LIKE ?")
        .param("%" + id + "%")
        .query(Long.class)
        .single();
  }

  private String status(String id) {
    return jdbc.sql("SELECT status FROM event_publication WHERE serialized_event LIKE ?")
        .param("%" + id + "%")
        .query(String.class)
        .optional()
        .orElse("none");
  }

  private Instant publishedAt(String id) {
    return jdbc.sql("SELECT publication_date FROM event_publication WHERE serialized_event LIKE ?")
        .param("%" + id + "%")
        .query((rs, n) -> rs.getObject(1, OffsetDateTime.class).toInstant())
        .single();
  }
}
