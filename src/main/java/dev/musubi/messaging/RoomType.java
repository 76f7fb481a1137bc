package dev.musubi.messaging;

import java.util.Arrays;
import java.util.Optional;

/** The kinds of talk room. */
public enum RoomType {
  /** Two members; exactly one per pair in a company. */
  DIRECT,
  /** A named room whose members add others; owners rename and remove. */
  GROUP,
  /** A named room where only owners post. */
  ANNOUNCEMENT,
  /** A named room whose members are a department's (kept in step with the directory). */
  DEPARTMENT,
  /** One member and one bot: the bot's direct room with the member (one per bot and member). */
  BOT;

  @com.fasterxml.jackson.annotation.JsonValue
  public String code() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  public static Optional<RoomType> fromCode(String code) {
    return Arrays.stream(values()).filter(t -> t.code().equals(code)).findFirst();
  }
}
