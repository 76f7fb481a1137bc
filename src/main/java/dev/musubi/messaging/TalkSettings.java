package dev.musubi.messaging;

/**
 * A company's talk settings.
 *
 * @param editWindowHours how long after sending the sender may edit (1 or 24)
 * @param recallWindowHours how long after sending the sender may recall for everyone (1 or 24)
 * @param readByVisible whether members may see who has read a message (counts are always shown)
 * @param attachmentMaxMb the largest attachment, in MiB (1 to 100)
 */
public record TalkSettings(
    int editWindowHours, int recallWindowHours, boolean readByVisible, int attachmentMaxMb) {

  /** What a company gets until an admin changes something. */
  public static final TalkSettings DEFAULTS = new TalkSettings(24, 24, true, 20);
}
