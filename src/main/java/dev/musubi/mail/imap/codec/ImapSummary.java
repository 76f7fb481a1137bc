package dev.musubi.mail.imap.codec;

/**
 * What FETCH answers for ENVELOPE, BODY and BODYSTRUCTURE (RFC 3501 §7.4.2), as the exact response
 * text, worked out once from the raw message so that the store can keep it with the message and
 * later FETCHes need not read, decrypt or parse the message again.
 *
 * @param envelope the parenthesised envelope
 * @param body the non-extensible BODY structure
 * @param bodyStructure the extensible BODYSTRUCTURE
 */
public record ImapSummary(byte[] envelope, byte[] body, byte[] bodyStructure) {

  /** The summary of a raw message (never fails: unparseable parts become text/plain). */
  public static ImapSummary of(byte[] raw) {
    MimeStructure mime = MimeStructure.of(raw);
    var envelope = new ResponseWriter();
    mime.envelope(envelope);
    var body = new ResponseWriter();
    mime.bodyStructure(body, false);
    var bodyStructure = new ResponseWriter();
    mime.bodyStructure(bodyStructure, true);
    return new ImapSummary(envelope.bytes(), body.bytes(), bodyStructure.bytes());
  }
}
