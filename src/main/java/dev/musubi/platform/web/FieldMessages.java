package dev.musubi.platform.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.ResourceBundle;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The API's common field-error messages, kept in {@code FieldMessages.properties} (English, what
 * the code writes into a {@link ProblemException.FieldError}) and {@code
 * FieldMessages_ja.properties} next to this class. A message is translated when the response is
 * written, so that services need not know the reader's language: a message that matches one of the
 * English templates exactly, with numbers where the template has {@code {n}}, is answered in
 * Japanese to a request whose language is Japanese; any other message stays as written.
 */
final class FieldMessages {

  private static final String BUNDLE = "dev.musubi.platform.web.FieldMessages";
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{(\\d)}");
  private static final String NUMBER = "(\\d[\\d,]*)";

  /** An English template as a pattern; {@code slots[g]} is the placeholder of group g + 1. */
  private record Template(String key, Pattern english, int[] slots) {}

  // No fallback to the JVM's default locale: the server's own language must not leak into answers.
  private static final ResourceBundle.Control NO_FALLBACK =
      ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES);
  private static final ResourceBundle ENGLISH =
      ResourceBundle.getBundle(BUNDLE, Locale.ROOT, NO_FALLBACK);
  private static final ResourceBundle JAPANESE =
      ResourceBundle.getBundle(BUNDLE, Locale.JAPANESE, NO_FALLBACK);
  private static final List<Template> TEMPLATES =
      ENGLISH.keySet().stream().map(key -> template(key, ENGLISH.getString(key))).toList();

  private FieldMessages() {}

  /** The English message for {@code key} with its {@code {n}} placeholders filled. */
  static String english(String key, Object... args) {
    return fill(ENGLISH.getString(key), args);
  }

  /**
   * {@code message} in {@code locale}'s language where it is a common message with a translation;
   * otherwise {@code message} unchanged (English is the default, and never returns null).
   */
  static String localize(String message, Locale locale) {
    if (!"ja".equals(locale.getLanguage())) {
      return message;
    }
    for (Template t : TEMPLATES) {
      Matcher m = t.english().matcher(message);
      if (m.matches()) {
        Object[] args = new Object[t.slots().length];
        for (int g = 0; g < t.slots().length; g++) {
          args[t.slots()[g]] = m.group(g + 1);
        }
        return fill(JAPANESE.getString(t.key()), args);
      }
    }
    return message;
  }

  private static Template template(String key, String english) {
    StringBuilder regex = new StringBuilder();
    List<Integer> slots = new ArrayList<>();
    Matcher m = PLACEHOLDER.matcher(english);
    int at = 0;
    while (m.find()) {
      regex.append(Pattern.quote(english.substring(at, m.start()))).append(NUMBER);
      slots.add(Integer.parseInt(m.group(1)));
      at = m.end();
    }
    regex.append(Pattern.quote(english.substring(at)));
    return new Template(
        key, Pattern.compile(regex.toString()), slots.stream().mapToInt(i -> i).toArray());
  }

  private static String fill(String template, Object[] args) {
    return PLACEHOLDER
        .matcher(template)
        .replaceAll(
            m -> Matcher.quoteReplacement(String.valueOf(args[Integer.parseInt(m.group(1))])));
  }
}
