// The report as a document, drawn from report_json's values: every figure, table and card.
// A number a reader checks carries its JSON path in `data-key` (the browser test compares them).

#include <cmath>
#include <cstdio>

#include "json_values.hpp"
#include "skon/core/messages.hpp"
#include "skon/documents/report.hpp"
#include "skon/documents/report_card.hpp"
#include "skon/documents/svg_plot.hpp"

namespace skon::engine {

namespace {

using Json = nlohmann::ordered_json;

struct Writer {
  bool da = true;
  std::string t(const char* d, const char* e) const { return da ? d : e; }

  std::string num(const Json& v, int digits) const {
    if (!v.is_number()) return "–";
    return format_fixed(v.get<double>(), digits, da ? Language::Danish : Language::English);
  }
  std::string count(const Json& v) const {
    return v.is_number() ? std::to_string(v.get<std::size_t>()) : "–";
  }
  std::string percent(const Json& v, int digits = 1) const {
    return v.is_number() ? num(v.get<double>() * 100, digits) + " %" : "–";
  }
};

void cohort_section(Document& d, const Writer& w, const Json& j) {
  const Json& c = j["cohort"];
  d.heading(1, w.t("Kohorten", "The cohort"));
  std::vector<std::vector<KeyedCell>> rows;
  for (std::size_t i = 0; i < c["levels"].size(); ++i) {
    const Json& l = c["levels"][i];
    const std::string key = "cohort.levels." + std::to_string(i);
    rows.push_back({{l["label"].get<std::string>() + " (" + l["level"].get<std::string>() + ")"},
                    {w.count(l["count"]), key + ".count"},
                    {w.percent(l["share"]), key + ".share"}});
  }
  for (const auto& [outcome, n] : c["outcomes"].items()) {
    if (outcome == "assessed") continue;
    rows.push_back(
        {{outcome == "insufficient_data" ? w.t("For få data", "Insufficient data") : outcome},
         {w.count(n), "cohort.outcomes." + outcome},
         {w.percent(Json(n.get<double>() / std::max(1.0, c["records"].get<double>())))}});
  }
  rows.push_back({{w.t("I alt", "Total")}, {w.count(c["records"]), "cohort.records"}, {"100 %"}});
  rows.push_back({{w.t("Kræver en fagpersons vurdering", "Requires a professional's review")},
                  {w.count(c["review_required"]), "cohort.review_required"},
                  {w.percent(c["review_share"]), "cohort.review_share"}});
  keyed_table(d, {w.t("Niveau", "Level"), w.t("Antal", "Count"), w.t("Andel", "Share")}, rows);

  Plot p;
  p.id = "plot-distribution";
  p.title = w.t("Fordelingen af sandsynligheder", "The distribution of probabilities");
  p.x_label = w.t("sandsynlighed", "probability");
  p.y_label = w.t("andel af de vurderede", "share of those assessed");
  p.percent_x = p.percent_y = true;
  p.decimal_comma = w.da;
  PlotSeries bars;
  bars.name = w.t("andel", "share");
  bars.style = PlotSeries::Style::Bars;
  double total = 0, top = 0.01;
  for (const auto& b : c["histogram"]) total += b["count"].get<double>();
  for (const auto& b : c["histogram"]) {
    const double s = total > 0 ? b["count"].get<double>() / total : 0;
    top = std::max(top, s);
    bars.points.emplace_back((b["low"].get<double>() + b["high"].get<double>()) / 2, s);
    bars.bar_width = b["high"].get<double>() - b["low"].get<double>();
  }
  p.series.push_back(std::move(bars));
  p.y_max = top * 1.1;
  if (c["training_base_rate"].is_number()) {
    p.markers.push_back({c["training_base_rate"].get<double>(),
                         w.t("basisrate ", "base rate ") + w.percent(c["training_base_rate"])});
  }
  p.caption =
      w.t("Hver søjle er 2 procentpoint bred. Den stiplede linje er basisraten: andelen, "
          "der ikke gennemførte, blandt de unge modellen er trænet på.",
          "Each bar is 2 percentage points wide. The dashed line is the base rate: the "
          "share who did not complete among the young people the model was trained on.");
  d.html(render_svg(p),
         "*" + p.title + "* (" + w.t("se HTML-udgaven", "see the HTML version") + ")");
}

void quality_section(Document& d, const Writer& w, const Json& j) {
  const Json& q = j["quality"];
  d.heading(1, w.t("Modellens kvalitet", "Model quality"));
  if (q.is_null()) {
    d.paragraph(w.t("Formålet har ingen model.", "The purpose has no model."));
    return;
  }
  d.paragraph(q["source"] == "evaluation"
                  ? w.t("Målt på en senere årgang med kendte udfald, som modellen ikke har set: ",
                        "Measured on a later cohort with known outcomes the model never saw: ") +
                        "`" + q["data"].get<std::string>() + "`."
                  : w.t("Modelfilens egen validering (", "The model file's own validation (") +
                        q["data"].get<std::string>() +
                        w.t("). Giv `--evaluate-on` en senere årgang med udfald for kurverne.",
                            "). Give `--evaluate-on` a later cohort with outcomes for the "
                            "curves."));
  keyed_table(
      d, {w.t("Mål", "Measure"), w.t("Værdi", "Value")},
      {{{w.t("rækker med udfald", "rows with an outcome")}, {w.count(q["rows"]), "quality.rows"}},
       {{w.t("andel der ikke gennemførte", "share who did not complete")},
        {w.percent(q["base_rate"]), "quality.base_rate"}},
       {{"ROC AUC"}, {w.num(q["auc"], 3), "quality.auc"}},
       {{w.t("ROC AUC, 95 % interval (DeLong)", "ROC AUC, 95 % interval (DeLong)")},
        {w.num(q["auc_ci95"][0], 3) + "–" + w.num(q["auc_ci95"][1], 3)}},
       {{"PR AUC"}, {w.num(q["pr_auc"], 3), "quality.pr_auc"}},
       {{"Brier"}, {w.num(q["brier"], 4), "quality.brier"}},
       {{w.t("kalibreringsfejl (ECE)", "calibration error (ECE)")},
        {w.num(q["calibration_error"], 4), "quality.calibration_error"}}});
  if (q.contains("roc")) {
    Plot roc;
    roc.id = "plot-roc";
    roc.title = "ROC (AUC " + w.num(q["auc"], 3) + ", 95 % " + w.num(q["auc_ci95"][0], 3) + "–" +
                w.num(q["auc_ci95"][1], 3) + ")";
    roc.x_label = w.t("andel falske positive", "false-positive rate");
    roc.y_label = w.t("andel fundne (sensitivitet)", "true-positive rate (recall)");
    roc.diagonal = true;
    roc.decimal_comma = w.da;
    PlotSeries s;
    s.name = "ROC";
    for (const auto& pt : q["roc"]) {
      s.points.emplace_back(pt["fpr"].get<double>(), pt["tpr"].get<double>());
      s.band.emplace_back(pt["tpr_low"].is_number() ? pt["tpr_low"].get<double>() : 0.0,
                          pt["tpr_high"].is_number() ? pt["tpr_high"].get<double>() : 0.0);
    }
    roc.series.push_back(std::move(s));
    roc.caption =
        w.t("Båndet er et punktvist 95 %-interval for andelen fundne (Wilson); "
            "intervallet i titlen er AUC'ens (DeLong). Den stiplede diagonal er tilfældig "
            "udvælgelse.",
            "The band is a pointwise 95 % interval for the true-positive rate "
            "(Wilson); the interval in the title is the AUC's (DeLong). The dashed "
            "diagonal is selection at random.");
    d.html(render_svg(roc), "*" + roc.title + "*");

    Plot pr;
    pr.id = "plot-pr";
    pr.title = w.t("Præcision og fundne (PR AUC ", "Precision and recall (PR AUC ") +
               w.num(q["pr_auc"], 3) + ")";
    pr.x_label = w.t("andel fundne (recall)", "recall");
    pr.y_label = w.t("præcision", "precision");
    pr.decimal_comma = w.da;
    PlotSeries s2;
    s2.name = "PR";
    for (const auto& pt : q["pr"]) {
      s2.points.emplace_back(pt["recall"].get<double>(), pt["precision"].get<double>());
    }
    pr.series.push_back(std::move(s2));
    pr.caption = w.t("Præcisionen er den andel af de udpegede, der faktisk ikke gennemførte; "
                     "basisraten er præcisionen ved tilfældig udvælgelse: ",
                     "Precision is the share of those selected who did not complete; the base "
                     "rate is the precision of selection at random: ") +
                 w.percent(q["base_rate"]) + ".";
    d.html(render_svg(pr), "*" + pr.title + "*");
  }
  Plot cal;
  cal.id = "plot-calibration";
  cal.title =
      w.t("Kalibrering: forudsagt mod observeret", "Calibration: predicted against observed");
  cal.x_label = w.t("forudsagt sandsynlighed", "predicted probability");
  cal.y_label = w.t("observeret andel", "observed share");
  cal.diagonal = true;
  cal.percent_x = cal.percent_y = true;
  cal.decimal_comma = w.da;
  PlotSeries pts;
  pts.name = w.t("grupper af sandsynligheder", "probability bins");
  pts.style = PlotSeries::Style::Points;
  for (const auto& b : q["reliability"]) {
    pts.points.emplace_back(b["mean_predicted"].get<double>(), b["observed_rate"].get<double>());
    pts.band.emplace_back(b["observed_low"].get<double>(), b["observed_high"].get<double>());
  }
  cal.series.push_back(std::move(pts));
  cal.caption =
      w.t("Hvert punkt er de unge med en sandsynlighed i samme tiendedel; lodrette "
          "streger er 95 %-intervaller (Wilson). På diagonalen passer sandsynlighederne.",
          "Each point is the young people with a probability in the same tenth; "
          "vertical lines are 95 % intervals (Wilson). On the diagonal the probabilities "
          "are right.");
  d.html(render_svg(cal), "*" + cal.title + "*");
  std::vector<std::vector<KeyedCell>> rows;
  for (std::size_t i = 0; i < q["capacity"].size(); ++i) {
    const Json& c = q["capacity"][i];
    const std::string key = "quality.capacity." + std::to_string(i);
    rows.push_back({{w.percent(c["share"], 0)},
                    {w.num(c["threshold"], 3)},
                    {w.num(c["precision"], 3), key + ".precision"},
                    {w.num(c["recall"], 3), key + ".recall"}});
  }
  d.paragraph(w.t("Hvis kommunen kan følge op på de øverste X % (kapacitet):",
                  "If the municipality can follow up on the top X % (capacity):"));
  keyed_table(d,
              {w.t("kapacitet", "capacity"), w.t("tærskel", "threshold"),
               w.t("præcision", "precision"), w.t("andel fundne", "recall")},
              rows);
}

void fairness_section(Document& d, const Writer& w, const Json& j) {
  d.heading(1, w.t("Forskelle mellem grupper", "Differences between groups"));
  if (j["fairness"].empty()) {
    d.paragraph(w.t("Ingen grupper målt (giv `--by` og `--evaluate-on`, eller træn med `--by`).",
                    "No groups measured (give `--by` and `--evaluate-on`, or train with "
                    "`--by`)."));
    return;
  }
  for (std::size_t f = 0; f < j["fairness"].size(); ++f) {
    const Json& g = j["fairness"][f];
    const std::string key = "fairness." + std::to_string(f);
    d.heading(2, g["field"].get<std::string>());
    std::vector<std::vector<KeyedCell>> rows;
    for (const auto& x : g["groups"]) {
      rows.push_back({{x["group"].get<std::string>()},
                      {w.count(x["count"])},
                      {w.percent(x["base_rate"])},
                      {w.percent(x["mean_predicted"])},
                      {w.percent(x["flag_rate"])},
                      {w.num(x["tpr"], 3)},
                      {w.num(x["fpr"], 3)}});
    }
    keyed_table(
        d,
        {w.t("gruppe", "group"), w.t("antal", "count"), w.t("ikke gennemført", "not completed"),
         w.t("forudsagt", "predicted"), w.t("udpeget", "flagged"), w.t("andel fundne (TPR)", "TPR"),
         w.t("falske positive (FPR)", "FPR")},
        rows);
    const auto gap = [&](const char* m, const char* label) -> std::vector<KeyedCell> {
      const double v = g["gaps"][m].get<double>();
      const Json& sd = g["sd"][m];
      return {{label},
              {w.num(g["gaps"][m], 3), key + ".gaps." + m},
              {sd.is_number() ? "± " + w.num(sd, 3) : "–"},
              {sd.is_number() ? w.num(Json(std::max(0.0, v - 1.96 * sd.get<double>())), 3) + "–" +
                                    w.num(Json(v + 1.96 * sd.get<double>()), 3)
                              : "–"}};
    };
    keyed_table(d,
                {w.t("største forskel i", "largest gap in"), w.t("forskel", "gap"),
                 w.t("bootstrap-SD", "bootstrap SD"), w.t("95 % interval", "95 % interval")},
                {gap("flag_rate", w.da ? "andel udpeget" : "flag rate"),
                 gap("tpr", w.da ? "andel fundne (TPR)" : "true-positive rate"),
                 gap("fpr", w.da ? "falske positive (FPR)" : "false-positive rate"),
                 gap("calibration", w.da ? "kalibrering" : "calibration")});
    for (std::size_t k = 0; k < g["gates"].size(); ++k) {
      const Json& gate = g["gates"][k];
      const bool holds = gate["holds"].get<bool>();
      keyed_table(
          d,
          {w.t("kvalitetskrav i reglerne", "quality gate in the rules"), w.t("målt", "measured"),
           w.t("holdt op mod", "compared"), w.t("grænse", "bound"), w.t("resultat", "verdict")},
          {{{gate["gate"].get<std::string>() +
             (gate["confidence"].is_number()
                  ? w.t(" (på intervallets øvre grænse, ", " (on the interval's upper bound, ") +
                        w.num(Json(gate["confidence"].get<double>() * 100), 0) + " %)"
                  : w.t(" (på punktestimatet)", " (on the point estimate)"))},
            {w.num(gate["value"], 3), key + ".gates." + std::to_string(k) + ".value"},
            {w.num(gate["checked"], 3)},
            {w.num(gate["bound"], 3)},
            {holds ? w.t("opfyldt", "met") : w.t("IKKE opfyldt", "NOT met"),
             key + ".gates." + std::to_string(k) + ".holds", holds ? "met" : "breach"}}},
          "gate");
    }
  }
}

void rules_section(Document& d, const Writer& w, const Json& j) {
  d.heading(1, w.t("Reglerne", "The rules"));
  const Json& levels = j["rules_and_model"]["levels"];
  std::vector<std::string> header = {w.t("regel", "rule"), w.t("slog til", "fired"),
                                     w.t("andel", "share")};
  for (std::size_t l = levels.size(); l-- > 0;) {
    header.push_back(w.t("heraf ", "of them ") + levels[l].get<std::string>());
  }
  std::vector<std::vector<KeyedCell>> rows;
  for (std::size_t i = 0; i < j["rules"].size(); ++i) {
    const Json& r = j["rules"][i];
    std::vector<KeyedCell> row = {{r["rule"].get<std::string>()},
                                  {w.count(r["fired"]), "rules." + std::to_string(i) + ".fired"},
                                  {w.percent(r["share"])}};
    for (std::size_t l = levels.size(); l-- > 0;) {
      row.push_back({w.count(r["by_level"][levels[l].get<std::string>()])});
    }
    rows.push_back(std::move(row));
  }
  keyed_table(d, header, rows);
  const Json& rm = j["rules_and_model"];
  d.paragraph(w.t("Regler og model var uenige for ", "Rules and model disagreed for ") +
              w.count(Json(rm["raised_by_rules"].get<std::size_t>() +
                           rm["lowered_by_rules"].get<std::size_t>())) +
              w.t(" af ", " of ") + w.count(rm["with_both"]) +
              w.t(" unge: reglerne hævede niveauet for ",
                  " young people: the rules raised the "
                  "level for ") +
              w.count(rm["raised_by_rules"]) + w.t(" og sænkede det for ", " and lowered it for ") +
              w.count(rm["lowered_by_rules"]) +
              w.t(". Rækker: modellens niveau; kolonner: det endelige.",
                  ". Rows: the model's level; columns: the final one."));
  std::vector<std::string> h2 = {w.t("model \\ endeligt", "model \\ final")};
  for (const auto& l : levels) h2.push_back(l.get<std::string>());
  std::vector<std::vector<KeyedCell>> m;
  for (std::size_t a = 0; a < levels.size(); ++a) {
    std::vector<KeyedCell> row = {{levels[a].get<std::string>()}};
    for (std::size_t b = 0; b < levels.size(); ++b) {
      row.push_back(
          {w.count(rm["model_vs_final"][a][b]),
           "rules_and_model.model_vs_final." + std::to_string(a) + "." + std::to_string(b)});
    }
    m.push_back(std::move(row));
  }
  keyed_table(d, h2, m);
}

constexpr const char* kReportCss = R"(
.card { border: 1px solid var(--line); border-radius: 6px; padding: .8rem 1.1rem; margin: 1rem 0; break-inside: avoid; }
.card header { display: flex; justify-content: space-between; align-items: baseline; gap: 1rem; }
.card h3 { margin: 0; }
.level { padding: .1rem .6rem; border-radius: 1rem; background: #eef2f7; font-weight: 600; }
.level-high { background: #f9e0dc; color: #8a1f11; }
.level-medium { background: #fdf0d5; color: #7a4b00; }
.waterfall td.bar { width: 35%; }
.waterfall td[data-step] { white-space: nowrap; }
.waterfall td.bar span { display: block; height: .8rem; }
.waterfall span.up { background: #c0392b; }
.waterfall span.down { background: #2e8b57; }
.waterfall tr.missing td { color: var(--muted); font-style: italic; }
.waterfall tr.start td, .waterfall tr.end td { font-weight: 600; }
td.breach { color: #8a1f11; font-weight: 700; }
td.met { color: #2e6b3a; }
.note { color: var(--muted); font-size: .9rem; }
.rule { color: var(--muted); font-size: .85rem; }
#find { font: inherit; padding: .3rem .5rem; width: 22rem; max-width: 100%; }
@media print {
  #find, .search { display: none; }
  .card { break-before: page; border: none; }
}
)";

// Filters the cards by pseudonym as the reader types (no network, nothing else).
constexpr const char* kFindScript =
    R"(document.getElementById('find').addEventListener('input', function (e) {
  var q = e.target.value.trim().toLowerCase();
  var cards = document.querySelectorAll('article.card');
  var shown = 0;
  for (var i = 0; i < cards.length; i++) {
    var hit = q === '' || cards[i].dataset.id.toLowerCase().indexOf(q) === 0;
    cards[i].hidden = !hit;
    if (hit) shown++;
  }
  document.getElementById('found').textContent = shown;
});
// A link to report.html#find=PSEUDONYM opens with that card alone.
if (location.hash.indexOf('#find=') === 0) {
  var box = document.getElementById('find');
  box.value = decodeURIComponent(location.hash.slice(6));
  box.dispatchEvent(new Event('input'));
}
)";

}  // namespace

Document report_document(const ReportInputs& in) {
  const Json j = report_json_value(in);
  Writer w;
  w.da = in.language == Language::Danish;
  Document d;
  d.language = in.language;
  d.css = kReportCss;
  d.title = w.t("Rapport: ", "Report: ") + j["purpose_label"].get<std::string>() + " (`" +
            j["purpose"].get<std::string>() + "`)";
  d.paragraph(w.t("Kørsel ", "Run ") + "`" + j["run"].get<std::string>() + "`" +
              w.t(", vurderet pr. ", ", assessed as of ") +
              j["assessment_date"].get<std::string>() +
              (j["replay"].get<bool>() ? w.t(" (genkørsel)", " (a replay)") : "") +
              w.t(". Regelsæt ", ". Rule set ") + "`" +
              j["rules_sha256"].get<std::string>().substr(0, 12) + "…`" +
              (j["model_sha256"].get<std::string>().empty()
                   ? ""
                   : w.t(", model ", ", model ") + "`" +
                         j["model_sha256"].get<std::string>().substr(0, 12) + "…`") +
              ". " +
              w.t("Skøn støtter en fagpersons vurdering og erstatter den aldrig; niveauer og "
                  "sandsynligheder er ikke afgørelser.",
                  "Skøn supports a professional's judgement and never replaces it; levels and "
                  "probabilities are not decisions."));
  cohort_section(d, w, j);
  quality_section(d, w, j);
  fairness_section(d, w, j);
  rules_section(d, w, j);
  if (in.patterns) patterns_section(d, *in.patterns, in.language);

  d.heading(1, w.t("Forklaringskort", "Explanation cards"));
  d.paragraph(
      w.t("Et udvalg af kortene (de første i filen på hvert niveau og blandt dem, der kræver "
          "vurdering); `skon explain` giver kortet for enhver. Hvert kort udskrives på sin egen "
          "side til et møde med den unge.",
          "A sample of the cards (the first in the file at each level and among those requiring "
          "review); `skon explain` gives anyone's card. Each card prints on its own page for a "
          "meeting with the young person."));
  d.html("<p class=\"search\"><label>" + w.t("Find pseudonym: ", "Find pseudonym: ") +
             "<input id=\"find\" type=\"search\" autocomplete=\"off\"></label> <span "
             "id=\"found\">" +
             std::to_string(in.assessments.cards.size()) + "</span>" + w.t(" kort", " cards") +
             "</p>\n",
         "");
  CardContext cx;
  cx.program = in.program;
  cx.purpose = in.purpose;
  cx.model = in.model;
  cx.run = in.assessments.run;
  cx.language = d.language;
  if (in.run.has_model) {
    cx.baseline_log_odds = in.run.baseline_log_odds;
    cx.base_rate = in.run.base_rate;
  }
  for (const std::string& record : in.assessments.cards) {
    d.html(card_html(record, cx), "");
  }
  d.script = kFindScript;
  return d;
}

}  // namespace skon::engine
