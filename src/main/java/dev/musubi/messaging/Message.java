package dev.musubi.messaging;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A message as members see it.
 *
 * @param seq its position in the room, from 1 without gaps, the same order for everyone
 * @param text the text, or null when recalled
 * @param mentions the members mentioned
 * @param mentionsAll whether {@code @all} was mentioned
 * @param unreadCount current members other than the sender whose read pointer is below {@code seq}
 * @param reactions per emoji, who reacted
 * @param kind {@code text} or {@code sticker} (then {@code text} is the sticker's ID)
 * @param forwarded whether the message was forwarded from another room
 * @param pinned whether the message is pinned in its room
 * @param senderName for a message from a bot or an incoming webhook, its name (null otherwise)
 * @param attachments files and images sent with the message, in the order sent (none once recalled)
 * @param buttons for a bot's {@code buttons} message, its buttons in order (null otherwise and once
 *     recalled)
 * @param link for a bot's {@code link} message, the card (null otherwise and once recalled)
 */
public record Message(
    UUID id,
    UUID roomId,
    long seq,
    UUID senderId,
    @Nullable String text,
    @Nullable UUID replyTo,
    List<UUID> mentions,
    boolean mentionsAll,
    Instant createdAt,
    @Nullable Instant editedAt,
    boolean recalled,
    List<Reaction> reactions,
    int unreadCount,
    String kind,
    boolean forwarded,
    boolean pinned,
    @Nullable String senderName,
    List<Attachment> attachments,
    @Nullable List<Button> buttons,
    @Nullable Link link) {

  /**
   * A button of a bot's message: with {@code url} it opens that http(s) link; without, pressing it
   * sends the bot a postback (the bot's data for it is not shown to members).
   */
  public record Button(String label, @Nullable String url) {}

  /** A link card: title and description are plain text, {@code url} is http or https. */
  public record Link(String url, String title, @Nullable String description) {}

  /** One emoji and the members who chose it. */
  public record Reaction(String emoji, List<UUID> members) {}
}
