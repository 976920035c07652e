package io.sockscope.http;

import java.util.List;
import java.util.function.Supplier;

/**
 * Renders {@code /}: one server-side HTML page, no scripts, no external assets (a pod has no
 * internet and an SRE may open it through a port-forward). Sections come from the services as
 * plain tables so this package depends on none of them.
 */
public final class StatusPage {

  /** A titled table; cells are plain text (escaped here). {@code note} is shown when empty. */
  public record Table(String title, List<String> headers, List<List<String>> rows, String note) {
    public Table {
      headers = List.copyOf(headers);
      rows = List.copyOf(rows);
    }
  }

  /** A headline figure: "TIME_WAIT 90". */
  public record Figure(String label, String value, boolean alert) {}

  /** One section of the page. */
  public record Section(String title, List<Figure> figures, List<Table> tables) {}

  private final String version;
  private final Supplier<List<Section>> sections;

  public StatusPage(String version, Supplier<List<Section>> sections) {
    this.version = version;
    this.sections = sections;
  }

  public String render() {
    StringBuilder h = new StringBuilder(16 * 1024);
    h.append("<!doctype html><html lang=en><head><meta charset=utf-8>")
        .append("<meta name=viewport content='width=device-width,initial-scale=1'>")
        .append("<title>sockscope</title><style>").append(CSS).append("</style></head><body>")
        .append("<header><h1>sockscope</h1><span class=v>").append(esc(version))
        .append("</span><nav><a href='/metrics'>metrics</a><a href='/api/v1/snapshot'>snapshot</a>")
        .append("<a href='/readyz'>readyz</a></nav></header><main>");
    for (Section s : sections.get()) {
      h.append("<section><h2>").append(esc(s.title())).append("</h2>");
      if (!s.figures().isEmpty()) {
        h.append("<div class=figs>");
        for (Figure f : s.figures()) {
          h.append("<div class='fig").append(f.alert() ? " alert" : "").append("'><b>")
              .append(esc(f.value())).append("</b><span>").append(esc(f.label())).append("</span></div>");
        }
        h.append("</div>");
      }
      for (Table t : s.tables()) {
        table(h, t);
      }
      h.append("</section>");
    }
    return h.append("</main></body></html>").toString();
  }

  private static void table(StringBuilder h, Table t) {
    h.append("<h3>").append(esc(t.title())).append("</h3>");
    if (t.rows().isEmpty()) {
      h.append("<p class=note>").append(esc(t.note())).append("</p>");
      return;
    }
    h.append("<table><thead><tr>");
    for (String c : t.headers()) {
      h.append("<th>").append(esc(c)).append("</th>");
    }
    h.append("</tr></thead><tbody>");
    for (List<String> row : t.rows()) {
      h.append("<tr>");
      for (String c : row) {
        h.append("<td>").append(esc(c)).append("</td>");
      }
      h.append("</tr>");
    }
    h.append("</tbody></table>");
  }

  static String esc(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  private static final String CSS = """
      body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
      header{display:flex;gap:1em;align-items:baseline;padding:.8em 1.5em;background:#1d2330;color:#fff}
      header h1{font-size:1.2em;margin:0}.v{opacity:.7}nav{margin-left:auto}nav a{color:#9cc3ff;margin-left:1em}
      main{padding:1em 1.5em;max-width:1200px}section{background:#fff;border:1px solid #dde1e7;border-radius:6px;
      padding:.5em 1em 1em;margin-bottom:1em}h2{font-size:1.1em}h3{font-size:.95em;color:#4a5363;margin:1em 0 .3em}
      .figs{display:flex;flex-wrap:wrap;gap:.6em}.fig{border:1px solid #dde1e7;border-radius:4px;padding:.4em .8em;min-width:7em}
      .fig b{display:block;font-size:1.4em}.fig span{color:#4a5363;font-size:.85em}.fig.alert{border-color:#d33;background:#fff1f1}
      table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.25em .6em;border-bottom:1px solid #eceef2}
      th{color:#4a5363;font-weight:600}td{font-variant-numeric:tabular-nums}.note{color:#6b7383}
      """;
}
