#include "skon/documents/rule_document.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

#include "skon/base/date.hpp"
#include "skon/core/provenance.hpp"
#include "skon/dsl/format.hpp"

namespace skon::engine {
namespace {

using dsl::Index;
using dsl::kNone;
using dsl::Program;
using dsl::PurposeInfo;

// An author's text as running prose: the line breaks of a wrapped triple-quoted text become
// spaces; a blank line stays a paragraph break.
std::string prose(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\n') {
      out += text[i];
      continue;
    }
    std::size_t breaks = 0, j = i;  // the run of blanks and line breaks starting here
    for (; j < text.size() && (text[j] == ' ' || text[j] == '\n'); ++j) breaks += text[j] == '\n';
    out += breaks > 1 ? "\n" : " ";
    i = j - 1;
  }
  return out;
}

class Writer {
 public:
  Writer(const Program& p, const RuleDocOptions& o)
      : p_(p), o_(o), da_(o.language == Language::Danish), files_(rule_file_names(p)) {
    for (const auto& m : p_.modules) {
      for (const auto& d : m.decls) {
        if (const auto* r = std::get_if<dsl::ast::RoleDecl>(&d); r != nullptr && r->label) {
          role_labels_[r->name.name] = r->label->value;
        }
      }
    }
  }

  Document build();

 private:
  // The text in the document's language.
  std::string t(const char* da, const char* en) const { return da_ ? da : en; }

  std::string to_confirm() const {
    return t("skal bekræftes af kommunens jurist",
             "to be confirmed by the municipality's legal team");
  }

  std::string where(const dsl::Span& s) const {
    const auto& file = p_.sources.file(s.file);
    return files_[s.file] + ":" + std::to_string(file.line_col(s.begin).line);
  }

  std::string role(Index r) const {
    const std::string& name = p_.roles[r];
    const auto it = role_labels_.find(name);
    return it == role_labels_.end() ? "`" + name + "`" : it->second + " (`" + name + "`)";
  }

  std::string roles(const std::vector<Index>& ids) const {
    std::string out;
    for (Index r : ids) out += (out.empty() ? "" : ", ") + role(r);
    return out.empty() ? "—" : out;
  }

  std::string category(dsl::DataCategory c) const {
    switch (c) {
      case dsl::DataCategory::Ordinary:
        return t("almindelige personoplysninger (art. 6)", "ordinary personal data (Art. 6)");
      case dsl::DataCategory::Special:
        return t("**særlige kategorier (art. 9)**", "**special categories (Art. 9)**");
      case dsl::DataCategory::Criminal:
        return t("**strafbare forhold (art. 10)**", "**criminal offences (Art. 10)**");
      case dsl::DataCategory::CprNumber:
        return t("CPR-nummer (databeskyttelsesloven § 11)",
                 "CPR number (Danish Data Protection Act § 11)");
    }
    return "";
  }

  static std::string number(double v) {
    char b[32];
    std::snprintf(b, sizeof b, "%g", v);
    return b;
  }

  std::string field_kind(const dsl::FieldInfo& f) const {
    std::string s = dsl::to_string(f.type);
    if (!f.levels.empty()) {
      std::string values;
      for (const auto& l : f.levels) values += (values.empty() ? "" : ", ") + l;
      s += " {" + values + "}";
    }
    if (f.low || f.high) {
      s += " " + (f.low ? number(*f.low) : "") + ".." + (f.high ? number(*f.high) : "");
    }
    if (!f.unit.empty()) s += " " + f.unit;
    return s;
  }

  std::string status(const PurposeInfo& q) const {
    if (q.suspended) return t("**suspenderet**: ", "**suspended**: ") + *q.suspended;
    if (q.effective_from && o_.today < *q.effective_from) {
      return t("endnu ikke i kraft (fra ", "not yet in effect (from ") +
             base::format_iso_date(*q.effective_from) + ")";
    }
    if (q.effective_to && o_.today > *q.effective_to) {
      return t("**ophørt** ", "**ended** ") + base::format_iso_date(*q.effective_to);
    }
    return t("i kraft", "in effect");
  }

  void header(Document& d);
  void sources(Document& d);
  void purpose(Document& d, Index pi);
  void rules(Document& d, const PurposeInfo& q);
  void dpia(Document& d);
  void duties(Document& d);

  const Program& p_;
  const RuleDocOptions& o_;
  bool da_;
  std::vector<std::string> files_;
  std::map<std::string, std::string> role_labels_;
};

void Writer::header(Document& d) {
  d.paragraph(
      t("Dette dokument er dannet af regelfilerne selv (`skon doc`) og siger, hvad reglerne "
        "gør — ikke om de er lovlige. Det, der er markeret „skal bekræftes af kommunens "
        "jurist“, kan Skøn ikke afgøre ud fra reglerne.",
        "This document is generated from the rule files themselves (`skon doc`) and says "
        "what the rules do — not whether they are lawful. What is marked \"to be confirmed "
        "by the municipality's legal team\" cannot be settled from the rules."));
  d.table({t("regelsæt", "rule set"), "SHA-256"},
          {{t("hele regelsættet", "the whole rule set"), "`" + rules_sha256(p_) + "`"}});
  std::vector<std::vector<std::string>> rows;
  for (const RuleFile& f : rule_files(p_))
    rows.push_back({"`" + f.name + "`", "`" + f.sha256 + "`"});
  d.table({t("fil", "file"), "SHA-256"}, rows);
  d.paragraph(t("Status pr. ", "Status as of ") + base::format_iso_date(o_.today) + ".");
  if (!o_.with_approvals) {
    d.paragraph(t("Godkendelser: ikke vist (giv revisionsloggen med `--audit`).",
                  "Approvals: not shown (give the audit log with `--audit`)."));
    return;
  }
  d.heading(2, t("Godkendelser af netop denne version", "Approvals of exactly this version"));
  if (o_.approvals.empty()) {
    d.paragraph(
        t("Revisionsloggen ", "The audit log ") + "`" + o_.audit_path + "`" +
        t(" har ingen godkendelse af dette regelsæt.", " holds no approval of this rule set."));
    return;
  }
  rows.clear();
  for (const DocApproval& a : o_.approvals) {
    rows.push_back({"`" + a.purpose + "`", "`" + a.role + "`", a.by, a.time,
                    a.model_sha256.empty() ? "—" : "`" + a.model_sha256.substr(0, 16) + "…`",
                    a.note});
  }
  d.table({t("formål", "purpose"), t("rolle", "role"), t("godkendt af", "approved by"),
           t("tidspunkt", "time"), t("model", "model"), t("note", "note")},
          rows);
}

void Writer::sources(Document& d) {
  d.heading(1, t("Formål og kilder", "Purposes and sources"));
  d.paragraph(
      t("Hvilke kilder hvert formål må bruge (✓), med kildens kategori efter "
        "databeskyttelsesforordningen.",
        "Which sources each purpose may use (✓), with the source's category under the "
        "GDPR."));
  std::vector<std::string> head = {t("kilde", "source"), t("kategori", "category")};
  for (const auto& q : p_.purposes) head.push_back("`" + q.name + "`");
  std::vector<std::vector<std::string>> rows;
  for (Index s = 0; s < p_.source_infos.size(); ++s) {
    const dsl::SourceInfo& src = p_.source_infos[s];
    std::vector<std::string> row = {"`" + src.name + "` " + src.label, category(src.category)};
    for (const auto& q : p_.purposes) row.push_back(q.allows_source(s) ? "✓" : "");
    rows.push_back(row);
  }
  d.table(head, rows);
  d.heading(2, t("Kilderne", "The sources"));
  rows.clear();
  for (const dsl::SourceInfo& src : p_.source_infos) {
    rows.push_back({"`" + src.name + "` " + src.label, src.holder, category(src.category),
                    src.legal_basis ? *src.legal_basis : t("ikke angivet", "not stated"),
                    roles(src.accessible_to)});
  }
  d.table({t("kilde", "source"), t("dataansvarlig enhed", "holder"), t("kategori", "category"),
           t("hjemmel", "legal basis"), t("adgang i dag", "accessible today to")},
          rows);
}

void Writer::purpose(Document& d, Index pi) {
  const PurposeInfo& q = p_.purposes[pi];
  d.heading(1, t("Formål: ", "Purpose: ") + q.label + " (`" + q.name + "`)");
  const std::string unstated = t("ikke angivet", "not stated");
  std::vector<std::vector<std::string>> facts = {
      {t("til", "for"), q.label},
      {t("ikke til", "not for"), q.not_for ? prose(*q.not_for) : unstated},
      {t("sandsynligheden er for", "the probability is of"),
       q.predicts ? prose(*q.predicts) : unstated},
      {t("ansvarlig", "owner"), q.owner ? *q.owner : unstated},
      {t("godkendt (ifølge reglerne)", "approved (as the rules say)"),
       q.approved_by ? *q.approved_by : unstated},
      {t("national hjemmel", "national act"),
       (q.legal_reference ? *q.legal_reference : unstated) + " — " + to_confirm()},
      {t("behandlingsgrundlag (GDPR art. 6)", "lawful basis (GDPR Art. 6)"),
       q.gdpr_basis ? *q.gdpr_basis + " — " + to_confirm()
                    : t("**ikke angivet** — skal angives og bekræftes af kommunens jurist",
                        "**not stated** — to be stated and confirmed by the municipality's legal "
                        "team")},
      {t("gyldighedsperiode", "effective period"),
       q.effective_from ? base::format_iso_date(*q.effective_from) + " – " +
                              (q.effective_to ? base::format_iso_date(*q.effective_to)
                                              : t("uden slutdato", "open-ended"))
                        : t("**ingen** (gælder altid)", "**none** (always in effect)")},
      {t("status", "status"), status(q)},
      {t("roller, der bruger vurderingen", "roles who use the assessment"), roles(q.roles)},
      {t("kræver godkendelse af", "requires approval by"),
       q.approvers.empty() ? t("ingen", "nobody") : roles(q.approvers)},
      {t("revisionsloggen gemmer vurderinger i", "the audit log keeps assessments for"),
       std::to_string(q.retention_months) + t(" måneder", " months")},
  };
  if (q.score_field != kNone) {
    facts.push_back({t("score", "score"), t("fra feltet ", "from the field ") + "`" +
                                              p_.fields[q.score_field].name + "`"});
  } else if (!q.features.empty()) {
    facts.push_back({t("model", "model"),
                     (q.model_path ? "`" + *q.model_path + "`" : unstated) +
                         (q.model_sha256 ? t(", fastlåst til SHA-256 ", ", pinned to SHA-256 ") +
                                               "`" + *q.model_sha256 + "`"
                                         : t(" (ikke fastlåst)", " (not pinned)"))});
  }
  d.table({t("", ""), ""}, facts);

  // Sources, with whether the purpose's roles can reach them today.
  d.heading(2, t("Kilder", "Sources"));
  std::vector<std::vector<std::string>> rows;
  for (Index s : q.sources) {
    const dsl::SourceInfo& src = p_.source_infos[s];
    std::vector<Index> without;
    for (Index r : q.roles) {
      if (std::find(src.accessible_to.begin(), src.accessible_to.end(), r) ==
          src.accessible_to.end()) {
        without.push_back(r);
      }
    }
    std::string access = without.empty() ? t("ja, alle formålets roller", "yes, all its roles")
                                         : t("**nej** for ", "**no** for ") + roles(without);
    const auto j = q.justifications.find(src.name);
    if (j != q.justifications.end()) {
      access += t("; begrundet: „", "; justified: \"") + j->second.text + t("“ (", "\" (") +
                where(j->second.span) + ")";
    }
    rows.push_back({"`" + src.name + "` " + src.label, category(src.category),
                    src.legal_basis ? *src.legal_basis : t("ikke angivet", "not stated"), access});
  }
  d.table({t("kilde", "source"), t("kategori", "category"), t("hjemmel", "legal basis"),
           t("har rollerne adgang i dag?", "do its roles have access today?")},
          rows);

  // Fields read, by whom.
  d.heading(2, t("Felter, der læses", "Fields read"));
  rows.clear();
  for (Index f : q.fields_read) {
    const dsl::FieldInfo& field = p_.fields[f];
    std::string by;
    if (std::find(q.features.begin(), q.features.end(), f) != q.features.end()) {
      by = t("modellen", "the model");
    }
    for (Index r : q.rules) {
      const auto& read = p_.rules[r].fields_read;
      if (std::find(read.begin(), read.end(), f) != read.end()) {
        by += (by.empty() ? "" : ", ") + ("`" + p_.rules[r].name + "`");
      }
    }
    if (q.score_field == f) by += (by.empty() ? "" : ", ") + t("scoren", "the score");
    if (by.empty()) by = t("revisionsudløsere", "review triggers");
    std::string consent = "—";
    if (field.requires_field != kNone) {
      consent = t("kun med samtykke (`", "only with consent (`") +
                p_.fields[field.requires_field].name + "`)";
    }
    rows.push_back({"`" + field.name + "` " + field.label, field_kind(field),
                    "`" + p_.source_infos[field.source].name + "`", consent, by});
  }
  d.table({t("felt", "field"), t("type", "type"), t("kilde", "source"), t("samtykke", "consent"),
           t("læses af", "read by")},
          rows);

  // Protected fields used, with the purpose's written reason.
  d.heading(2, t("Beskyttede felter og begrundelser", "Protected fields and justifications"));
  bool any = false;
  for (const auto& [name, j] : q.justifications) {
    if (p_.find_source(name) != kNone) continue;  // access exceptions are with the sources
    d.quote("`" + name + "`: " + prose(j.text), where(j.span));
    any = true;
  }
  if (!any) {
    d.paragraph(
        t("Formålet bruger ingen beskyttede felter.", "The purpose uses no protected field."));
  }
  d.heading(2, t("Forbudte felter", "Forbidden fields"));
  std::vector<std::string> items;
  for (Index f : q.forbidden) items.push_back("`" + p_.fields[f].name + "` " + p_.fields[f].label);
  if (items.empty()) {
    d.paragraph(t("Ingen.", "None."));
  } else {
    d.paragraph(t("Intet i formålet — model, regel eller udløser — må læse:",
                  "Nothing in the purpose — model, rule or trigger — may read:"));
    d.list(items);
  }

  d.heading(2, t("Niveauer og vejledning", "Levels and guidance"));
  rows.clear();
  double from = 0;
  for (const dsl::Band& b : q.bands) {
    const std::string band =
        b.below ? number(from) + " – " + number(*b.below) : t("fra ", "from ") + number(from);
    if (b.below) from = *b.below;
    const auto g = q.guidance.find(b.level);
    rows.push_back({p_.level_labels[b.level] + " (`" + p_.levels[b.level] + "`)", band,
                    g == q.guidance.end() ? "—" : prose(g->second)});
  }
  if (q.bands.empty()) {
    for (Index l = 0; l < p_.levels.size(); ++l) {
      const auto g = q.guidance.find(l);
      rows.push_back({p_.level_labels[l] + " (`" + p_.levels[l] + "`)", "—",
                      g == q.guidance.end() ? "—" : prose(g->second)});
    }
  }
  d.table({t("niveau", "level"), t("sandsynlighed (model)", "probability (model)"),
           t("vejledning til den professionelle", "guidance to the professional")},
          rows);
  d.paragraph(t("Mindst ", "At least ") + number(100 * q.completeness) +
              t(" % af de felter, modellen bruger, skal være kendt; ellers gives intet niveau "
                "(utilstrækkelige data), og en professionel skal se på sagen.",
                " % of the fields the model uses must be known; otherwise no level is given "
                "(insufficient data) and a professional must look at the case."));

  d.heading(2, t("Hvornår en professionel skal vurdere", "When a professional must review"));
  rows.clear();
  for (const dsl::ReviewTrigger& r : q.reviews) {
    rows.push_back(
        {"`" + r.id + "`", "`" + dsl::format_expr(*r.condition) + "`", r.reason, where(r.span)});
  }
  for (Index r : q.rules) {
    const dsl::RuleInfo& rule = p_.rules[r];
    if (!rule.review_because) continue;
    rows.push_back({"`" + rule.name + "`",
                    rule.condition ? "`" + dsl::format_expr(*rule.condition) + "`" : "—",
                    *rule.review_because, where(rule.span)});
  }
  if (rows.empty()) {
    d.paragraph(t("**Ingen** udløser kræver en professionels vurdering.",
                  "**No** trigger requires a professional's review."));
  } else {
    d.table({t("id", "id"), t("når", "when"), t("begrundelse", "reason"), t("sted", "where")},
            rows);
    d.paragraph(t("En udløser, der ikke kan afgøres (manglende data), kræver også vurdering.",
                  "A trigger that cannot be decided (missing data) requires review too."));
  }

  d.heading(2, t("Kvalitetskrav til modellen", "Quality gates for the model"));
  items.clear();
  for (const dsl::Gate& g : q.gates) {
    items.push_back("`" + g.metric + (g.field == kNone ? "" : " on " + p_.fields[g.field].name) +
                    (g.at_least ? " >= " : " <= ") + number(g.bound) + "`");
  }
  for (const dsl::Direction& dir : q.directions) {
    items.push_back("`" + p_.fields[dir.field].name + "` " +
                    (dir.raises ? t("kan kun øge risikoen", "may only raise the risk")
                                : t("kan kun mindske risikoen", "may only lower the risk")));
  }
  if (items.empty()) {
    d.paragraph(t("Ingen.", "None."));
  } else {
    d.list(items);
  }
  rules(d, q);
}

void Writer::rules(Document& d, const PurposeInfo& q) {
  d.heading(2, t("Reglerne i ord", "The rules in plain words"));
  std::vector<std::vector<std::string>> rows;
  for (Index r : q.rules) {
    const dsl::RuleInfo& rule = p_.rules[r];
    std::vector<std::string> effect;
    if (rule.flag != nullptr && rule.flag->text) {
      effect.push_back(t("markering: „", "flag: \"") + rule.flag->text->value + t("“", "\""));
    }
    if (rule.points) effect.push_back(t("point: ", "points: ") + number(*rule.points));
    if (rule.raise_to != kNone) {
      effect.push_back(t("hæver niveauet til ", "raises the level to ") +
                       p_.level_labels[rule.raise_to] +
                       (rule.raise_because.empty() ? "" : " — " + rule.raise_because));
    }
    if (rule.cap_at != kNone) {
      effect.push_back(t("begrænser niveauet til ", "caps the level at ") +
                       p_.level_labels[rule.cap_at] +
                       (rule.cap_because.empty() ? "" : " — " + rule.cap_because));
    }
    if (rule.review_because) {
      effect.push_back(t("kræver vurdering: ", "requires review: ") + *rule.review_because);
    }
    std::string cite = where(rule.span);
    for (const auto& st : rule.decl->body) {
      if (st.key == dsl::ast::RuleStmt::Key::LegalReference && st.text) {
        cite = st.text->value + " (" + cite + ")";
      }
    }
    std::string effects;
    for (const auto& e : effect) effects += (effects.empty() ? "" : "\n") + e;
    rows.push_back({"`" + rule.name + "` " + rule.label,
                    rule.condition ? "`" + dsl::format_expr(*rule.condition) + "`" : "—",
                    effects.empty() ? "—" : effects, cite});
  }
  if (rows.empty()) {
    d.paragraph(t("Formålet har ingen regler.", "The purpose has no rules."));
    return;
  }
  d.table({t("regel", "rule"), t("når", "when"), t("virkning", "effect"), t("kilde", "source")},
          rows);
}

void Writer::dpia(Document& d) {
  d.heading(1, t("Konsekvensanalyse (GDPR art. 35)",
                 "Data protection impact assessment (GDPR "
                 "Art. 35)"));
  d.paragraph(t("Det, Skøn kan udfylde fra reglerne (se afsnittene ovenfor):",
                "What Skøn fills from the rules (see the sections above):"));
  d.list({t("en systematisk beskrivelse af behandlingen og formålene: formål, roller, periode, "
            "felter og regler (art. 35, stk. 7, litra a)",
            "a systematic description of the processing and its purposes: purposes, roles, "
            "period, fields and rules (Art. 35(7)(a))"),
          t("kategorierne af oplysninger og deres hjemmel: kilderne og deres kategori",
            "the categories of data and their basis: the sources and their category"),
          t("hvem der ser vurderingen: formålenes roller",
            "who sees the assessment: the purposes' roles"),
          t("opbevaring: revisionsloggens periode pr. formål (mindst 6 måneder, AI-forordningen "
            "art. 19 og 26, stk. 6)",
            "retention: the audit log's period per purpose (at least six months, AI Act Art. 19 "
            "and 26(6))"),
          t("sikkerhedsforanstaltninger i reglerne: forbudte felter, begrundelser for beskyttede "
            "felter, udløsere for menneskelig vurdering, krav om fuldstændighed, kvalitetskrav, "
            "godkendelser og den hash-kædede revisionslog",
            "safeguards in the rules: forbidden fields, justifications for protected fields, "
            "triggers for human review, completeness minimum, quality gates, approvals and the "
            "hash-chained audit log")});
  d.paragraph(t("Det, kommunen selv skal vurdere og skrive (**skal udfyldes af kommunen**):",
                "What the municipality must assess and write itself (**to be completed by the "
                "municipality**):"));
  d.list({t("nødvendighed og proportionalitet: hvorfor netop disse data og dette formål "
            "(art. 35, stk. 7, litra b)",
            "necessity and proportionality: why these data for this purpose (Art. 35(7)(b))"),
          t("risici for de unges rettigheder: forskelsbehandling, stigmatisering, fejl og "
            "selvopfyldende forventninger (art. 35, stk. 7, litra c)",
            "risks to the young people's rights: discrimination, stigma, errors and self-"
            "fulfilling expectations (Art. 35(7)(c))"),
          t("foranstaltninger mod risiciene ud over reglernes (art. 35, stk. 7, litra d)",
            "measures against those risks beyond the rules' own (Art. 35(7)(d))"),
          t("rådgivning fra databeskyttelsesrådgiveren (art. 35, stk. 2) og, hvor det er "
            "relevant, de unges og forældrenes synspunkter (art. 35, stk. 9)",
            "advice of the data protection officer (Art. 35(2)) and, where appropriate, the views "
            "of the young people and parents (Art. 35(9))"),
          t("om Datatilsynet skal høres på forhånd (art. 36)",
            "whether Datatilsynet must be consulted beforehand (Art. 36)"),
          t("en konsekvensanalyse for grundlæggende rettigheder efter AI-forordningen art. 27, "
            "hvor den gælder — ",
            "a fundamental-rights impact assessment under AI Act Art. 27, where it applies — ") +
              to_confirm()});
}

void Writer::duties(Document& d) {
  d.heading(1, t("Pligter over for den unge og forældrene",
                 "Duties toward the young person and "
                 "the parents"));
  d.list({t("oplysningspligt, når oplysninger indsamles hos den unge eller hentes andetsteds fra "
            "(GDPR art. 13 og 14), herunder om vurderingen og dens logik",
            "the duty to inform when data are collected from the young person or obtained "
            "elsewhere (GDPR Art. 13 and 14), including about the assessment and its logic"),
          t("ret til indsigt (art. 15) og til at gøre indsigelse mod behandling efter art. 6, "
            "stk. 1, litra e (art. 21)",
            "the right of access (Art. 15) and to object to processing under Art. 6(1)(e) (Art. "
            "21)"),
          t("ingen afgørelse alene på automatisk behandling (art. 22): vurderingen er et "
            "beslutningsstøtteværktøj, og udløserne ovenfor sikrer, at en professionel ser de "
            "sager, reglerne kræver",
            "no decision based solely on automated processing (Art. 22): the assessment supports "
            "a professional, and the triggers above make a professional see the cases the rules "
            "require"),
          t("forvaltningsloven: partshøring (§ 19), begrundelse (§§ 22–24) og videregivelse "
            "mellem myndigheder (§ 28), hvis en vurdering indgår i en afgørelse — ",
            "the Danish Public Administration Act (forvaltningsloven): hearing of the party "
            "(§ 19), reasons (§§ 22–24) and transfers between authorities (§ 28), where an "
            "assessment enters a decision — ") +
              to_confirm()});
}

Document Writer::build() {
  Document d;
  d.language = o_.language;
  d.title = t("Regelsættet som dokument — til juridisk gennemgang",
              "The rule set as a document — for legal review");
  header(d);
  sources(d);
  for (Index pi = 0; pi < p_.purposes.size(); ++pi) purpose(d, pi);
  dpia(d);
  duties(d);
  return d;
}

}  // namespace

Document rule_document(const Program& program, const RuleDocOptions& options) {
  return Writer(program, options).build();
}

}  // namespace skon::engine
