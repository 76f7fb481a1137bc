package dev.musubi.contacts.carddav;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.jspecify.annotations.Nullable;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Reading DAV request bodies (no DTDs, no external entities) and writing multistatus answers. Plain
 * Java, no Spring.
 */
final class DavXml {

  static final String DAV = "DAV:";
  static final String CARD = "urn:ietf:params:xml:ns:carddav";
  static final String CS = "http://calendarserver.org/ns/";

  /** A property name: namespace and local name. */
  record Name(String ns, String local) {}

  private DavXml() {}

  /** Parses a request body; null for an empty one; IllegalArgumentException when malformed. */
  static @Nullable Element parse(byte[] body) {
    if (body.length == 0) {
      return null;
    }
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setNamespaceAware(true);
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      f.setXIncludeAware(false);
      f.setExpandEntityReferences(false);
      DocumentBuilder b = f.newDocumentBuilder();
      Document d = b.parse(new ByteArrayInputStream(body));
      return d.getDocumentElement();
    } catch (Exception e) {
      throw new IllegalArgumentException("Malformed XML body.");
    }
  }

  static List<Element> children(@Nullable Element parent) {
    List<Element> out = new ArrayList<>();
    if (parent == null) {
      return out;
    }
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e) {
        out.add(e);
      }
    }
    return out;
  }

  static @Nullable Element child(@Nullable Element parent, String ns, String local) {
    for (Element e : children(parent)) {
      if (is(e, ns, local)) {
        return e;
      }
    }
    return null;
  }

  static boolean is(Element e, String ns, String local) {
    return ns.equals(e.getNamespaceURI()) && local.equals(e.getLocalName());
  }

  static Name name(Element e) {
    return new Name(e.getNamespaceURI() == null ? "" : e.getNamespaceURI(), e.getLocalName());
  }

  static String escape(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        default -> {
          if (c >= 0x20 || c == '\n' || c == '\r' || c == '\t') {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }

  /** An element for a property name, with a namespace declaration (self-contained). */
  static String open(Name n) {
    return "<" + prefix(n) + ":" + n.local() + xmlns(n) + ">";
  }

  static String close(Name n) {
    return "</" + prefix(n) + ":" + n.local() + ">";
  }

  static String empty(Name n) {
    return "<" + prefix(n) + ":" + n.local() + xmlns(n) + "/>";
  }

  private static String prefix(Name n) {
    return switch (n.ns()) {
      case DAV -> "d";
      case CARD -> "card";
      case CS -> "cs";
      default -> "x";
    };
  }

  private static String xmlns(Name n) {
    return switch (n.ns()) {
      case DAV, CARD, CS -> "";
      default -> " xmlns:x=\"" + escape(n.ns()) + "\"";
    };
  }

  static final String MULTISTATUS_OPEN =
      "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<d:multistatus xmlns:d=\"DAV:\""
          + " xmlns:card=\"urn:ietf:params:xml:ns:carddav\""
          + " xmlns:cs=\"http://calendarserver.org/ns/\">";
  static final String MULTISTATUS_CLOSE = "</d:multistatus>";
}
