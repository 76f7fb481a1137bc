package dev.musubi.admin.web;

import dev.musubi.admin.Statistics;
import dev.musubi.platform.security.CurrentMember;
import dev.musubi.platform.security.MemberPrincipal;
import dev.musubi.platform.web.Csv;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/admin/statistics}: daily figures, as JSON or CSV. */
@RestController
@RequestMapping("/api/v1/admin/statistics")
class StatisticsController {

  private final Statistics statistics;

  StatisticsController(Statistics statistics) {
    this.statistics = statistics;
  }

  @GetMapping
  List<Statistics.Day> list(
      @RequestParam(required = false) @Nullable String from,
      @RequestParam(required = false) @Nullable String to) {
    return statistics.list(CurrentMember.get(), from, to);
  }

  @GetMapping("/storage")
  Map<String, Object> storage(@RequestParam(required = false) @Nullable Integer limit) {
    MemberPrincipal me = CurrentMember.get();
    return Map.of(
        "keys",
        statistics.storageKeys(),
        "members",
        statistics.storage(me, limit == null ? 100 : limit));
  }

  @GetMapping("/storage/export")
  void storageExport(HttpServletResponse response) throws IOException {
    MemberPrincipal me = CurrentMember.get();
    List<Statistics.MemberStorage> rows = statistics.storage(me, 10_000);
    List<String> keys = statistics.storageKeys();
    response.setContentType("text/csv; charset=UTF-8");
    response.setHeader("Content-Disposition", "attachment; filename=\"storage.csv\"");
    response.setHeader("Cache-Control", "no-store");
    Writer w = new java.io.OutputStreamWriter(response.getOutputStream(), StandardCharsets.UTF_8);
    w.write('\uFEFF');
    w.write("memberId,loginId,displayName," + String.join(",", keys) + ",totalBytes\r\n");
    for (Statistics.MemberStorage r : rows) {
      w.write(
          r.memberId()
              + ","
              + Csv.cell(r.loginId() == null ? "" : r.loginId())
              + ","
              + Csv.cell(r.displayName() == null ? "" : r.displayName()));
      for (String k : keys) {
        w.write("," + r.bytes().getOrDefault(k, 0L));
      }
      w.write("," + r.total() + "\r\n");
    }
    w.flush();
    statistics.storageExported(me, rows.size());
  }

  @GetMapping("/export")
  void export(
      @RequestParam(required = false) @Nullable String from,
      @RequestParam(required = false) @Nullable String to,
      HttpServletResponse response)
      throws IOException {
    MemberPrincipal me = CurrentMember.get();
    List<Statistics.Day> days = statistics.list(me, from, to);
    response.setContentType("text/csv; charset=UTF-8");
    response.setHeader("Content-Disposition", "attachment; filename=\"statistics.csv\"");
    response.setHeader("Cache-Control", "no-store");
    Writer w = new java.io.OutputStreamWriter(response.getOutputStream(), StandardCharsets.UTF_8);
    w.write('\uFEFF');
    w.write(
        "day,membersActive,membersSuspended,membersDeleted,signIns,dailyActive,weeklyActive,"
            + "monthlyActive");
    List<String> keys = statistics.usageKeys();
    for (String k : keys) {
      w.write("," + k);
    }
    w.write("\r\n");
    for (Statistics.Day d : days) {
      w.write(
          d.day()
              + ","
              + d.membersActive()
              + ","
              + d.membersSuspended()
              + ","
              + d.membersDeleted()
              + ","
              + d.signIns()
              + ","
              + d.dailyActive()
              + ","
              + d.weeklyActive()
              + ","
              + d.monthlyActive());
      for (String k : keys) {
        w.write("," + d.usage().getOrDefault(k, 0L));
      }
      w.write("\r\n");
    }
    w.flush();
    statistics.exported(me, days.size());
  }
}
