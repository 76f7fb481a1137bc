package dev.musubi.mail.imap.codec;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads one IMAP command at a time: its lines and the literals between them (RFC 3501 §4.3, {@code
 * {n}} synchronising and RFC 7888 {@code {n+}} non-synchronising), as the bytes the parser reads.
 * Not thread-safe; one per connection.
 */
public final class ImapInput {

  /** What the reader asks of the server while it reads a command. */
  public interface Literals {

    /**
     * The largest literal allowed now, given the command's first line so far (APPEND may carry a
     * whole message; other commands only short strings).
     */
    long maxLiteral(byte[] commandSoFar);

    /** RFC 3501 §7.5: tells the client to send a synchronising literal. */
    void goAhead() throws IOException;
  }

  private final InputStream in;
  private final byte[] buffer = new byte[16 * 1024];
  private int position;
  private int limit;
  private byte[] partial = new byte[0];

  public ImapInput(InputStream in) {
    this.in = in;
  }

  /** Whether bytes the client sent are waiting (must be false right after STARTTLS). */
  public boolean hasBufferedInput() {
    return position < limit;
  }

  private int next() throws IOException {
    if (position >= limit) {
      int read = in.read(buffer);
      if (read < 0) {
        return -1;
      }
      position = 0;
      limit = read;
    }
    return buffer[position++] & 0xff;
  }

  /**
   * Reads one line without its CRLF (also for IDLE's DONE and AUTHENTICATE continuations).
   *
   * @throws EOFException when the client closed the connection
   * @throws ImapProtocolException for a line over {@code maxOctets} (the rest of it is skipped)
   */
  public byte[] readLine(int maxOctets) throws IOException, ImapProtocolException {
    var line = new ByteArrayOutputStream(128);
    boolean tooLong = false;
    while (true) {
      int b = next();
      if (b < 0) {
        throw new EOFException();
      }
      if (b == '\n') {
        break;
      }
      if (line.size() >= maxOctets) {
        tooLong = true;
        continue;
      }
      line.write(b);
    }
    if (tooLong) {
      throw new ImapProtocolException("Line too long");
    }
    byte[] bytes = line.toByteArray();
    int length = bytes.length;
    if (length > 0 && bytes[length - 1] == '\r') {
      length--;
    }
    return java.util.Arrays.copyOf(bytes, length);
  }

  /**
   * Reads a whole command: lines, and the literal each line announces at its end, joined as they
   * were sent ({@code {n}CRLF} then the n octets). Literals over the limit: a synchronising one is
   * refused before the client sends it; a non-synchronising one ends the connection.
   *
   * @param maxLine the longest line, without literals
   * @param maxTotal the most octets of lines in one command (literals count against their own
   *     limit)
   */
  public byte[] readCommand(int maxLine, int maxTotal, Literals literals)
      throws IOException, ImapProtocolException {
    var command = new ByteArrayOutputStream(256);
    partial = new byte[0];
    int lineOctets = 0;
    while (true) {
      byte[] line = readLine(maxLine);
      if (command.size() == 0) {
        partial = java.util.Arrays.copyOf(line, Math.min(line.length, 100));
      }
      lineOctets += line.length;
      if (lineOctets > maxTotal) {
        throw new ImapProtocolException("Command too long");
      }
      command.write(line);
      Literal announced = literalAtEnd(line);
      if (announced == null) {
        return command.toByteArray();
      }
      command.write('\r');
      command.write('\n');
      long max = literals.maxLiteral(command.toByteArray());
      if (announced.size() > max) {
        if (announced.nonSync()) {
          throw new ImapProtocolException("Literal too large", true);
        }
        throw new ImapProtocolException("[TOOBIG] Literal too large");
      }
      if (!announced.nonSync()) {
        literals.goAhead();
      }
      for (long i = 0; i < announced.size(); i++) {
        int b = next();
        if (b < 0) {
          throw new EOFException();
        }
        command.write(b);
      }
    }
  }

  /**
   * The start of the command being read when {@link #readCommand} failed (its first line, at most
   * 100 octets), so the error reply can carry its tag.
   */
  public byte[] partialCommand() {
    return partial.clone();
  }

  /** A literal announced at the end of a line. */
  public record Literal(long size, boolean nonSync) {}

  /** The literal {@code {n}} or {@code {n+}} that ends the line, or null. */
  public static @org.jspecify.annotations.Nullable Literal literalAtEnd(byte[] line) {
    int end = line.length;
    if (end < 3 || line[end - 1] != '}') {
      return null;
    }
    int i = end - 2;
    boolean nonSync = false;
    if (line[i] == '+') {
      nonSync = true;
      i--;
    }
    int digitsEnd = i + 1;
    while (i >= 0 && line[i] >= '0' && line[i] <= '9') {
      i--;
    }
    if (i < 0 || line[i] != '{' || digitsEnd - i - 1 < 1 || digitsEnd - i - 1 > 12) {
      return null;
    }
    long size =
        Long.parseLong(
            new String(line, i + 1, digitsEnd - i - 1, java.nio.charset.StandardCharsets.US_ASCII));
    return new Literal(size, nonSync);
  }
}
