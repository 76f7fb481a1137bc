package dev.musubi.identity.internal;

import dev.musubi.platform.web.ProblemException.FieldError;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Field checks shared by member creation, updates and the profile page. */
public final class Fields {

  private static final Pattern EMAIL =
      Pattern.compile(
          "^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-.]{0,251}[A-Za-z0-9])?$");
  private static final Pattern PHONE = Pattern.compile("^[0-9+()\\- ]{0,40}$");
  public static final Set<String> LOCALES = Set.of("ja", "en");

  private Fields() {}

  /** Checks a human text field: length and no control or bidi-override characters. */
  public static void text(
      List<FieldError> errors, String field, @Nullable String value, int min, int max) {
    if (value == null) {
      if (min > 0) {
        errors.add(FieldError.required(field));
      }
      return;
    }
    int len = value.codePointCount(0, value.length());
    if (len < min) {
      errors.add(FieldError.required(field));
    } else if (len > max) {
      errors.add(FieldError.tooLong(field, max));
    } else if (value.codePoints().anyMatch(Fields::forbidden)) {
      errors.add(new FieldError(field, "invalid_characters", "Contains control characters."));
    }
  }

  private static boolean forbidden(int cp) {
    int type = Character.getType(cp);
    return type == Character.CONTROL
        || (cp >= 0x202A && cp <= 0x202E)
        || (cp >= 0x2066 && cp <= 0x2069)
        || cp == 0x200E
        || cp == 0x200F;
  }

  public static void email(List<FieldError> errors, String field, @Nullable String value) {
    if (value != null
        && !value.isEmpty()
        && (value.length() > 320 || !EMAIL.matcher(value).matches())) {
      errors.add(new FieldError(field, "email", "Not a valid email address."));
    }
  }

  public static void phone(List<FieldError> errors, String field, @Nullable String value) {
    if (value != null && !PHONE.matcher(value).matches()) {
      errors.add(new FieldError(field, "phone", "Only digits, spaces, + - ( ) allowed."));
    }
  }

  public static void locale(List<FieldError> errors, String field, @Nullable String value) {
    if (value != null && !LOCALES.contains(value)) {
      errors.add(new FieldError(field, "locale", "Must be ja or en."));
    }
  }

  public static void timeZone(List<FieldError> errors, String field, @Nullable String value) {
    if (value == null) {
      return;
    }
    try {
      if (value.length() > 60) {
        throw new DateTimeException("too long");
      }
      ZoneId.of(value);
    } catch (DateTimeException e) {
      errors.add(new FieldError(field, "time_zone", "Not a known IANA time zone."));
    }
  }

  public static String orEmpty(@Nullable String s) {
    return s == null ? "" : s.strip();
  }
}
