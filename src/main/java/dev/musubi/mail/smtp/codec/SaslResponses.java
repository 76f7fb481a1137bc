package dev.musubi.mail.smtp.codec;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Decodes the client responses of the SASL mechanisms submission offers: {@code PLAIN} (RFC 4616)
 * and {@code LOGIN} (draft-murchison-sasl-login, one base64 line each for the user name and the
 * password). Every malformed response is an {@link SmtpProtocolException} with the reply {@code 501
 * 5.5.2} (RFC 4954 §4).
 */
public final class SaslResponses {

  /** The longest authentication identity or password accepted, in characters. */
  static final int MAX_FIELD = 1024;

  /**
   * What a {@code PLAIN} response carries.
   *
   * @param authorizationId who the client wants to act as; empty when the same as {@code loginId}
   */
  public record Plain(String authorizationId, String loginId, String password) {}

  private SaslResponses() {}

  /** RFC 4954 §4: the client cancels an exchange by sending a single {@code *}. */
  public static boolean cancelled(String line) {
    return line.equals("*");
  }

  /**
   * RFC 4616 §2: {@code [authzid] NUL authcid NUL passwd}, all UTF-8 without NUL.
   *
   * @param base64 the response as sent, or {@code "="} for an empty one
   */
  public static Plain plain(String base64) throws SmtpProtocolException {
    String text = text(base64);
    int first = text.indexOf('\0');
    int second = first < 0 ? -1 : text.indexOf('\0', first + 1);
    if (first < 0 || second < 0 || text.indexOf('\0', second + 1) >= 0) {
      throw malformed();
    }
    String loginId = text.substring(first + 1, second);
    String password = text.substring(second + 1);
    if (loginId.isEmpty() || password.isEmpty()) {
      throw malformed();
    }
    return new Plain(text.substring(0, first), loginId, password);
  }

  /**
   * One base64 response decoded as UTF-8 text without NUL ({@code LOGIN} user name or password).
   */
  public static String login(String base64) throws SmtpProtocolException {
    String text = text(base64);
    if (text.indexOf('\0') >= 0) {
      throw malformed();
    }
    return text;
  }

  private static String text(String base64) throws SmtpProtocolException {
    if (base64.equals("=")) {
      return "";
    }
    if (!SmtpCommandParser.isBase64(base64)) {
      throw malformed();
    }
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw malformed();
    }
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
    } catch (CharacterCodingException e) {
      throw malformed();
    }
    if (text.length() > 3 * MAX_FIELD) {
      throw malformed();
    }
    return text;
  }

  private static SmtpProtocolException malformed() {
    return new SmtpProtocolException(SmtpReply.of(501, "5.5.2", "Cannot decode the response"));
  }
}
