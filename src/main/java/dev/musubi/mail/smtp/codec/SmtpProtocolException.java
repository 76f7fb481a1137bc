package dev.musubi.mail.smtp.codec;

/**
 * A client error the server answers with {@link #reply()}; when {@link #closesConnection()} the
 * server closes the connection after the reply.
 */
public final class SmtpProtocolException extends Exception {

  private final SmtpReply reply;
  private final boolean closesConnection;

  public SmtpProtocolException(SmtpReply reply, boolean closesConnection) {
    super(reply.toString(), null, false, false);
    this.reply = reply;
    this.closesConnection = closesConnection;
  }

  public SmtpProtocolException(SmtpReply reply) {
    this(reply, false);
  }

  public SmtpReply reply() {
    return reply;
  }

  public boolean closesConnection() {
    return closesConnection;
  }
}
