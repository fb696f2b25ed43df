// The decision paper (beslutningsoplæg) from `skon compare`: generated from the rules and the
// measurements only, every number traceable to the run that produced it. Structured as a
// fundamental-rights impact assessment (AI Act Art. 27: process and purpose, period and
// frequency, who is affected, specific risks, human oversight, what happens when a risk
// materialises) read through the Dutch IAMA's why / what / how; what the measurements cannot
// answer is asked of the working group, never left out.

#include <cmath>
#include <cstdio>

#include "skon/core/messages.hpp"
#include "skon/core/version.hpp"
#include "skon/documents/compare_document.hpp"
#include "skon/documents/svg_plot.hpp"

namespace skon::engine {

namespace {

struct Paper {
  const dsl::Program& program;
  const CompareResult& r;
  bool da = true;
  Document d;

  std::string t(const char* dk, const char* en) const { return da ? dk : en; }
  std::string num(double v, int digits = 3) const {
    return std::isnan(v) ? "–" : format_fixed(v, digits, da ? Language::Danish : Language::English);
  }
  std::string signed_num(double v) const { return (v >= 0 ? "+" : "−") + num(std::abs(v)); }
  std::string pct(double v, int digits = 0) const { return num(100 * v, digits) + " %"; }
  std::string question(const std::string& q) const {
    return t("**Spørgsmål til arbejdsgruppen:** ", "**Question for the working group:** ") + q;
  }
  const dsl::PurposeInfo& purpose(const ScenarioResult& s) const {
    return program.purposes[program.find_purpose(s.purpose)];
  }
  std::string category(const std::string& c) const {
    if (c == "special") return t("særlig kategori (art. 9)", "special category (Art. 9)");
    if (c == "criminal") return t("strafbare forhold (art. 10)", "criminal offences (Art. 10)");
    if (c == "cpr_number") return t("CPR-nummer", "CPR number");
    return t("almindelig", "ordinary");
  }
  double largest_gap(const ScenarioResult& s) const {
    double g = 0;
    for (const auto& x : s.metrics.groups) g = std::max(g, x.largest());
    return g;
  }

  void decision();
  void side_by_side();
  void scenario(std::size_t i);
  void impact_assessment();
  void traceability();
};

void Paper::decision() {
  d.heading(1, t("Det skal besluttes", "What must be decided"));
  std::vector<std::string> names;
  for (const auto& s : r.scenarios) names.push_back(s.label + " (`" + s.purpose + "`)");
  d.paragraph(
      t("Kommunen skal beslutte, om et af disse scenarier — eller intet — skal støtte "
        "fagpersonernes tidlige opsporing af unge i risiko for ikke at gennemføre en "
        "ungdomsuddannelse, og på hvilke betingelser:",
        "The municipality must decide whether one of these scenarios — or none — is to "
        "support professionals in finding young people at risk of not completing an "
        "upper-secondary education early, and on what conditions:"));
  d.list(names);
  d.paragraph(
      t("Tallene er målt af Skøn på historiske data med kendte udfald og hvert scenarie "
        "trænet på de samme år; usikkerheden står ved hvert tal. Skøn støtter en "
        "fagpersons vurdering og erstatter den aldrig.",
        "The figures were measured by Skøn on historical data with known outcomes, each "
        "scenario trained on the same years; the uncertainty stands beside each figure. "
        "Skøn supports a professional's judgement and never replaces it."));
  d.list({question(t("Er gevinsten ved det udvidede datagrundlag stor nok til at opveje den "
                     "etiske og juridiske pris, der er beskrevet under hvert scenarie?",
                     "Is the gain from the extended data large enough to outweigh the ethical "
                     "and legal cost described under each scenario?")),
          question(t("Hvor mange unge kan kommunen følge op på (kapaciteten)? Tallene nedenfor "
                     "antager ",
                     "How many young people can the municipality follow up on (the capacity)? "
                     "The figures below assume ") +
                   pct(r.capacity) + ".")});
}

void Paper::side_by_side() {
  d.heading(1, t("Scenarierne side om side", "The scenarios side by side"));
  std::vector<std::vector<KeyedCell>> keyed;
  for (std::size_t i = 0; i < r.scenarios.size(); ++i) {
    const ScenarioResult& s = r.scenarios[i];
    const auto& m = s.metrics;
    const std::string key = "scenarios." + std::to_string(i) + ".";
    std::size_t special = 0, closed = 0;
    for (const auto& c : s.sources) {
      special += c.category != "ordinary" ? 1 : 0;
      closed += c.roles_without.empty() ? 0 : 1;
    }
    double gap_sd = 0;
    for (const auto& g : m.groups) {
      if (g.largest() == largest_gap(s)) gap_sd = g.sd_largest;
    }
    keyed.push_back(
        {{s.label + " (`" + s.purpose + "`)"},
         {num(m.auc), key + "auc"},
         {num(m.auc_ci_low) + "–" + num(m.auc_ci_high)},
         {num(m.capacity_recall, 2), key + "capacity.recall"},
         {std::isnan(s.recall_low) ? "–" : num(s.recall_low, 2) + "–" + num(s.recall_high, 2)},
         {num(m.capacity_precision, 2), key + "capacity.precision"},
         {num(m.calibration_error, 4), key + "calibration_error"},
         {num(largest_gap(s)) + (gap_sd > 0 ? " ± " + num(gap_sd) : "")},
         {std::to_string(s.sources.size()) + t(" kilder, ", " sources, ") +
          std::to_string(special) + t(" af særlig kategori, ", " special category, ") +
          std::to_string(closed) + t(" uden adgang i dag, ", " without access today, ") +
          std::to_string(s.protected_features.size()) +
          t(" beskyttede oplysninger", " protected features")}});
  }
  keyed_table(
      d,
      {t("scenarie", "scenario"), "AUC", t("95 %-interval", "95 % interval"),
       t("andel fundne ved kapaciteten", "recall at the capacity"),
       t("95 %-interval", "95 % interval"), t("præcision", "precision"),
       t("kalibreringsfejl", "calibration error"), t("største gruppeforskel", "largest group gap"),
       t("etisk og juridisk pris", "ethical and legal cost")},
      keyed);
  std::vector<std::vector<std::string>> rows;
  // Per 1,000 young people: what following up on the capacity finds and misses.
  rows.clear();
  for (const ScenarioResult& s : r.scenarios) {
    const auto& m = s.metrics;
    const double base =
        s.rows > 0 && s.positives > 0 ? s.positives / static_cast<double>(s.rows) : std::nan("");
    const double found = 1000 * base * m.capacity_recall;
    rows.push_back({s.purpose, num(1000 * r.capacity, 0), num(1000 * base, 0), num(found, 0),
                    num(1000 * base - found, 0), num(1000 * r.capacity - found, 0)});
  }
  d.paragraph(t("Pr. 1.000 unge, hvis kommunen følger op på de ",
                "Per 1,000 young people, if the municipality follows up on the ") +
              pct(r.capacity) +
              t(" med den højeste sandsynlighed:", " with the highest probability:"));
  d.table({t("scenarie", "scenario"), t("fulgt op", "followed up"),
           t("gennemfører ikke", "will not complete"), t("fundet", "found"),
           t("ikke fundet", "missed"), t("fulgt op uden behov", "followed up without need")},
          rows);
  if (!r.holdout.empty()) {
    Plot p;
    p.id = "plot-auc";
    p.title = t("AUC med 95 %-interval pr. scenarie", "AUC with 95 % interval per scenario");
    p.x_label = t("scenarie (nummer i tabellen)", "scenario (number in the table)");
    p.y_label = "AUC";
    p.decimal_comma = da;
    p.x_min = 0.5;
    for (std::size_t i = 0; i < r.scenarios.size(); ++i)
      p.x_ticks.push_back(static_cast<double>(i + 1));
    p.x_max = static_cast<double>(r.scenarios.size()) + 0.5;
    p.y_min = 1, p.y_max = 0;
    PlotSeries s;
    s.name = "AUC";
    s.style = PlotSeries::Style::Points;
    for (std::size_t i = 0; i < r.scenarios.size(); ++i) {
      const auto& m = r.scenarios[i].metrics;
      s.points.emplace_back(static_cast<double>(i + 1), m.auc);
      s.band.emplace_back(m.auc_ci_low, m.auc_ci_high);
      p.y_min = std::min(p.y_min, m.auc_ci_low);
      p.y_max = std::max(p.y_max, m.auc_ci_high);
    }
    p.y_min = std::floor(p.y_min * 50 - 1) / 50;
    p.y_max = std::ceil(p.y_max * 50 + 1) / 50;
    p.series.push_back(std::move(s));
    p.caption = t("Målt på de samme unge: ", "Measured on the same young people: ") + r.holdout;
    d.html(render_svg(p), "*" + p.title + "*");
  }
}

void Paper::scenario(std::size_t i) {
  const ScenarioResult& s = r.scenarios[i];
  const dsl::PurposeInfo& p = purpose(s);
  const auto& m = s.metrics;
  d.heading(1, t("Scenarie ", "Scenario ") + std::to_string(i + 1) + ": " + s.label + " (`" +
                   s.purpose + "`)");
  d.heading(2, t("Hvad det bruger", "What it uses"));
  std::vector<std::vector<std::string>> rows;
  for (const SourceCost& c : s.sources) {
    std::string fields;
    for (const auto& f : c.fields) fields += (fields.empty() ? "" : ", ") + ("`" + f + "`");
    std::string access =
        c.roles_without.empty() ? t("ja", "yes") : t("**nej** for ", "**no** for ");
    for (std::size_t k = 0; k < c.roles_without.size(); ++k) {
      access += (k ? ", " : "") + ("`" + c.roles_without[k] + "`");
    }
    rows.push_back({c.label + " (`" + c.source + "`)", category(c.category),
                    c.legal_basis.empty() ? t("**ikke angivet**", "**not stated**") : c.legal_basis,
                    fields, access,
                    c.justification.empty() ? "–" : c.justification + " (" + c.justified_at + ")"});
  }
  d.table({t("kilde", "source"), t("kategori", "category"), t("hjemmel", "legal basis"),
           t("felter", "fields"), t("adgang i dag", "accessible today"),
           t("begrundelse i reglerne", "justification in the rules")},
          rows);

  d.heading(2, t("Hvad det giver", "What it gains"));
  std::string gains =
      t("AUC ", "AUC ") + num(m.auc) + t(" (95 %-interval ", " (95 % interval ") +
      num(m.auc_ci_low) + "–" + num(m.auc_ci_high) +
      t(", DeLong), målt på ", ", DeLong), measured on ") + std::to_string(s.rows) +
      t(" unge i ", " young people in ") + "`" + s.measured_on + "`. " +
      t("Ved at følge op på ", "Following up on ") + pct(r.capacity) + t(" findes ", " finds ") +
      pct(m.capacity_recall) +
      t(" af dem, der ikke gennemfører", " of those who will not complete") +
      (std::isnan(s.recall_low) ? ""
                                : " (95 %: " + pct(s.recall_low) + "–" + pct(s.recall_high) + ")") +
      t("; præcisionen er ", "; the precision is ") + pct(m.capacity_precision) + ".";
  if (i > 0 && r.against_first[i]) {
    const auto& a = *r.against_first[i];
    gains += t(" Mod scenarie 1 på de samme unge: AUC ",
               " Against scenario 1 on the same young "
               "people: AUC ") +
             signed_num(a.difference) + " (95 %: " + signed_num(a.ci_low) + t(" til ", " to ") +
             signed_num(a.ci_high) + t(", parret DeLong)", ", paired DeLong)") +
             (a.ci_low > 0    ? t(" — en målbar forbedring.", " — a measurable improvement.")
              : a.ci_high < 0 ? t(" — en målbar forringelse.", " — a measurable loss.")
                              : t(" — intervallet rummer 0: ingen sikker forskel.",
                                  " — the interval holds 0: no certain difference."));
  }
  d.paragraph(gains);
  rows.clear();
  for (const auto& g : m.groups) {
    rows.push_back({"`" + g.field + "`", num(g.gap_flag_rate), num(g.gap_tpr), num(g.gap_fpr),
                    num(g.largest()) + " ± " + num(g.sd_largest)});
  }
  if (!rows.empty()) {
    d.table({t("gruppe", "group"), t("forskel i andel udpeget", "flag-rate gap"),
             t("i andel fundne", "TPR gap"), t("i falske positive", "FPR gap"),
             t("største (± bootstrap-SD)", "largest (± bootstrap SD)")},
            rows);
  }
  rows.clear();
  for (const auto& [v, gate] : s.gates) {
    rows.push_back({"`" + v.name + (gate.at_least ? " >= " : " <= ") + num(gate.bound) + "`",
                    v.measured ? num(v.value) : t("ikke målt", "not measured"),
                    !v.measured ? "–"
                    : v.holds   ? t("opfyldt", "met")
                                : t("**IKKE opfyldt**", "**NOT met**")});
  }
  if (!rows.empty()) {
    d.table({t("kvalitetskrav i reglerne", "quality gate in the rules"), t("målt", "measured"),
             t("resultat", "verdict")},
            rows);
  }

  d.heading(2, t("Hvad det koster etisk og juridisk", "What it costs ethically and legally"));
  std::vector<std::string> costs;
  for (const SourceCost& c : s.sources) {
    if (c.category != "ordinary") {
      costs.push_back(c.label + ": " + category(c.category) +
                      t(" — kræver hjemmel efter databeskyttelsesforordningen art. 9/10 og "
                        "databeskyttelseslovens regler; angivet hjemmel: ",
                        " — needs a basis under GDPR Art. 9/10 and the Danish Data Protection "
                        "Act; the basis stated: ") +
                      (c.legal_basis.empty() ? t("**ingen**", "**none**") : c.legal_basis));
    }
    if (!c.roles_without.empty()) {
      costs.push_back(c.label + t(": formålets roller har ikke adgang i dag — det kræver en ny "
                                  "aftale eller hjemmel for videregivelse",
                                  ": the purpose's roles have no access today — it needs a new "
                                  "agreement or basis for disclosure"));
    }
  }
  for (const auto& pf : s.protected_features) {
    costs.push_back(
        t("Beskyttet oplysning `", "Protected feature `") + pf.field + "` (" + pf.label + ")" +
        (pf.justification.empty() ? t(" — uden begrundelse", " — without a justification")
                                  : t(" — begrundet: „", " — justified: \"") + pf.justification +
                                        t("“ (", "\" (") + pf.justified_at + ")"));
  }
  const double base = s.rows > 0 ? s.positives / static_cast<double>(s.rows) : std::nan("");
  costs.push_back(t("Unge, der følges op uden at have behov (falske positive): ",
                    "Young people followed up without need (false positives): ") +
                  num(1000 * (r.capacity - base * m.capacity_recall), 0) +
                  t(" pr. 1.000 ved kapaciteten.", " per 1,000 at the capacity."));
  if (costs.size() == 1) {
    costs.insert(costs.begin(), t("Kun almindelige oplysninger, som formålets roller har adgang "
                                  "til i dag.",
                                  "Only ordinary data the purpose's roles can access today."));
  }
  d.list(costs);

  if (!s.ablations.empty()) {
    d.heading(2, t("Hvad hver kilde bidrager med", "What each source adds"));
    d.paragraph(
        t("Scenariet trænet igen uden én kilde ad gangen og målt på de samme unge. En "
          "negativ forskel er, hvad kilden bidrager med; rummer intervallet 0, bidrager "
          "den ikke målbart.",
          "The scenario trained again without one source at a time and measured on the "
          "same young people. A negative difference is what the source adds; when the "
          "interval holds 0, it adds nothing measurable."));
    std::vector<std::vector<KeyedCell>> ablated;
    for (std::size_t k = 0; k < s.ablations.size(); ++k) {
      const Ablation& a = s.ablations[k];
      const std::string key =
          "scenarios." + std::to_string(i) + ".ablation." + std::to_string(k) + ".";
      ablated.push_back(
          {{"`" + a.source + "`"},
           {signed_num(a.auc.difference), key + "auc_difference"},
           {signed_num(a.auc.ci_low) + t(" til ", " to ") + signed_num(a.auc.ci_high)},
           {signed_num(a.recall_difference), key + "recall_difference"},
           {std::to_string(a.level_changes), key + "level_changes"}});
    }
    keyed_table(
        d,
        {t("uden kilden", "without the source"), t("AUC-forskel", "AUC difference"),
         t("95 %-interval", "95 % interval"), t("forskel i andel fundne", "recall difference"),
         t("unge, hvis niveau skifter", "young people whose level changes")},
        ablated);
  }
  d.heading(2, t("Anvendelse", "Use"));
  std::vector<std::string> use = {
      t("Formål: ", "Purpose: ") + s.label +
      (p.legal_reference
           ? t("; national hjemmel: ", "; national basis: ") + *p.legal_reference
           : t("; national hjemmel: **ikke angivet**", "; national basis: **not stated**"))};
  if (p.not_for) use.push_back(t("Må ikke bruges til: ", "Must not be used for: ") + *p.not_for);
  use.push_back(
      question(t("Hvilke af kommunens anvendelsestilfælde (docs/use-cases.md) skal "
                 "scenariet understøtte, og hvem i organisationen bruger det?",
                 "Which of the municipality's use-cases (docs/use-cases.md) is the "
                 "scenario to serve, and who in the organisation uses it?")));
  d.list(use);
}

void Paper::impact_assessment() {
  d.heading(1, t("Konsekvensanalyse for grundlæggende rettigheder",
                 "Fundamental-rights impact assessment"));
  d.paragraph(
      t("Opbygget som AI-forordningens art. 27 (a–f); Hvorfor / Hvad / Hvordan som den "
        "hollandske IAMA; data, beslutning og afbødning som Canadas Algorithmic Impact "
        "Assessment spørger til. Det, Skøn kan udfylde fra reglerne og målingerne, står her; "
        "resten er spørgsmål til arbejdsgruppen.",
        "Structured as the AI Act's Art. 27 (a–f); Why / What / How as the Dutch IAMA; data, "
        "decision and mitigation as Canada's Algorithmic Impact Assessment asks. "
        "What Skøn can fill from the rules and the measurements stands here; the rest are "
        "questions for the working group."));
  const ScenarioResult& first = r.scenarios.front();
  const dsl::PurposeInfo& p = purpose(first);
  d.heading(2, t("a) Processen og formålet (Hvorfor)", "a) The process and its purpose (Why)"));
  std::vector<std::string> a;
  for (const ScenarioResult& s : r.scenarios) {
    const dsl::PurposeInfo& q = purpose(s);
    a.push_back(
        "`" + s.purpose + "`: " + s.label + (q.owner ? t("; ejer: ", "; owner: ") + *q.owner : "") +
        (q.gdpr_basis
             ? t("; behandlingsgrundlag: ", "; GDPR basis: ") + *q.gdpr_basis
             : t("; behandlingsgrundlag: **ikke angivet**", "; GDPR basis: **not stated**")));
  }
  a.push_back(
      question(t("Hvilket problem skal løses, og hvorfor er en algoritmisk støtte "
                 "nødvendig frem for den nuværende praksis?",
                 "Which problem is to be solved, and why is algorithmic support needed "
                 "rather than current practice?")));
  d.list(a);
  d.heading(2, t("b) Periode og hyppighed", "b) Period and frequency"));
  d.list({(p.effective_to ? t("Reglerne gælder i en fastsat periode (se `skon doc`).",
                              "The rules apply for a set period (see `skon doc`).")
                          : t("Reglerne angiver ingen periode.", "The rules state no period.")),
          question(t("Hvor ofte skal vurderingerne køres (fx én gang pr. halvår i 8. og 9. "
                     "klasse), og hvornår skal scenariet revurderes?",
                     "How often are the assessments to run (e.g. once per half-year in grades "
                     "8 and 9), and when is the scenario to be reassessed?"))});
  d.heading(2, t("c) Hvem berøres (Hvad)", "c) Who is affected (What)"));
  d.list({t("Unge i kommunens målgruppe og deres forældre; målt på ",
            "Young people in the municipality's target group and their parents; measured on ") +
              std::to_string(first.rows) + t(" unge.", " young people."),
          question(t("Er der grupper, der er særligt sårbare (fx unge med handicap, nyankomne), "
                     "og er de repræsenteret i data?",
                     "Are there groups that are particularly vulnerable (e.g. young people with "
                     "disabilities, newcomers), and are they represented in the data?"))});
  d.heading(2, t("d) Specifikke risici for skade", "d) Specific risks of harm"));
  std::vector<std::string> risks;
  for (const ScenarioResult& s : r.scenarios) {
    for (const auto& g : s.metrics.groups) {
      risks.push_back("`" + s.purpose + "`: " +
                      t("største forskel mellem grupper af `", "largest gap between groups of `") +
                      g.field + "` " + num(g.largest()) + " ± " + num(g.sd_largest) +
                      t(" (andel udpeget, fundne, falske positive eller kalibrering)",
                        " (flag rate, TPR, FPR or calibration)"));
    }
  }
  risks.push_back(
      t("Stigmatisering af unge, der udpeges uden behov, og overset risiko hos dem, "
        "der ikke udpeges (tallene pr. 1.000 ovenfor).",
        "Stigma for young people selected without need, and overlooked risk among "
        "those not selected (the figures per 1,000 above)."));
  risks.push_back(
      question(t("Hvordan informeres de unge og forældrene (art. 13–14), og hvordan "
                 "kan de gøre indsigelse (art. 21)?",
                 "How are the young people and parents informed (Art. 13–14), and "
                 "how can they object (Art. 21)?")));
  d.list(risks);
  d.heading(2, t("e) Menneskeligt tilsyn (Hvordan)", "e) Human oversight (How)"));
  std::vector<std::string> oversight;
  for (const ScenarioResult& s : r.scenarios) {
    const dsl::PurposeInfo& q = purpose(s);
    std::string approvers;
    for (dsl::Index a2 : q.approvers)
      approvers += (approvers.empty() ? "" : ", ") + program.roles[a2];
    oversight.push_back(
        "`" + s.purpose + "`: " + std::to_string(q.reviews.size()) +
        t(" regler om, hvornår en fagperson skal vurdere",
          " rules on when a professional must review") +
        (approvers.empty() ? ""
                           : t("; kræver godkendelse af ", "; requires approval by ") + approvers));
  }
  oversight.push_back(
      t("Hver vurdering og hver faglig beslutning logges i en hash-kædet "
        "revisionslog; `skon monitor` advarer, når fagpersonerne er enige i "
        "næsten alt (automatiseringsbias, art. 14, stk. 4, litra b).",
        "Every assessment and every professional decision is logged in a "
        "hash-chained audit log; `skon monitor` warns when professionals agree "
        "with nearly everything (automation bias, Art. 14(4)(b))."));
  oversight.push_back(
      question(t("Hvem vurderer, med hvilken uddannelse og tid, og hvordan "
                 "dokumenteres uenighed?",
                 "Who reviews, with what training and time, and how is "
                 "disagreement documented?")));
  d.list(oversight);
  d.heading(2, t("f) Når en risiko indtræffer", "f) When a risk materialises"));
  d.list({t("`skon monitor` på hver ny årgang: afvigelser ud over tilfældighed, kalibrering og "
            "formålets kvalitetskrav; exit 1 ved brud. Et formål kan suspenderes i reglerne "
            "(`suspended`), og vurderinger afvises så, før data læses.",
            "`skon monitor` on every new cohort: drift beyond chance, calibration and the "
            "purpose's quality gates; exit 1 on a breach. A purpose can be suspended in the "
            "rules (`suspended`), and assessments are then refused before any data is read."),
          question(t("Hvem har ansvaret for at suspendere, og hvordan klager en ung eller en "
                     "forælder?",
                     "Who is responsible for suspending, and how does a young person or a "
                     "parent complain?"))});
}

void Paper::traceability() {
  d.heading(1, t("Sporbarhed", "Traceability"));
  d.paragraph(t("Hvert tal ovenfor er målt af ", "Every figure above was measured by ") + "skon " +
              std::string(version()) +
              t(" på disse filer; `skon compare` med de samme filer giver de samme tal.",
                " on these files; `skon compare` with the same files gives the same figures."));
  std::vector<std::vector<std::string>> rows = {
      {t("historik (træning)", "history (training)"), "`" + r.history + "`",
       "`" + r.history_sha256 + "`"},
      {t("regelsæt", "rule set"), "", "`" + r.rules_sha256 + "`"}};
  if (!r.holdout.empty()) {
    rows.insert(rows.begin() + 1, {t("senere årgang (måling)", "later cohort (measurement)"),
                                   "`" + r.holdout + "`", "`" + r.holdout_sha256 + "`"});
  }
  for (const ScenarioResult& s : r.scenarios) {
    rows.push_back({t("model for ", "model for ") + "`" + s.purpose + "`",
                    t("trænet i kørslen", "trained in the run"), "`" + s.model_sha256 + "`"});
  }
  d.table({t("hvad", "what"), t("fil", "file"), "SHA-256"}, rows);
}

}  // namespace

Document decision_paper(const dsl::Program& program, const CompareResult& result,
                        Language language) {
  Paper paper{program, result, language == Language::Danish, {}};
  Document& d = paper.d;
  d.language = language;
  std::string names;
  for (const auto& s : result.scenarios) names += (names.empty() ? "" : " / ") + s.label;
  d.title = paper.t("Beslutningsoplæg: ", "Decision paper: ") + names;
  paper.decision();
  paper.side_by_side();
  for (std::size_t i = 0; i < result.scenarios.size(); ++i) paper.scenario(i);
  paper.impact_assessment();
  paper.traceability();
  return std::move(paper.d);
}

}  // namespace skon::engine
