package dev.musubi.mail.smtp;

import dev.musubi.mail.smtp.codec.SmtpCommand;
import dev.musubi.mail.smtp.codec.SmtpCommandParser;
import dev.musubi.mail.smtp.codec.SmtpInput;
import dev.musubi.mail.smtp.codec.SmtpProtocolException;
import dev.musubi.mail.smtp.codec.SmtpReply;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The wire side of one SMTP connection, shared by the inbound server and submission: the socket,
 * the command and DATA reader, buffered replies, STARTTLS, the time limits and the graceful stop.
 * Not thread-safe except {@link #drain()} and {@link #close()}, which another thread may call to
 * end the connection.
 */
public final class SmtpConnection {

  private static final Logger log = LoggerFactory.getLogger(SmtpConnection.class);

  private final Duration commandTimeout;
  private final long deadlineNanos;
  private final String clientIp;
  private volatile Socket socket;
  private SmtpInput in;
  private OutputStream out;
  private boolean tls;

  /** Held while a command is handled (DATA included), so a stop never cuts one short. */
  private final ReentrantLock busy = new ReentrantLock();

  private volatile boolean draining;
  private volatile @Nullable Commands serving;
  private volatile String hostname = "";

  /**
   * @param commandTimeout how long one read may wait
   * @param connectionTimeout how long the whole connection may last
   */
  public SmtpConnection(Socket socket, Duration commandTimeout, Duration connectionTimeout)
      throws IOException {
    this.socket = socket;
    this.commandTimeout = commandTimeout;
    this.deadlineNanos = System.nanoTime() + connectionTimeout.toNanos();
    this.clientIp = socket.getInetAddress().getHostAddress();
    this.tls = socket instanceof javax.net.ssl.SSLSocket;
    this.in = new SmtpInput(new TimedInput(socket.getInputStream()));
    this.out = new BufferedOutputStream(socket.getOutputStream(), 8192);
  }

  /**
   * Reads are bounded twice: each by the command timeout, all together by the connection timeout,
   * so a client that trickles one byte at a time is still closed.
   */
  private final class TimedInput extends FilterInputStream {
    TimedInput(InputStream in) {
      super(in);
    }

    private void arm() throws IOException {
      long remaining = deadlineNanos - System.nanoTime();
      if (remaining <= 0) {
        throw new SocketTimeoutException("connection time limit");
      }
      long millis = Math.max(1, Math.min(commandTimeout.toMillis(), remaining / 1_000_000));
      socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, millis));
    }

    @Override
    public int read() throws IOException {
      arm();
      return super.read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      arm();
      return super.read(b, off, len);
    }
  }

  /** What a session does with each command; both return false when the connection must close. */
  public interface Commands {
    boolean handle(SmtpCommand command) throws IOException;

    /** Answers a line that did not parse (the reply is in the exception). */
    boolean refuse(SmtpReply reply) throws IOException;

    /**
     * Whether a mail transaction is open (MAIL given, DATA not yet ended): a stopping server lets
     * it finish. Called from the stopping thread while no command is being handled.
     */
    default boolean inTransaction() {
      return false;
    }
  }

  /**
   * Greets, then reads, parses and hands over commands until a handler says stop, the client goes
   * away or a time limit passes ({@code 421 4.4.2}); always closes the connection at the end.
   *
   * @param maxLine the longest command line in octets, CRLF included
   */
  public void serve(String hostname, String greeting, int maxLine, Commands commands) {
    this.hostname = hostname;
    this.serving = commands;
    try {
      reply(220, null, greeting);
      flush();
      while (true) {
        if (!in.hasBufferedInput()) {
          flush(); // RFC 2920 §3.1: replies to a pipelined group may be sent together
        }
        SmtpCommand command;
        try {
          command = SmtpCommandParser.parse(in.readLine(maxLine));
        } catch (SmtpProtocolException e) {
          busy.lock();
          try {
            if (!commands.refuse(e.reply()) || e.closesConnection()) {
              break;
            }
          } finally {
            busy.unlock();
          }
          continue;
        }
        busy.lock();
        try {
          if (draining && !commands.inTransaction()) {
            shuttingDown();
            break;
          }
          if (!commands.handle(command)) {
            break;
          }
        } finally {
          busy.unlock();
        }
      }
    } catch (SocketTimeoutException e) {
      try {
        reply(421, "4.4.2", hostname + " Timeout, closing connection");
      } catch (IOException | RuntimeException ignored) {
        // The client is gone.
      }
    } catch (EOFException e) {
      // The client went away.
    } catch (IOException e) {
      log.debug("SMTP connection from {} ended: {}", clientIp, e.toString());
    } finally {
      try {
        flush();
      } catch (IOException | RuntimeException ignored) {
        // The client is gone.
      }
      close();
    }
  }

  /** What the client sends, command lines and DATA. */
  public SmtpInput in() {
    return in;
  }

  public String clientIp() {
    return clientIp;
  }

  /** Whether the client connected from a loopback address. */
  public boolean loopback() {
    return socket.getInetAddress().isLoopbackAddress();
  }

  /** Whether the connection is encrypted (STARTTLS done, or implicit TLS). */
  public boolean tls() {
    return tls;
  }

  public void reply(int code, @Nullable String enhanced, String text) throws IOException {
    write(SmtpReply.of(code, enhanced, text));
  }

  public void write(SmtpReply reply) throws IOException {
    out.write(reply.toWire());
  }

  public void flush() throws IOException {
    out.flush();
  }

  /**
   * Replies {@code 220}, then does the TLS handshake on this connection. RFC 3207 §4.2: everything
   * from before TLS is forgotten, including commands the client sent after STARTTLS in the clear
   * (they are dropped with the old buffer); the caller resets its own state.
   */
  public void startTls(SSLContext context) throws IOException {
    reply(220, "2.0.0", "Ready to start TLS");
    flush();
    Socket secure = SmtpTls.handshake(context, socket);
    socket = secure;
    in = new SmtpInput(new TimedInput(secure.getInputStream()));
    out = new BufferedOutputStream(secure.getOutputStream(), 8192);
    tls = true;
  }

  /**
   * Server stop, from another thread: a connection waiting for its next command outside a mail
   * transaction is told {@code 421} and closed now; one handling a command or inside a transaction
   * (MAIL given, DATA not yet ended) is left to finish it and gets {@code 421} at its next command.
   */
  public void drain() {
    draining = true;
    if (!busy.tryLock()) {
      return;
    }
    try {
      Commands commands = serving;
      if (commands != null && commands.inTransaction()) {
        return;
      }
      try {
        shuttingDown();
        flush();
      } catch (IOException | RuntimeException gone) {
        // The client is gone already.
      }
      close();
    } finally {
      busy.unlock();
    }
  }

  private void shuttingDown() throws IOException {
    reply(421, "4.3.2", hostname + " Service shutting down, try again later");
  }

  /** Closes the connection; safe from any thread and more than once. */
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // Already closed.
    }
  }
}
