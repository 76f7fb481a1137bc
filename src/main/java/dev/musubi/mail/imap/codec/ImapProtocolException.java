package dev.musubi.mail.imap.codec;

/**
 * A command the server cannot accept; the message goes to the client in a {@code BAD} reply, so it
 * never echoes what the client sent. {@code fatal} means the connection must close (the input can
 * no longer be framed, e.g. a non-synchronising literal over the limit).
 */
public class ImapProtocolException extends Exception {

  private final boolean fatal;

  public ImapProtocolException(String message) {
    this(message, false);
  }

  public ImapProtocolException(String message, boolean fatal) {
    super(message, null, false, false);
    this.fatal = fatal;
  }

  public boolean fatal() {
    return fatal;
  }
}
