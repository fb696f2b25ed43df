#include "skon/models/synthetic_cohort.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <initializer_list>
#include <stdexcept>
#include <string_view>

#include "skon/base/atomic_file.hpp"

namespace skon::models {
namespace {

// ---- Published figures (docs/synthetic-data.md gives each one's source) -------------------------

constexpr double kBaseRate = 0.16;  // no youth education by 25: 84 % complete (UVM 2017)

struct Municipality {
  const char* name;
  double
      completion;  // share completing a youth education by 25 (UVM 2017; "national" = assumption)
  double share;    // share of the synthetic cohort (assumption)
};
constexpr std::array<Municipality, 6> kMunicipalities{{{"gentofte", 0.92, 0.09},
                                                       {"rudersdal", 0.92, 0.07},
                                                       {"aarhus", 0.84, 0.42},
                                                       {"odense", 0.84, 0.27},
                                                       {"ishøj", 0.76, 0.08},
                                                       {"lolland", 0.75, 0.07}}};

// The municipalities' offsets act on top of the individual factors, which pull rates toward the
// mean; this scale (fitted on the pilot sample) brings the municipal rates back to UVM's figures.
constexpr double kMunicipalityOffsetScale = 1.3;

constexpr double kMaleShare = 0.5;              // assumption
constexpr double kParentsOutsideLabour = 0.14;  // 86 % with both parents attached (1999)
constexpr double kSingleParent = 0.23;          // 77 % live with both parents (DST 2023)
constexpr double kHealthVisitorConcern = 0.10;  // assumption: no public figure
constexpr double kDaycareSupportNeeded = 0.12;  // assumption: no public figure
constexpr double kPprReferral = 0.12;           // assumption (includes special education)
constexpr double kSpecialEducation = 0.059;     // segregated special education 2020/21
constexpr double kNoExitExams = 0.10;           // UVM 12 Jan 2021
constexpr double kHeldBack = 0.06;              // assumption
constexpr double kGradeMeanGirls = 6.6, kGradeMeanBoys = 6.0, kGradeSd = 2.3;  // ≈29 % below 5
constexpr double kWellbeingMean = 3.95, kWellbeingSd = 0.72;  // assumption: ≈9 % below 3
constexpr double kLowWellbeingBelow = 3;
constexpr double kAbsenceSigma = 0.84;  // log-normal: mean ≈7 %, 20 % above 10 %
constexpr double kAbsenceMu = 2.302585092994046 - 0.8416212335729143 * kAbsenceSigma;

// Odds ratios of the outcome, each conditional on the others (domain-figures.md §1.4).
constexpr double kOrMale = 1.6;
constexpr double kOrSingleParent = 1.96;
constexpr double kOrParentsOutsideLabour = 1.96;
constexpr double kOrLowWellbeing = 1.7;
constexpr double kOrAbsenceOver10 = 2.0;                // assumption (US evidence suggests larger)
constexpr double kLogOddsPerAbsencePointOver10 = 0.02;  // assumption
constexpr double kOrNoExitExams = 5.0;
constexpr double kOrSpecialEducation = 2.0;      // assumption
constexpr double kLogOddsPerGradePoint = -0.18;  // ≈ OR 2 below vs above the median
constexpr double kGradeMedian = 6.5;
constexpr double kOrHealthVisitorConcern = 1.3;              // assumption
constexpr double kOrDaycareSupportNeeded = 1.2;              // assumption
constexpr double kOrPprReferral = 1.3;                       // assumption
constexpr double kOrHeldBack = 1.3;                          // assumption
constexpr double kOrNotStarted = 4.0;                        // assumption
constexpr double kLogOddsPerFirstMonthsAbsencePoint = 0.04;  // above 5 %, assumption

// Data gaps per source (assumptions; docs/synthetic-data.md).
constexpr double kGapAbsence = 0.02, kGapGrades = 0.03, kGapExamsTaken = 0.02, kGapExamAvg = 0.03;
constexpr double kGapTests = 0.04, kGapTestsSpecialEducation = 0.25;
constexpr double kGapWellbeing = 0.06, kGapWellbeingUnhappy = 0.10;
constexpr double kGapHealthVisitor = 0.15, kGapDaycare = 0.20, kGapPpr = 0.03;
constexpr double kGapParentsLabour = 0.04, kGapHousehold = 0.02;
constexpr double kGapProgramme = 0.02, kGapFirstMonthsAbsence = 0.05;

constexpr double kDirtyRowShare = 0.01;

const std::vector<std::string> kProgrammes = {"stx", "hhx", "htx", "hf",
                                              "eux", "eud", "fgu", "none"};
enum Programme { Stx, Hhx, Htx, Hf, Eux, Eud, Fgu, None };

// ---- Random numbers: xoshiro256** (the same stream on every platform) ---------------------------

std::uint64_t splitmix(std::uint64_t& x) {
  std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

void seed_state(std::uint64_t (&s)[4], std::uint64_t seed) {
  for (auto& v : s) v = splitmix(seed);
}

std::uint64_t rotl(std::uint64_t x, int k) {
  return (x << k) | (x >> (64 - k));
}

std::uint64_t next_u64(std::uint64_t (&s)[4]) {
  const std::uint64_t result = rotl(s[1] * 5, 7) * 9;
  const std::uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 45);
  return result;
}

struct Rng {
  std::uint64_t (&s)[4];
  double uniform() { return static_cast<double>(next_u64(s) >> 11) * 0x1.0p-53; }  // [0, 1)
  bool chance(double p) { return uniform() < p; }
  double normal() {  // Box–Muller
    const double u1 = 1.0 - uniform(), u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
};

double phi(double x) {
  return 0.5 * std::erfc(-x / std::sqrt(2.0));
}

// The standard normal quantile, by bisection (only for the few fixed prevalences).
double phi_inverse(double p) {
  double lo = -10, hi = 10;
  for (int i = 0; i < 200; ++i) {
    const double mid = 0.5 * (lo + hi);
    (phi(mid) < p ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

// A standard normal that loads on the shared factors and is otherwise its own.
double latent(Rng& rng, std::initializer_list<std::pair<double, double>> loadings) {
  double v = 0, used = 0;
  for (const auto& [weight, factor] : loadings) {
    v += weight * factor;
    used += weight * weight;
  }
  return v + std::sqrt(std::max(0.0, 1 - used)) * rng.normal();
}

double round1(double v) {
  return std::round(v * 10) / 10;
}
double clamp(double v, double lo, double hi) {
  return std::min(hi, std::max(lo, v));
}

// The 7-step scale: -3, 00, 02, 4, 7, 10, 12.
double on_grade_scale(double v) {
  if (v < -1.5) return -3;
  if (v < 1) return 0;
  if (v < 3) return 2;
  if (v < 5.5) return 4;
  if (v < 8.5) return 7;
  if (v < 11) return 10;
  return 12;
}

double logit(double p) {
  return std::log(p / (1 - p));
}

struct Thresholds {  // quantiles computed once
  double parents, single, hv, daycare, ppr, special, held_back, no_exams;
  Thresholds()
      : parents(phi_inverse(1 - kParentsOutsideLabour)),
        single(phi_inverse(1 - kSingleParent)),
        hv(phi_inverse(1 - kHealthVisitorConcern)),
        daycare(phi_inverse(1 - kDaycareSupportNeeded)),
        ppr(phi_inverse(1 - kPprReferral)),
        special(phi_inverse(1 - kSpecialEducation)),
        held_back(phi_inverse(1 - kHeldBack)),
        no_exams(phi_inverse(1 - kNoExitExams)) {}
};

const Thresholds& thresholds() {
  static const Thresholds t;
  return t;
}

// Draws one clean person and returns the outcome's log-odds without the intercept.
double draw(Rng& rng, const SyntheticOptions& options, SyntheticPerson& p) {
  const Thresholds& q = thresholds();
  const int years = std::max(1, options.year_to - options.year_from + 1);
  p.cohort_year = options.year_from + std::min(years - 1, static_cast<int>(rng.uniform() * years));
  double pick = rng.uniform(), cumulative = 0;
  p.municipality = static_cast<int>(kMunicipalities.size()) - 1;
  for (std::size_t i = 0; i < kMunicipalities.size(); ++i) {
    cumulative += kMunicipalities[i].share;
    if (pick < cumulative) {
      p.municipality = static_cast<int>(i);
      break;
    }
  }
  p.male = rng.chance(kMaleShare);

  // Shared factors: home (socio-economic), ability, health, engagement.
  const double z = rng.normal(), g = rng.normal(), h = rng.normal(), m = rng.normal();
  const bool parents_outside = latent(rng, {{-0.55, z}}) > q.parents;
  const bool single = latent(rng, {{-0.35, z}}) > q.single;
  const bool hv = latent(rng, {{-0.2, z}, {-0.45, h}}) > q.hv;
  const bool daycare = latent(rng, {{-0.5, g}, {-0.3, h}}) > q.daycare;
  const double s = latent(rng, {{-0.65, g}, {-0.3, h}});
  const bool special = s > q.special, ppr = s > q.ppr;  // special education ⊂ PPR referral
  const bool held_back = latent(rng, {{-0.5, g}, {-0.3, h}}) > q.held_back;
  p.age = round1(15.4 + rng.uniform() + (held_back ? 1 : 0));

  const double grades = latent(rng, {{0.35, z}, {0.70, g}, {0.30, m}});
  p.grade_avg_9th =
      clamp(round1((p.male ? kGradeMeanBoys : kGradeMeanGirls) + kGradeSd * grades), -3, 12);
  p.grade_avg_8th = clamp(round1(p.grade_avg_9th + 0.6 * rng.normal()), -3, 12);
  p.danish_grade = on_grade_scale(p.grade_avg_9th + (p.male ? -0.4 : 0.3) + 1.8 * rng.normal());
  p.math_grade = on_grade_scale(p.grade_avg_9th + (p.male ? 0.3 : -0.2) + 2.0 * rng.normal());
  const bool no_exams = latent(rng, {{-0.3, z}, {-0.45, g}, {-0.35, m}, {-0.15, h}}) > q.no_exams;
  p.exit_exams_taken = no_exams ? 0 : 1;
  p.exam_avg =
      no_exams ? std::nan("") : clamp(round1(p.grade_avg_9th - 0.2 + 0.9 * rng.normal()), -3, 12);
  p.reading_score = std::round(100 * phi(latent(rng, {{0.3, z}, {0.8, g}}) - (p.male ? 0.15 : 0)));
  p.math_score = std::round(100 * phi(latent(rng, {{0.3, z}, {0.8, g}}) + (p.male ? 0.05 : 0)));
  const double w = latent(rng, {{0.15, z}, {0.6, h}, {0.25, m}});
  p.wellbeing_index = clamp(round1(kWellbeingMean + kWellbeingSd * w), 1, 5);
  const double b = latent(rng, {{-0.25, z}, {-0.35, h}, {-0.45, m}});
  p.absence_pct = clamp(round1(std::exp(kAbsenceMu + kAbsenceSigma * b)), 0, 100);

  // The start on a youth education (an assumed split; docs/synthetic-data.md).
  const double u = rng.uniform();
  if (no_exams) {
    p.programme = u < 0.35 ? None : u < 0.70 ? Fgu : Eud;
  } else if (p.grade_avg_9th >= 5) {
    p.programme = u < 0.55   ? Stx
                  : u < 0.70 ? Hhx
                  : u < 0.78 ? Htx
                  : u < 0.83 ? Hf
                  : u < 0.88 ? Eux
                  : u < 0.98 ? Eud
                             : None;
  } else {
    p.programme = u < 0.10   ? Stx
                  : u < 0.15 ? Hhx
                  : u < 0.30 ? Hf
                  : u < 0.40 ? Eux
                  : u < 0.75 ? Eud
                  : u < 0.90 ? Fgu
                             : None;
  }
  p.us_absence_pct =
      p.programme == None
          ? std::nan("")
          : clamp(round1(std::exp(kAbsenceMu +
                                  kAbsenceSigma * latent(rng, {{-0.15, z}, {-0.3, h}, {-0.6, m}}))),
                  0, 100);
  p.hv_concern = hv;
  p.daycare_support_needed = daycare;
  p.ppr_referral = ppr;
  p.special_education = special;
  p.parents_outside_labour = parents_outside;
  p.single_parent = single;

  const bool low_wellbeing = p.wellbeing_index < kLowWellbeingBelow;
  double eta = kMunicipalityOffsetScale *
               (logit(1 - kMunicipalities[static_cast<std::size_t>(p.municipality)].completion) -
                logit(kBaseRate));
  eta += p.male ? std::log(kOrMale) : 0;
  eta += single ? std::log(kOrSingleParent) : 0;
  eta += parents_outside ? std::log(kOrParentsOutsideLabour) : 0;
  eta += kLogOddsPerGradePoint * (p.grade_avg_9th - kGradeMedian);
  eta += low_wellbeing ? std::log(kOrLowWellbeing) : 0;
  if (p.absence_pct > 10)
    eta += std::log(kOrAbsenceOver10) + kLogOddsPerAbsencePointOver10 * (p.absence_pct - 10);
  eta += no_exams ? std::log(kOrNoExitExams) : 0;
  eta += special ? std::log(kOrSpecialEducation) : 0;
  eta += hv ? std::log(kOrHealthVisitorConcern) : 0;
  eta += daycare ? std::log(kOrDaycareSupportNeeded) : 0;
  eta += ppr ? std::log(kOrPprReferral) : 0;
  eta += held_back ? std::log(kOrHeldBack) : 0;
  if (p.programme == None)
    eta += std::log(kOrNotStarted);
  else
    eta += kLogOddsPerFirstMonthsAbsencePoint * std::max(0.0, p.us_absence_pct - 5);

  // Data gaps, after the outcome's causes are fixed: a gap hides a value, it does not change it.
  const double nan = std::nan("");
  if (rng.chance(kGapAbsence)) p.absence_pct = nan;
  if (rng.chance(kGapGrades))
    p.grade_avg_8th = p.grade_avg_9th = p.danish_grade = p.math_grade = nan;
  if (rng.chance(kGapExamsTaken))
    p.exit_exams_taken = p.exam_avg = nan;
  else if (rng.chance(kGapExamAvg))
    p.exam_avg = nan;
  if (rng.chance(kGapTests + (special ? kGapTestsSpecialEducation : 0)))
    p.reading_score = p.math_score = nan;
  if (rng.chance(kGapWellbeing + (w < -1 ? kGapWellbeingUnhappy : 0))) p.wellbeing_index = nan;
  if (rng.chance(kGapHealthVisitor)) p.hv_concern = nan;
  if (rng.chance(kGapDaycare)) p.daycare_support_needed = nan;
  if (rng.chance(kGapPpr)) p.ppr_referral = p.special_education = nan;
  if (rng.chance(kGapParentsLabour)) p.parents_outside_labour = nan;
  if (rng.chance(kGapHousehold)) p.single_parent = nan;
  if (rng.chance(kGapProgramme)) {
    p.programme = -1;
    p.us_absence_pct = nan;
  } else if (p.programme != None && rng.chance(kGapFirstMonthsAbsence)) {
    p.us_absence_pct = nan;
  }
  return eta;
}

double sigmoid(double x) {
  return 1 / (1 + std::exp(-x));
}

// The intercept that makes the mean risk equal the base rate, on a fixed pilot sample (the
// same for every seed, so a seed changes the people, not the model that made them).
double fit_intercept() {
  SyntheticOptions pilot_options;
  std::uint64_t s[4];
  seed_state(s, 0x5eed5eedULL);
  Rng rng{s};
  std::vector<double> eta(100000);
  SyntheticPerson p;
  for (double& e : eta) e = draw(rng, pilot_options, p);
  double lo = -10, hi = 10;
  for (int i = 0; i < 60; ++i) {
    const double mid = 0.5 * (lo + hi);
    double mean = 0;
    for (double e : eta) mean += sigmoid(mid + e);
    (mean / static_cast<double>(eta.size()) < kBaseRate ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

void append_number(std::string& out, double v, int decimals) {
  if (std::isnan(v)) return;
  char buffer[32];
  const auto r =
      std::to_chars(buffer, buffer + sizeof buffer, v, std::chars_format::fixed, decimals);
  out.append(buffer, r.ptr);
}

}  // namespace

const std::vector<std::string>& synthetic_municipalities() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const auto& m : kMunicipalities) v.emplace_back(m.name);
    return v;
  }();
  return names;
}

const std::vector<std::string>& synthetic_programmes() {
  return kProgrammes;
}

SyntheticCohort::SyntheticCohort(SyntheticOptions options) : options_(std::move(options)) {
  if (options_.year_to < options_.year_from)
    throw std::invalid_argument("the last year comes before the first");
  seed_state(state_, options_.seed);
  seed_state(dirt_, options_.seed ^ 0xd1d1d1d1d1d1d1d1ULL);
  static const double intercept = fit_intercept();
  intercept_ = intercept;
}

void SyntheticCohort::next(SyntheticPerson& person) {
  Rng rng{state_};
  const std::size_t index = person.index;
  person = SyntheticPerson{};
  person.index = index + 1;
  const double eta = draw(rng, options_, person);
  person.risk = sigmoid(intercept_ + eta);
  person.outcome = rng.uniform() < person.risk;
}

std::string SyntheticCohort::header() const {
  std::string h =
      "id,cohort_year,municipality,sex,age,absence_pct,grade_avg_8th,grade_avg_9th,danish_grade,"
      "math_grade,"
      "exit_exams_taken,exam_avg,reading_score,math_score,wellbeing_index,hv_concern,daycare_"
      "support_needed,"
      "ppr_referral,special_education,parents_outside_labour,single_parent,programme,us_absence_"
      "pct";
  if (!options_.current) h += ",outcome";
  return h + "\n";
}

void SyntheticCohort::append_csv(const SyntheticPerson& p, std::string& out) {
  // Which error, if any, this row carries (see docs/synthetic-data.md, "--dirty").
  int error = -1;
  if (options_.dirty) {
    Rng dirt{dirt_};
    if (dirt.chance(kDirtyRowShare)) error = static_cast<int>(dirt.uniform() * 8);
  }
  const std::size_t start = out.size();
  char id[32];
  const auto r = std::to_chars(id, id + sizeof id, p.index);
  out += "S";
  out += std::to_string(p.cohort_year);
  out += '-';
  out.append(7 - std::min<std::size_t>(7, static_cast<std::size_t>(r.ptr - id)), '0');
  out.append(id, r.ptr);
  // Every further column: a comma, then the cell (a gap is an empty cell).
  const auto cell = [&](std::string_view text) {
    out += ',';
    out += text;
  };
  const auto number = [&](double v, int decimals) {
    out += ',';
    append_number(out, v, decimals);
  };
  cell(std::to_string(p.cohort_year));
  cell(kMunicipalities[static_cast<std::size_t>(p.municipality)].name);
  cell(error == 0 ? (p.male ? "Dreng" : "Pige") : (p.male ? "male" : "female"));
  number(p.age, 1);
  if (error == 1)
    cell("NA");
  else if (error == 2)
    cell("112.5");
  else if (error == 3)
    cell("-3");
  else
    number(p.absence_pct, 1);
  number(p.grade_avg_8th, 1);
  if (error == 4 && !std::isnan(p.grade_avg_9th)) {
    std::string v;
    append_number(v, p.grade_avg_9th, 1);
    std::replace(v.begin(), v.end(), '.', ',');
    cell('"' + v + '"');
  } else {
    number(p.grade_avg_9th, 1);
  }
  number(p.danish_grade, 0);
  number(p.math_grade, 0);
  number(p.exit_exams_taken, 0);
  number(p.exam_avg, 1);
  if (error == 5)
    cell("fritaget");
  else
    number(p.reading_score, 0);
  number(p.math_score, 0);
  number(p.wellbeing_index, 1);
  for (double v : {p.hv_concern, p.daycare_support_needed, p.ppr_referral, p.special_education,
                   p.parents_outside_labour, p.single_parent}) {
    number(v, 0);
  }
  cell(p.programme < 0 ? ""
       : error == 6    ? "STX "
                       : kProgrammes[static_cast<std::size_t>(p.programme)]);
  number(p.us_absence_pct, 1);
  if (!options_.current) out += p.outcome ? ",1" : ",0";
  out += '\n';
  if (error == 7) out += out.substr(start);  // the same line exported twice
}

namespace {

// One CSV line of the cohort as a JSON Lines object: the same keys and values, numbers as numbers,
// an empty cell as null, anything else (ids, names, an export error such as "NA") as a string.
void append_jsonl(const std::vector<std::string>& keys, std::string_view line, std::string& out) {
  out += '{';
  std::size_t k = 0, i = 0;
  while (i <= line.size() && k < keys.size()) {
    std::string_view cell;
    if (i < line.size() && line[i] == '"') {  // a quoted cell (a decimal comma): up to its quote
      const std::size_t close = line.find('"', i + 1);
      cell = line.substr(i + 1, close - i - 1);
      i = close + 2;
    } else {
      const std::size_t comma = std::min(line.find(',', i), line.size());
      cell = line.substr(i, comma - i);
      i = comma + 1;
    }
    if (k) out += ',';
    out += '"';
    out += keys[k++];
    out += "\":";
    double v = 0;
    const auto r = std::from_chars(cell.data(), cell.data() + cell.size(), v);
    if (cell.empty()) {
      out += "null";
    } else if (r.ec == std::errc() && r.ptr == cell.data() + cell.size() && k > 1) {
      out += cell;
    } else {
      out += '"';
      out += cell;  // the cohort's texts hold no quotes or backslashes
      out += '"';
    }
  }
  out += "}\n";
}

}  // namespace

void write_synthetic_cohort(const SyntheticOptions& options, const std::string& path) {
  SyntheticCohort cohort(options);
  base::AtomicFile file(path);
  const bool jsonl = path.ends_with(".jsonl") || path.ends_with(".ndjson");
  std::vector<std::string> keys;
  {
    const std::string header = cohort.header();
    std::size_t start = 0;
    for (std::size_t i = 0; i <= header.size() - 1; ++i) {
      if (header[i] == ',' || header[i] == '\n') {
        keys.push_back(header.substr(start, i - start));
        start = i + 1;
      }
    }
  }
  std::string chunk = jsonl ? "" : cohort.header();
  std::string line;
  SyntheticPerson person;
  for (std::size_t i = 0; i < options.rows; ++i) {
    cohort.next(person);
    if (!jsonl) {
      cohort.append_csv(person, chunk);
    } else {
      line.clear();
      cohort.append_csv(person, line);
      for (std::size_t at = 0; at < line.size();) {  // a dirty row may be two lines
        const std::size_t nl = line.find('\n', at);
        append_jsonl(keys, std::string_view(line).substr(at, nl - at), chunk);
        at = nl + 1;
      }
    }
    if (chunk.size() > (1u << 20)) {
      file.write(chunk);
      chunk.clear();
    }
  }
  file.write(chunk);
  file.commit();
}

}  // namespace skon::models
