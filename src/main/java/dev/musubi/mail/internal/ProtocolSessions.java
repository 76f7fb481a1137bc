package dev.musubi.mail.internal;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The open sessions of one protocol server (inbound SMTP, submission, IMAP) and its graceful stop,
 * shared by the three: {@link #drain} lets what a client has in flight finish while every idle
 * session is told goodbye at once.
 */
public final class ProtocolSessions<S extends ProtocolSessions.Session> implements Iterable<S> {

  /** How long a stop lets commands in flight finish before it closes their sessions. */
  public static final Duration DRAIN = Duration.ofSeconds(20);

  /** One connection as a stopping server sees it. */
  public interface Session {

    /**
     * Server stop, called from the stopping thread, repeatedly until the session is gone: a session
     * waiting for its client (between commands) says goodbye in its protocol and closes; one
     * handling a command (or in the middle of a mail transaction) is left to finish it and says
     * goodbye after.
     */
    void drain();

    /** Closes the connection now; safe from any thread and more than once. */
    void shutdown();
  }

  private final Set<S> sessions = ConcurrentHashMap.newKeySet();

  /** Counts the open sessions in the gauge {@code gauge} (e.g. {@code musubi.imap.sessions}). */
  public ProtocolSessions(String gauge, String description, MeterRegistry meters) {
    Gauge.builder(gauge, sessions, Set::size).description(description).register(meters);
  }

  public void add(S session) {
    sessions.add(session);
  }

  public void remove(S session) {
    sessions.remove(session);
  }

  public int size() {
    return sessions.size();
  }

  @Override
  public Iterator<S> iterator() {
    return sessions.iterator();
  }

  @Override
  public void forEach(Consumer<? super S> action) {
    sessions.forEach(action);
  }

  /**
   * Graceful stop (call after closing the listening sockets): drains every session until all have
   * ended or {@code max} has passed, then closes whatever is left.
   */
  public void drain(Duration max) {
    long deadline = System.nanoTime() + max.toNanos();
    while (!sessions.isEmpty() && System.nanoTime() < deadline) {
      sessions.forEach(Session::drain);
      if (sessions.isEmpty()) {
        break;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    sessions.forEach(Session::shutdown);
  }

  /**
   * For {@code SmartLifecycle.stop(Runnable)}: runs the server's {@code stop} (which drains) on a
   * thread of its own and then {@code callback}, so that servers stopping in one phase drain at the
   * same time rather than one after the other.
   */
  public static void stopInBackground(String name, Runnable stop, Runnable callback) {
    Thread.ofVirtual()
        .name(name)
        .start(
            () -> {
              try {
                stop.run();
              } finally {
                callback.run();
              }
            });
  }
}
