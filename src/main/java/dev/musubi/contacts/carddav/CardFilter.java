package dev.musubi.contacts.carddav;

import dev.musubi.contacts.Contact;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.w3c.dom.Element;

/**
 * The CARDDAV:filter of an addressbook-query (RFC 6352 §10.5): prop-filters on FN, N, NICKNAME,
 * EMAIL, TEL, ORG, TITLE, NOTE, CATEGORIES and UID with is-not-defined or text-match (equals,
 * contains, starts-with, ends-with; i;unicode-casemap or i;ascii-casemap), combined by anyof/allof.
 */
final class CardFilter {

  private CardFilter() {}

  static boolean matches(@Nullable Element filter, Contact c) {
    if (filter == null) {
      return true;
    }
    List<Element> props =
        DavXml.children(filter).stream()
            .filter(e -> DavXml.is(e, DavXml.CARD, "prop-filter"))
            .toList();
    if (props.isEmpty()) {
      return true;
    }
    boolean all = "allof".equalsIgnoreCase(filter.getAttribute("test"));
    for (Element p : props) {
      boolean m = propMatches(p, c);
      if (all && !m) {
        return false;
      }
      if (!all && m) {
        return true;
      }
    }
    return all;
  }

  private static boolean propMatches(Element p, Contact c) {
    List<String> values = values(p.getAttribute("name").toUpperCase(Locale.ROOT), c);
    if (DavXml.child(p, DavXml.CARD, "is-not-defined") != null) {
      return values.isEmpty();
    }
    List<Element> matches =
        DavXml.children(p).stream().filter(e -> DavXml.is(e, DavXml.CARD, "text-match")).toList();
    if (matches.isEmpty()) {
      return !values.isEmpty();
    }
    boolean all = "allof".equalsIgnoreCase(p.getAttribute("test"));
    for (Element tm : matches) {
      boolean m = textMatches(tm, values);
      if (all && !m) {
        return false;
      }
      if (!all && m) {
        return true;
      }
    }
    return all;
  }

  private static boolean textMatches(Element tm, List<String> values) {
    String needle = tm.getTextContent().toLowerCase(Locale.ROOT);
    String type = tm.getAttribute("match-type");
    boolean negate = "yes".equalsIgnoreCase(tm.getAttribute("negate-condition"));
    boolean any = false;
    for (String v : values) {
      String hay = v.toLowerCase(Locale.ROOT);
      boolean m =
          switch (type.isEmpty() ? "contains" : type) {
            case "equals" -> hay.equals(needle);
            case "starts-with" -> hay.startsWith(needle);
            case "ends-with" -> hay.endsWith(needle);
            default -> hay.contains(needle);
          };
      if (m) {
        any = true;
        break;
      }
    }
    return negate != any;
  }

  private static List<String> values(String name, Contact c) {
    List<String> out = new ArrayList<>();
    switch (name) {
      case "FN" -> add(out, c.displayName());
      case "N" -> {
        add(out, c.familyName());
        add(out, c.givenName());
      }
      case "NICKNAME", "X-PHONETIC-LAST-NAME", "X-PHONETIC-FIRST-NAME" -> {
        add(out, c.familyNameReading());
        add(out, c.givenNameReading());
      }
      case "EMAIL" -> c.emails().forEach(e -> add(out, e.value()));
      case "TEL" -> c.phones().forEach(p -> add(out, p.value()));
      case "ORG" -> {
        add(out, c.company());
        add(out, c.department());
      }
      case "TITLE" -> add(out, c.title());
      case "NOTE" -> add(out, c.notes());
      case "CATEGORIES" -> c.tags().forEach(t -> add(out, t));
      case "UID" -> add(out, c.uid());
      default -> {}
    }
    return out;
  }

  private static void add(List<String> out, String v) {
    if (v != null && !v.isBlank()) {
      out.add(v);
    }
  }
}
