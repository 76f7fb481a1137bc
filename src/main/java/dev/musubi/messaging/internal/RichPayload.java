package dev.musubi.messaging.internal;

import dev.musubi.messaging.Message;
import dev.musubi.platform.web.ProblemException.FieldError;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Rich bot messages: the checks on buttons and link cards, and their stored form (JSON in {@code
 * talk_message.payload}). Buttons: 1 to {@link #MAX_BUTTONS}, labels of 1 to {@link #MAX_LABEL}
 * characters, each with either postback data (1 to {@link #MAX_DATA} characters) or an http(s) URL.
 * Link cards: an http(s) URL, a title and an optional description, all plain text. Any other scheme
 * ({@code javascript:}, {@code data:}, …) is refused.
 */
public final class RichPayload {

  public static final int MAX_BUTTONS = 10;
  public static final int MAX_LABEL = 40;
  public static final int MAX_DATA = 300;
  public static final int MAX_URL = 2000;
  public static final int MAX_TITLE = 200;
  public static final int MAX_DESCRIPTION = 1000;

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private RichPayload() {}

  /** A button as a bot sends it. */
  public record ButtonIn(@Nullable String label, @Nullable String data, @Nullable String url) {}

  /** The stored JSON of checked buttons; adds field errors for what is wrong. */
  public static String buttons(@Nullable List<ButtonIn> buttons, List<FieldError> errors) {
    if (buttons == null || buttons.isEmpty()) {
      errors.add(new FieldError("buttons", "required", "Give 1 to " + MAX_BUTTONS + " buttons."));
      return "";
    }
    if (buttons.size() > MAX_BUTTONS) {
      errors.add(new FieldError("buttons", "too_many", "At most " + MAX_BUTTONS + " buttons."));
      return "";
    }
    List<Map<String, String>> out = new ArrayList<>();
    for (int i = 0; i < buttons.size(); i++) {
      ButtonIn b = buttons.get(i);
      String f = "buttons[" + i + "]";
      if (b == null) {
        errors.add(new FieldError(f, "required", "A button needs a label."));
        continue;
      }
      String label = plain(b.label(), MAX_LABEL, f + ".label", true, errors);
      Map<String, String> button = new LinkedHashMap<>();
      button.put("label", label);
      boolean hasData = b.data() != null;
      boolean hasUrl = b.url() != null;
      if (hasData == hasUrl) {
        errors.add(new FieldError(f, "data_or_url", "Give either data or url."));
      } else if (hasData) {
        String data = b.data();
        if (data.isEmpty() || data.codePointCount(0, data.length()) > MAX_DATA) {
          errors.add(new FieldError(f + ".data", "invalid", "1 to " + MAX_DATA + " characters."));
        } else {
          button.put("data", data);
        }
      } else {
        button.put("url", url(b.url(), f + ".url", errors));
      }
      out.add(button);
    }
    return JSON.writeValueAsString(Map.of("buttons", out));
  }

  /** The stored JSON of a checked link card; adds field errors for what is wrong. */
  public static String link(
      @Nullable String url,
      @Nullable String title,
      @Nullable String description,
      List<FieldError> errors) {
    Map<String, String> card = new LinkedHashMap<>();
    card.put("url", url(url, "url", errors));
    card.put("title", plain(title, MAX_TITLE, "title", true, errors));
    if (description != null && !description.isBlank()) {
      card.put("description", plain(description, MAX_DESCRIPTION, "description", false, errors));
    }
    return JSON.writeValueAsString(card);
  }

  /** The buttons of a stored payload as members see them (no postback data); null if none. */
  public static @Nullable List<Message.Button> buttonsOf(@Nullable String payload) {
    JsonNode root = parse(payload);
    if (root == null || !root.has("buttons")) {
      return null;
    }
    List<Message.Button> out = new ArrayList<>();
    for (JsonNode b : root.get("buttons")) {
      out.add(
          new Message.Button(
              b.path("label").asString(""), b.has("url") ? b.get("url").asString() : null));
    }
    return out;
  }

  /** The postback data of button {@code index}, or null when it has none. */
  public static @Nullable String dataOf(@Nullable String payload, int index) {
    JsonNode root = parse(payload);
    if (root == null || !root.has("buttons") || index < 0 || index >= root.get("buttons").size()) {
      return null;
    }
    JsonNode b = root.get("buttons").get(index);
    return b.has("data") ? b.get("data").asString() : null;
  }

  /** The link card of a stored payload; null if none. */
  public static Message.@Nullable Link linkOf(@Nullable String payload) {
    JsonNode root = parse(payload);
    if (root == null || !root.has("url")) {
      return null;
    }
    return new Message.Link(
        root.get("url").asString(),
        root.path("title").asString(""),
        root.has("description") ? root.get("description").asString() : null);
  }

  /** A one-line text form for exports: the link's URL or the buttons' labels. */
  public static String summary(@Nullable String payload) {
    Message.Link link = linkOf(payload);
    if (link != null) {
      return link.url();
    }
    List<Message.Button> buttons = buttonsOf(payload);
    if (buttons == null) {
      return "";
    }
    StringBuilder s = new StringBuilder();
    for (Message.Button b : buttons) {
      s.append(s.isEmpty() ? "" : " ").append('[').append(b.label()).append(']');
    }
    return s.toString();
  }

  private static @Nullable JsonNode parse(@Nullable String payload) {
    if (payload == null || payload.isEmpty()) {
      return null;
    }
    return JSON.readTree(payload);
  }

  private static String plain(
      @Nullable String value, int max, String field, boolean required, List<FieldError> errors) {
    String v = value == null ? "" : value.strip();
    if (v.isEmpty() && required) {
      errors.add(new FieldError(field, "required", "Required."));
      return "";
    }
    if (v.codePointCount(0, v.length()) > max) {
      errors.add(new FieldError(field, "too_long", "At most " + max + " characters."));
      return "";
    }
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (Character.isISOControl(c) && c != '\n' && c != '\t') {
        errors.add(new FieldError(field, "control", "Control characters are not allowed."));
        return "";
      }
    }
    return v;
  }

  /** An absolute http or https URL with a host, at most {@link #MAX_URL} characters. */
  static String url(@Nullable String value, String field, List<FieldError> errors) {
    String v = value == null ? "" : value.strip();
    if (v.isEmpty()) {
      errors.add(new FieldError(field, "required", "Required."));
      return "";
    }
    if (v.length() > MAX_URL) {
      errors.add(new FieldError(field, "too_long", "At most " + MAX_URL + " characters."));
      return "";
    }
    try {
      URI uri = new URI(v);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https")) {
        errors.add(new FieldError(field, "scheme", "Only http and https links."));
        return "";
      }
      if (uri.getHost() == null || uri.getHost().isEmpty()) {
        errors.add(new FieldError(field, "invalid", "The link needs a host."));
        return "";
      }
    } catch (URISyntaxException e) {
      errors.add(new FieldError(field, "invalid", "Not a valid URL."));
      return "";
    }
    return v;
  }
}
