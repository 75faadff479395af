package otherworld.campaign;

import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.Map;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.StackedBarRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.statistics.HistogramDataset;

/**
 * The campaign's report: one self-contained HTML file (charts from JFreeChart, embedded as PNG), the summary tables,
 * and every silent-corruption or host-exception case with its replay command.
 */
public final class HtmlReport {
    private HtmlReport() { }

    public static String render(Summary s, String command) {
        System.setProperty("java.awt.headless", "true");
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>otherworld fault-injection campaign</title>\n")
                .append("<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}")
                .append("table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}")
                .append("th{background:#eee}td.l,th.l{text-align:left}code{background:#f4f4f4;padding:1px 4px}")
                .append(".bad{color:#c62828;font-weight:bold}.good{color:#2e7d32;font-weight:bold}</style></head><body>\n");
        h.append("<h1>Fault-injection campaign</h1>\n<p><code>").append(esc(command)).append("</code></p>\n");
        long bad = s.silentCorruptionsOutsideUserWrites() + s.hostExceptions();
        h.append(String.format("<p>%d cases, %d processes: <span class=\"%s\">%.2f%% survived</span> (identical to the run "
                        + "without a fault: %d resurrected and resumed, %d through their recovery procedure); %d silent corruptions "
                        + "(%d outside user-write), <span class=\"%s\">%d host exceptions</span>. %.2f cases/s.</p>\n",
                s.results.size(), s.total.processes, bad == 0 ? "good" : "bad", s.total.survival(),
                s.total.count(Outcome.IDENTICAL) - s.total.recovered, s.total.recovered, s.total.count(Outcome.DIVERGED), s.silentCorruptionsOutsideUserWrites(),
                s.hostExceptions() == 0 ? "good" : "bad", s.hostExceptions(), s.casesPerSecond()));
        h.append("<h2>Survival by fault type</h2>\n").append(img(outcomeChart("Processes by outcome, per fault type", "fault type", s.byType)));
        table(h, "fault type", s.byType, s.total);
        h.append("<h2>Survival by workload</h2>\n").append(img(outcomeChart("Processes by outcome, per workload", "workload", s.byWorkload)));
        table(h, "workload", s.byWorkload, s.total);
        h.append("<h2>Resurrection time</h2>\n");
        if (s.resurrectionNanos.isEmpty()) {
            h.append("<p>No resurrection.</p>\n");
        } else {
            h.append(img(histogram(s)));
            h.append(String.format("<p>%d resurrections (host time from the panic to the crash kernel's commit): "
                            + "p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms.</p>\n", s.resurrectionNanos.size(),
                    s.resurrectionMillis(50), s.resurrectionMillis(90), s.resurrectionMillis(99), s.resurrectionMillis(100)));
        }
        h.append("<h2>Silent corruptions and host exceptions</h2>\n");
        if (s.bad.isEmpty()) {
            h.append("<p class=\"good\">None.</p>\n");
        } else {
            h.append("<table><tr><th class=l>replay</th><th class=l>fault</th><th class=l>struck / did</th><th class=l>what differs</th></tr>\n");
            int shown = 0;
            for (CaseResult r : s.bad) {
                if (shown++ == 500) {
                    h.append("<tr><td class=l colspan=4>… ").append(s.bad.size() - 500).append(" more in the JSON lines</td></tr>\n");
                    break;
                }
                StringBuilder what = new StringBuilder();
                for (CaseResult.Proc p : r.processes) {
                    if (p.outcome != Outcome.IDENTICAL) what.append(p.name).append(": ").append(p.outcome.id).append(p.detail == null ? "" : " — " + p.detail).append("<br>");
                }
                h.append("<tr><td class=l><code>").append(esc(r.replayCommand())).append("</code></td><td class=l>")
                        .append(esc(r.fault)).append("</td><td class=l>").append(esc(String.join("; ", r.struck)))
                        .append("<br>").append(esc(String.join("; ", r.did))).append("</td><td class=l>")
                        .append(what.length() == 0 ? esc(String.valueOf(r.hostException)) : what.toString().replace("&", "&amp;"))
                        .append("</td></tr>\n");
            }
            h.append("</table>\n");
        }
        h.append("<h2>Fault types</h2>\n<ul>");
        for (otherworld.kernel.fault.FaultType t : otherworld.kernel.fault.FaultType.values()) {
            h.append("<li><b>").append(t.id).append("</b>: ").append(esc(t.description)).append("</li>");
        }
        h.append("</ul>\n<p>Classes: <b>identical</b> (output, exit status and files equal the run without a fault), "
                + "<b>refused</b> (the validator reported it), <b>diverged</b> (silent corruption), <b>halted</b>, "
                + "<b>host-exception</b> (always a bug).</p>\n</body></html>\n");
        return h.toString();
    }

    /** Series of the outcome charts: survival split into resurrected and recovered (by a registered procedure). */
    static final String RESURRECTED = "identical, resurrected", RECOVERED = "identical, by its recovery procedure";
    static final Color[] SERIES_COLORS = {new Color(0x2e7d32), new Color(0x81c784), new Color(0xf9a825), new Color(0xc62828),
            new Color(0x6d4c41), new Color(0x6a1b9a)};

    static JFreeChart outcomeChart(String title, String axis, Map<String, Summary.Row> rows) {
        DefaultCategoryDataset d = new DefaultCategoryDataset();
        for (Summary.Row r : rows.values()) {
            double k = r.processes == 0 ? 0 : 100.0 / r.processes;
            d.addValue(k * (r.count(Outcome.IDENTICAL) - r.recovered), RESURRECTED, r.name);
            d.addValue(k * r.recovered, RECOVERED, r.name);
            for (Outcome o : Outcome.values()) if (o != Outcome.IDENTICAL) d.addValue(k * r.count(o), o.id, r.name);
        }
        JFreeChart c = ChartFactory.createStackedBarChart(title, axis, "% of processes", d, PlotOrientation.VERTICAL,
                true, false, false);
        CategoryPlot p = c.getCategoryPlot();
        StackedBarRenderer r = (StackedBarRenderer) p.getRenderer();
        for (int i = 0; i < SERIES_COLORS.length; i++) r.setSeriesPaint(i, SERIES_COLORS[i]);
        p.getRangeAxis().setRange(0, 100);
        p.getDomainAxis().setMaximumCategoryLabelLines(2);
        p.getDomainAxis().setMaximumCategoryLabelWidthRatio(2.0f);
        p.setBackgroundPaint(Color.WHITE);
        return c;
    }

    static JFreeChart histogram(Summary s) {
        HistogramDataset d = new HistogramDataset();
        double[] ms = new double[s.resurrectionNanos.size()];
        for (int i = 0; i < ms.length; i++) ms[i] = s.resurrectionNanos.get(i) / 1e6;
        d.addSeries("resurrections", ms, 40);
        JFreeChart c = ChartFactory.createHistogram("Resurrection time", "milliseconds (host time)", "resurrections", d,
                PlotOrientation.VERTICAL, false, false, false);
        c.getXYPlot().setBackgroundPaint(Color.WHITE);
        return c;
    }

    static String img(JFreeChart chart) {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        try {
            ChartUtils.writeChartAsPNG(png, chart, 900, 420);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return "<img alt=\"" + esc(chart.getTitle().getText()) + "\" src=\"data:image/png;base64,"
                + Base64.getEncoder().encodeToString(png.toByteArray()) + "\">\n";
    }

    static void table(StringBuilder h, String what, Map<String, Summary.Row> rows, Summary.Row total) {
        h.append("<table><tr><th class=l>").append(what).append("</th><th>cases</th><th>processes</th><th>identical</th>"
                + "<th>of which recovered</th><th>refused</th><th>diverged</th><th>halted</th><th>host exception</th>"
                + "<th>survival</th><th>e2fsck clean</th><th>fault found nothing to strike</th></tr>\n");
        java.util.List<Summary.Row> all = new java.util.ArrayList<>(rows.values());
        all.add(total);
        for (Summary.Row r : all) {
            h.append(String.format("<tr><td class=l>%s</td><td>%d</td><td>%d</td><td>%d</td><td>%d</td><td>%d</td>"
                            + "<td%s>%d</td><td>%d</td><td%s>%d</td><td>%.2f%%</td><td>%s</td><td>%d</td></tr>%n", esc(r.name), r.cases,
                    r.processes, r.count(Outcome.IDENTICAL), r.recovered, r.count(Outcome.REFUSED),
                    r.count(Outcome.DIVERGED) > 0 ? " class=bad" : "", r.count(Outcome.DIVERGED), r.count(Outcome.HALTED),
                    r.count(Outcome.HOST_EXCEPTION) > 0 ? " class=bad" : "", r.count(Outcome.HOST_EXCEPTION), r.survival(),
                    r.fsckRun == 0 ? "-" : r.fsckClean + "/" + r.fsckRun, r.notStruck));
        }
        h.append("</table>\n");
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
