package dev.musubi.mail.smtp;

import dev.musubi.mail.smtp.codec.SmtpInput;
import dev.musubi.mail.smtp.codec.SmtpReply;
import java.io.BufferedOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * The wire side of one SMTP connection, shared by the inbound server and submission: the socket,
 * the command and DATA reader, buffered replies, STARTTLS and the time limits. Not thread-safe
 * except {@link #close()}, which another thread may call to end the connection.
 */
public final class SmtpConnection {

  private final Duration commandTimeout;
  private final long deadlineNanos;
  private final String clientIp;
  private volatile Socket socket;
  private SmtpInput in;
  private OutputStream out;
  private boolean tls;

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

  /** Closes the connection; safe from any thread and more than once. */
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // Already closed.
    }
  }
}
