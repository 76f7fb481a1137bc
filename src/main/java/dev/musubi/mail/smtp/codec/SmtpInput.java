package dev.musubi.mail.smtp.codec;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads what an SMTP client sends: command lines and the DATA stream, through one buffer so that
 * pipelined commands (RFC 2920) are read in order. Not thread-safe; one per connection.
 */
public final class SmtpInput {

  /** How DATA ended; only {@link #COMPLETE} may be stored. */
  public enum DataOutcome {
    COMPLETE,
    /** More than the size limit: RFC 1870 §6.1, 552 after the end of data. */
    TOO_LARGE,
    /** A text line longer than allowed: RFC 5321 §4.5.3.1.6. */
    LINE_TOO_LONG,
    /**
     * A CR or LF not part of a CRLF pair. Refused because such a message can carry a second,
     * smuggled message for a server that ends DATA on a bare LF (RFC 5321 §2.3.8, §4.1.1.4).
     */
    BARE_NEWLINE
  }

  /** What {@link #readData} read: the outcome and the octets written to the sink. */
  public record DataResult(DataOutcome outcome, long size) {}

  private final InputStream in;
  private final byte[] buffer = new byte[16 * 1024];
  private int position;
  private int limit;

  public SmtpInput(InputStream in) {
    this.in = in;
  }

  /**
   * Whether bytes the client sent are waiting in the buffer. After {@code STARTTLS} this must be
   * false: anything sent before the handshake would otherwise be executed inside TLS (RFC 3207 §6,
   * the 2011 STARTTLS command injection).
   */
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
   * Reads one command line and returns it without its CRLF.
   *
   * @param maxOctets the longest line accepted, counting the CRLF (RFC 5321 §4.5.3.1.4)
   * @throws EOFException when the client closed the connection
   * @throws SmtpProtocolException for a line that is too long, does not end in CRLF, contains a
   *     bare CR or NUL, or is not UTF-8
   */
  public String readLine(int maxOctets) throws IOException, SmtpProtocolException {
    byte[] line = new byte[Math.min(maxOctets, 1024)];
    int length = 0;
    boolean tooLong = false;
    int previous = -1;
    while (true) {
      int b = next();
      if (b < 0) {
        throw new EOFException("client closed the connection");
      }
      if (b == '\n') {
        break;
      }
      if (length + 2 > maxOctets) {
        tooLong = true;
      } else {
        if (length == line.length) {
          line = java.util.Arrays.copyOf(line, Math.min(maxOctets, line.length * 2));
        }
        line[length++] = (byte) b;
      }
      previous = b;
    }
    if (tooLong) {
      throw new SmtpProtocolException(SmtpReply.of(500, "5.5.2", "Line too long"));
    }
    if (previous != '\r') {
      throw new SmtpProtocolException(SmtpReply.of(500, "5.5.2", "Line must end with CRLF"));
    }
    length--;
    for (int i = 0; i < length; i++) {
      if (line[i] == '\r' || line[i] == 0) {
        throw new SmtpProtocolException(SmtpReply.of(500, "5.5.2", "Control character in line"));
      }
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(line, 0, length))
          .toString();
    } catch (CharacterCodingException e) {
      throw new SmtpProtocolException(SmtpReply.of(500, "5.5.2", "Line is not UTF-8"));
    }
  }

  /**
   * Reads the DATA stream up to and including the end-of-data line and writes the message to {@code
   * sink} with dot-stuffing removed (RFC 5321 §4.5.2). Only {@code CRLF . CRLF} ends the data (RFC
   * 5321 §4.1.1.4): a {@code .} after a bare LF or CR does not. The stream is always read to its
   * end, so that the next command is read from the right place; once the outcome is not {@link
   * DataOutcome#COMPLETE} nothing more is written to the sink.
   *
   * @param maxSize the most octets the message may have
   * @param maxLineOctets the longest text line, counting the CRLF (RFC 5321 §4.5.3.1.6)
   * @throws EOFException when the client closed the connection before the end of data
   */
  public DataResult readData(OutputStream sink, long maxSize, int maxLineOctets)
      throws IOException {
    DataOutcome outcome = DataOutcome.COMPLETE;
    long size = 0;
    byte[] line = new byte[maxLineOctets];
    boolean atLineStart = true; // the previous line ended with CRLF, or DATA just began
    while (true) {
      int length = 0;
      boolean overlong = false;
      int last = -1;
      int b;
      // One line, up to and including LF.
      while (true) {
        b = next();
        if (b < 0) {
          throw new EOFException("client closed the connection during DATA");
        }
        if (length < line.length) {
          line[length++] = (byte) b;
        } else {
          overlong = true;
        }
        if (b == '\n') {
          break;
        }
        last = b;
      }
      boolean endsWithCrlf = last == '\r';
      if (atLineStart && endsWithCrlf && length == 3 && line[0] == '.') {
        return new DataResult(outcome, size);
      }
      if (outcome == DataOutcome.COMPLETE) {
        if (overlong) {
          outcome = DataOutcome.LINE_TOO_LONG;
        } else if (!endsWithCrlf || containsCr(line, length - 2)) {
          outcome = DataOutcome.BARE_NEWLINE;
        }
      }
      if (outcome == DataOutcome.COMPLETE) {
        int start = atLineStart && line[0] == '.' ? 1 : 0;
        int count = length - start;
        if (size + count > maxSize) {
          outcome = DataOutcome.TOO_LARGE;
        } else {
          sink.write(line, start, count);
          size += count;
        }
      }
      atLineStart = endsWithCrlf;
    }
  }

  private static boolean containsCr(byte[] line, int end) {
    for (int i = 0; i < end; i++) {
      if (line[i] == '\r') {
        return true;
      }
    }
    return false;
  }
}
