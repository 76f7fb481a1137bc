package dev.musubi.mail;

/**
 * The company's mail policy.
 *
 * @param spfFail what happens to a message whose SPF check fails: {@code accept}, {@code junk} or
 *     {@code reject}
 * @param dkimFail the same for a failed DKIM signature
 * @param dmarcFail the same for a DMARC failure
 * @param maxMessageBytes the largest message accepted or sent
 * @param mailboxQuotaBytes how much mail each member may keep
 * @param logRetentionDays how long the mail log keeps its rows
 */
public record MailPolicy(
    String spfFail,
    String dkimFail,
    String dmarcFail,
    long maxMessageBytes,
    long mailboxQuotaBytes,
    int logRetentionDays) {

  public static MailPolicy defaults() {
    return new MailPolicy("junk", "junk", "reject", 25L << 20, 2L << 30, 90);
  }
}
